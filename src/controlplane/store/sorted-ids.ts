/**
 * Bisection over ascending arrays of object ids (`namespace/name`, see keys.ts), shared by
 * the resource index and the label index so both order and slice objects the same way.
 */
import { namespaceStart } from './keys.js';

/** The first position in ascending `ids` whose id is not less than `id`. */
export function lowerBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first position in ascending `ids` whose id is greater than `id`. */
export function upperBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A half-open range [start, end) of positions in an ordered array. */
export interface Range {
  start: number;
  end: number;
}

/** The positions of one namespace's ids in ascending `ids`, or of all. */
export function namespaceRange(ids: readonly string[], namespace: string | undefined): Range {
  if (namespace === undefined) return { start: 0, end: ids.length };
  // the ids from `ns/` (inclusive) to `ns0` (exclusive: '0' is the character after '/')
  // are exactly those starting with `ns/`
  const first = namespaceStart(namespace);
  const past = `${namespace}0`;
  return { start: lowerBound(ids, first), end: lowerBound(ids, past) };
}
