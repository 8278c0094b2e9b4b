/**
 * How many pods a running Job wants, and which to create or delete now — manageJob in
 * job_controller.go. Worked example: completions 5, parallelism 2, 4 succeeded, 0 active →
 * want min(5 − 4, 2) = 1, create 1. A sync either deletes or creates, never both; deletion
 * wins (indexed Jobs can need both when an index is duplicated: they catch up next sync).
 */
import { podsToDelete } from '../../deployment/index.js';
import { backoffRemainingMs } from './backoff.js';
import { firstPendingIndexes, invalidIndexPods } from './indexes.js';
import type { PodCensus } from './pods.js';
import type { JobSettings } from './settings.js';
import type { Pod } from '../types.js';

/** Kubernetes' cap on pod creations or deletions in one sync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export interface ManageResult {
  delete: Pod[];
  create: number;
  createIndexes?: number[];
  requeueAfterMs?: number;
}

/**
 * The pod changes for a Job that is neither finished nor failing. `succeeded` is the
 * Job's success count and `succeededIndexes` (Indexed only) which indexes it covers.
 */
export function manageJobPods(
  settings: JobSettings,
  census: PodCensus,
  succeeded: number,
  succeededIndexes: ReadonlySet<number>,
  now: Date,
): ManageResult {
  const active = census.active;
  // suspended: every running pod goes, least valuable first (cheapest to lose if cut short)
  if (settings.suspended) return { delete: podsToDelete(active, active.length, []), create: 0 };

  const { parallelism, completions } = settings;
  const wantActive =
    completions === undefined
      ? succeeded > 0
        ? active.length // work queue: after one success, let the rest finish but add none
        : parallelism
      : Math.max(0, Math.min(completions - succeeded, parallelism));

  const rmAtLeast = Math.max(0, active.length - wantActive);
  let remove: Pod[];
  if (settings.indexed && completions !== undefined) {
    const { remove: invalid, keep } = invalidIndexPods(active, completions);
    remove =
      invalid.length >= rmAtLeast
        ? invalid
        : [...invalid, ...podsToDelete(keep, rmAtLeast - invalid.length, [])];
  } else {
    remove = podsToDelete(active, rmAtLeast, []);
  }
  if (remove.length > 0) return { delete: remove.slice(0, MAX_POD_CREATE_DELETE_PER_SYNC), create: 0 };

  const terminating = settings.replaceOnlyFailed ? census.terminating.length : 0;
  let diff = wantActive - terminating - active.length;
  if (diff <= 0) return { delete: [], create: 0 };
  const wait = backoffRemainingMs(census.succeeded, census.failed, now);
  if (wait > 0) return { delete: [], create: 0, requeueAfterMs: wait };
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (!settings.indexed || completions === undefined) return { delete: [], create: diff };
  const busy = settings.replaceOnlyFailed ? [...active, ...census.terminating] : active;
  const createIndexes = firstPendingIndexes(diff, completions, succeededIndexes, busy);
  return { delete: [], create: createIndexes.length, createIndexes };
}
