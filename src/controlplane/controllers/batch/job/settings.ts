/**
 * A Job's spec with the API server's defaults filled in (pkg/apis/batch/v1/defaults.go), so
 * the decisions read plain numbers: neither parallelism nor completions set → both 1;
 * parallelism 4 alone → completions stays unset (a work queue); backoffLimit → 6.
 */
import type { Job } from '../types.js';

export interface JobSettings {
  parallelism: number;
  /** undefined: a work queue, done once any pod has succeeded and none is running */
  completions: number | undefined;
  indexed: boolean;
  backoffLimit: number;
  suspended: boolean;
  /** podReplacementPolicy Failed: wait for terminating pods before replacing them */
  replaceOnlyFailed: boolean;
  activeDeadlineSeconds: number | undefined;
}

export function jobSettings(job: Job): JobSettings {
  const s = job.spec;
  const bothUnset = s.parallelism == null && s.completions == null;
  return {
    parallelism: Math.max(0, s.parallelism ?? 1),
    completions: bothUnset ? 1 : (s.completions ?? undefined),
    indexed: s.completionMode === 'Indexed',
    backoffLimit: s.backoffLimit ?? 6,
    suspended: s.suspend === true,
    replaceOnlyFailed: s.podReplacementPolicy === 'Failed',
    activeDeadlineSeconds: s.activeDeadlineSeconds ?? undefined,
  };
}
