/**
 * The text of metrics values exactly as metrics-server's Go types print them, so clients
 * that compare strings (tests, dashboards) see the same thing on both servers:
 *   - CPU: a Quantity of nano-cores in DecimalSI, canonical form (apimachinery's
 *     `Quantity.String()`): trailing zeros move into the suffix in steps of 1000, so
 *     1234567 → `1234567n`, 1500000 → `1500u`, 250000000 → `250m`, 2e9 → `2`, 0 → `0`.
 *   - Memory: a Quantity of bytes in BinarySI: the largest power of 1024 that divides it
 *     exactly (12641280 → `12345Ki`, 67108864 → `64Mi`); a value with no such factor is
 *     plain bytes (`12345`), and one under 1024 is printed as DecimalSI (1000 → `1k`).
 *   - Window: Go's `time.Duration.String()` (`1s`, `1.5s`, `20ms`, `1m5s`, `0s`).
 * Hand-written: these are a few lines of apimachinery's and Go's formatting rules that no
 * npm package reproduces.
 */
import { formatDecimalQuantity } from '../../core/index.js';

const binarySuffix = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** A CPU rate in nano-cores as metrics-server prints it. */
export function cpuQuantity(nanoCores: number): string {
  return formatDecimalQuantity(BigInt(Math.max(0, Math.round(nanoCores))), -9);
}

/** A memory size in bytes as metrics-server prints it. */
export function memoryQuantity(bytes: number): string {
  let v = BigInt(Math.max(0, Math.round(bytes)));
  if (v < 1024n) return formatDecimalQuantity(v, 0);
  let power = 0;
  while (v % 1024n === 0n && power < binarySuffix.length - 1) {
    v /= 1024n;
    power += 1;
  }
  return `${v}${binarySuffix[power]}`;
}

/** Digits of `frac` (a fraction with `digits` places), without trailing zeros; '' for none. */
function fraction(frac: bigint, digits: number): string {
  const text = frac.toString().padStart(digits, '0').replace(/0+$/, '');
  return text ? `.${text}` : '';
}

/** Milliseconds (rounded to the nanosecond) as Go's `time.Duration.String()` prints them. */
export function goDuration(ms: number): string {
  const ns = BigInt(Math.round(ms * 1e6));
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u === 0n) return '0s';
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${u / 1000n}${fraction(u % 1000n, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${u / 1_000_000n}${fraction(u % 1_000_000n, 6)}ms`;
  const seconds = u / 1_000_000_000n;
  const s = `${seconds % 60n}${fraction(u % 1_000_000_000n, 9)}s`;
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${s}`;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${s}`;
  return `${sign}${hours}h${minutes % 60n}m${s}`;
}
