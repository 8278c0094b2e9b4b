/** The optional limits of a Deployment spec, where 2147483647 (MaxInt32) means "none". */
import type { Deployment } from '../types.js';

const MAX_INT32 = 2147483647;

/** Whether lack of progress is ever reported (progressDeadlineSeconds set and not MaxInt32). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== MAX_INT32;
}

/** Old ReplicaSets to keep for rollback, or undefined to keep them all (default 10). */
export function revisionHistoryLimit(d: Deployment): number | undefined {
  const n = d.spec.revisionHistoryLimit ?? 10;
  return n === MAX_INT32 ? undefined : n;
}
