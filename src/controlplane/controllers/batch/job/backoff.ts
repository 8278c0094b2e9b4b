/**
 * The delay before a Job replaces failed pods — backoff_utils.go. Kubernetes keeps a
 * per-Job record in memory (failures since the last success, last failure time); we
 * recompute it from the pods still present, which is the same while finished pods are
 * kept (they are, until the Job is deleted or the user removes them by hand).
 *
 * The delay starts at 10 s and doubles per consecutive failure, capped at 6 minutes, and
 * counts from the last failure: 3 failures since the last success → 40 s; the last one
 * finished 15 s ago → wait 25 s more. 7 failures → 640 s, capped to 360 s.
 */
import { finishedAt } from './pods.js';
import type { Pod } from '../types.js';

export const DEFAULT_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 6 * 60_000;

/**
 * Milliseconds left before new pods may be created, 0 when none. Only failures after the
 * latest success count: a success resets the back-off.
 */
export function backoffRemainingMs(succeeded: readonly Pod[], failed: readonly Pod[], now: Date): number {
  const lastSuccess = Math.max(0, ...succeeded.map(finishedAt));
  const failures = failed.map(finishedAt).filter((t) => t > lastSuccess || (lastSuccess === 0 && t === 0));
  if (failures.length === 0) return 0;
  const lastFailure = Math.max(...failures);
  return Math.max(0, backoffDelayMs(failures.length) - (now.getTime() - lastFailure));
}

/** The full delay after `failures` consecutive failures: 1 → 10 s, 2 → 20 s, 6+ → 360 s. */
export function backoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  let delay = DEFAULT_BACKOFF_MS;
  for (let i = 1; i < failures; i++) {
    delay *= 2;
    if (delay >= MAX_BACKOFF_MS) return MAX_BACKOFF_MS;
  }
  return delay;
}
