/** Resource quantities (`500m`, `1Gi`, `2e3`) as numbers, for comparisons and utilization maths. */
import { parseQuantity as parseExact, type JsonValue } from '../../../../core/index.js';

/** A resource quantity as a number (`500m` → 0.5, `1Gi` → 1073741824), undefined if malformed. */
export function parseQuantity(q: JsonValue | undefined): number | undefined {
  if (typeof q !== 'number' && typeof q !== 'string') return undefined;
  try {
    return parseExact(q);
  } catch {
    return undefined;
  }
}
