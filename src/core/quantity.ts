/**
 * Kubernetes resource quantities (`100m`, `1.5Gi`, `2e3`, `128974848`), read with the grammar
 * of apimachinery's `resource.ParseQuantity`
 * (https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go):
 *
 *   [sign] digits [. digits] suffix
 *   suffix = '' | n u m k M G T P E          (decimal SI; note lower-case `k`, no `K`)
 *          | Ki Mi Gi Ti Pi Ei               (binary SI)
 *          | e<int> | E<int>                 (decimal exponent; a lone `E` is exa)
 *
 * Values are held exactly as a fraction of BigInts so that `0.1` cores is 100 millicores, not
 * 99.99999; the scheduler then rounds up like `Quantity.MilliValue()`/`Value()` do.
 *
 * Hand-written: no maintained npm package parses quantities with apimachinery's rules.
 */
import { CapstanError } from './errors.js';

/** value = num / den, den > 0. */
interface Exact {
  num: bigint;
  den: bigint;
}

const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

// The pattern apimachinery quotes in its error; the scanner below is what really decides.
const formatMessage =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const scanner = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[+-]?[0-9]*)$/;
// Exponents past this would build absurd BigInts; no real request is near 10^100.
const maxExponent = 100;

function invalid(q: string, message: string): CapstanError {
  return new CapstanError('QUANTITY_INVALID', `quantity ${JSON.stringify(q)}: ${message}`, { quantity: q });
}

function parseExact(input: string | number): Exact {
  const q = typeof input === 'number' ? numberText(input) : input.trim();
  if (q === '') throw invalid(q, formatMessage);
  const m = scanner.exec(q);
  if (!m) throw invalid(q, formatMessage);
  const [, sign, whole, frac = '', suffix] = m;
  let exp10 = 0;
  let exp2 = 0;
  if (Object.prototype.hasOwnProperty.call(decimalSuffixes, suffix)) exp10 = decimalSuffixes[suffix];
  else if (Object.prototype.hasOwnProperty.call(binarySuffixes, suffix)) exp2 = binarySuffixes[suffix];
  else if (/^[eE][+-]?[0-9]+$/.test(suffix)) exp10 = Number(suffix.slice(1));
  else throw invalid(q, "unable to parse quantity's suffix");
  if (Math.abs(exp10) > maxExponent) throw invalid(q, 'exponent out of range');
  // `1.5` with no digits at all (`.`, `m`) reads as zero, as apimachinery's scanner does.
  let num = BigInt((whole || '0') + frac);
  let den = 10n ** BigInt(frac.length);
  if (exp10 > 0) num *= 10n ** BigInt(exp10);
  if (exp10 < 0) den *= 10n ** BigInt(-exp10);
  num *= 2n ** BigInt(exp2);
  if (sign === '-') num = -num;
  return { num, den };
}

/** JSON numbers (`cpu: 2`) are quantities too; print them without a float's `e+21` quirks. */
function numberText(n: number): string {
  if (!Number.isFinite(n)) throw invalid(String(n), formatMessage);
  return String(n).replace('e+', 'e');
}

/**
 * Parses a quantity to a plain number: CPU in cores (`250m` → 0.25), memory and everything
 * else in units (`1Ki` → 1024, `1k` → 1000, `1e3` → 1000). Throws CapstanError
 * `QUANTITY_INVALID` for text apimachinery would reject (including `1K`: the decimal kilo is
 * lower-case).
 */
export function parseQuantity(q: string | number): number {
  const { num, den } = parseExact(q);
  // Dividing the BigInts first keeps integers exact beyond 2^53 / 10^n rounding.
  const whole = num / den;
  const rest = num - whole * den;
  return Number(whole) + Number(rest) / Number(den);
}

/**
 * The quantity scaled by 10^scale and rounded up (toward +∞), as an integer:
 * `scale` 3 gives `MilliValue()` (`0.1` → 100), `scale` 0 gives `Value()` (`1.5` → 2).
 */
export function quantityCeil(q: string | number, scale: 0 | 3): number {
  const { num, den } = parseExact(q);
  const n = num * 10n ** BigInt(scale);
  let v = n / den;
  if (v * den < n) v += 1n;
  return Number(v);
}

const DECIMAL_SUFFIXES: Record<number, string> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

/**
 * `value × 10^exponent` in apimachinery's canonical DecimalSI form: trailing zeros come off
 * the mantissa and the exponent steps down to a multiple of 3. (250n, -3) → `250m`,
 * (1500n, -3) → `1500m`, (2000n, -3) → `2`, (1234567n, -9) → `1234567n`.
 */
export function formatDecimalQuantity(value: bigint, exponent: number): string {
  if (value === 0n) return '0';
  let v = value;
  let e = exponent;
  while (v % 10n === 0n) {
    v /= 10n;
    e += 1;
  }
  // the exponent goes down to a multiple of 3 (-7 → -9 with v × 100)
  const down = ((e % 3) + 3) % 3;
  v *= 10n ** BigInt(down);
  e -= down;
  return `${v}${DECIMAL_SUFFIXES[e] ?? `e${e}`}`;
}
