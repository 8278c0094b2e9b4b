/**
 * The numbers the autoscaler reads and writes: quantities as milli-values (what upstream's
 * `Quantity.MilliValue()` gives), milli-values back as DecimalSI quantities (what
 * `resource.NewMilliQuantity(v, DecimalSI).String()` prints in `currentMetrics`), and the
 * Go durations of a PodMetrics `window`.
 *
 * Hand-written: core/quantity.ts parses, but nothing formats apimachinery's canonical form.
 */
import { formatDecimalQuantity, quantityCeil } from '../../../core/index.js';
import type { Quantity } from './types.js';

/** `250m` → 250, `1` → 1000, `1Ki` → 1024000; rounded up as MilliValue() rounds. Throws on bad text. */
export function milliValue(q: Quantity): number {
  return quantityCeil(q, 3);
}

/**
 * A milli-value as a canonical DecimalSI quantity: trailing zeros come off the mantissa and the
 * exponent steps down to a multiple of 3. 250 → `250m`, 1500 → `1500m`, 2000 → `2`,
 * 104857600000 (100 Mi in millibytes) → `104857600`, 1500000000 → `1500k`.
 */
export function formatMilli(milli: number): string {
  return Number.isFinite(milli) ? formatDecimalQuantity(BigInt(Math.trunc(milli)), -3) : '0';
}

const durationUnits: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A Go `time.Duration` string (`30s`, `15.008s`, `1m30s`, `500ms`) in milliseconds; a bare
 * number is taken as seconds. Undefined for anything else.
 */
export function parseGoDurationMs(text: string | number | undefined): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text * 1000 : undefined;
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  if (s === '0') return 0;
  const m = /^([+-]?)((?:\d*\.?\d*(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return /^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : undefined;
  let total = 0;
  for (const part of m[2].matchAll(/(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    if (part[1] === '' || part[1] === '.') return undefined;
    total += Number(part[1]) * durationUnits[part[2]];
  }
  return m[1] === '-' ? -total : total;
}
