/**
 * When a live value holds what a desired value sets: scalars (resource quantities by value),
 * and whole atomic lists.
 */
import { isJsonObject, parseQuantity, type JsonObject, type JsonValue } from '../core/index.js';
import type { PathElement } from './fields-v1.js';

export function isEmptyMap(m: JsonObject): boolean {
  for (const _ in m) return false;
  return true;
}

/** The n-th last field name on the path (list elements skipped), for quantity detection. */
export function lastField(path: readonly PathElement[], n: number): string | undefined {
  const pe = path[path.length - n];
  return pe && 'field' in pe ? pe.field : undefined;
}

/** Maps whose values are resource quantities: `cpu: 0.5` and `cpu: 500m` are the same request. */
const quantityMaps = new Set(['limits', 'requests', 'hard', 'capacity', 'allocatable', 'overhead']);

/**
 * Scalars are equal when identical, or when both are the same resource quantity: a real API
 * server canonicalizes quantities (`1024Mi` is stored as `1Gi`, `0.5` as `500m`).
 */
export function sameScalar(d: JsonValue, l: JsonValue | undefined, key?: string, parent?: string): boolean {
  if (d === l) return true;
  const quantity = (parent !== undefined && quantityMaps.has(parent)) || key === 'sizeLimit';
  if (!quantity || (typeof d !== 'string' && typeof d !== 'number')) return false;
  if (typeof l !== 'string' && typeof l !== 'number') return false;
  try {
    return parseQuantity(d) === parseQuantity(l);
  } catch {
    return false;
  }
}

/**
 * `l` holds everything `d` sets, for atomic lists: same length, elements pairwise — a map
 * element may carry more than `d` sets (server defaults inside elements), a scalar must match.
 */
export function covers(
  d: JsonValue,
  l: JsonValue | undefined,
  key: string | undefined,
  parent: string | undefined,
): boolean {
  if (d === null) return true;
  if (isJsonObject(d)) {
    if (!isJsonObject(l)) return l === undefined && isEmptyMap(d);
    for (const k in d) if (!covers(d[k]!, l[k], k, key)) return false;
    return true;
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(l)) return l === undefined && d.length === 0;
    if (d.length !== l.length) return false;
    for (let i = 0; i < d.length; i++) if (!covers(d[i]!, l[i], undefined, key)) return false;
    return true;
  }
  return sameScalar(d, l, key, parent);
}
