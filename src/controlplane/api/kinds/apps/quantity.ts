/** Resource quantities (`500m`, `1Gi`, `2e3`) as numbers, for comparisons and utilization maths. */
import type { JsonValue } from '../../../../core/index.js';

/** A resource quantity as a number (`500m` → 0.5, `1Gi` → 1073741824), undefined if malformed. */
export function parseQuantity(q: JsonValue | undefined): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
  const decimal: Record<string, number> = {
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
  if (suffix in binary) return n * 1024 ** binary[suffix]!;
  if (suffix in decimal) return n * 10 ** decimal[suffix]!;
  return n * 10 ** Number(suffix.slice(1));
}
