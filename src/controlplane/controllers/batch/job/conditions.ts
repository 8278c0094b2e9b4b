/** Job conditions, after job_controller.go's newCondition / ensureJobConditionStatus. */
import { timestamp } from '../../deployment/index.js';
import { JobConditions, type Job, type JobCondition } from '../types.js';

/** A condition whose probe and transition times are both `now`. */
export function jobCondition(
  type: string,
  status: JobCondition['status'],
  reason: string,
  message: string,
  now: Date,
): JobCondition {
  const t = timestamp(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/**
 * Conditions with `c` in place. An existing condition of that type is replaced (keeping
 * its position) only when status, reason or message differ; a missing one is appended
 * unless it would be False — going from nothing to False says nothing.
 * `changed` tells whether anything moved.
 */
export function ensureJobCondition(
  conditions: readonly JobCondition[] | undefined,
  c: JobCondition,
): { conditions: JobCondition[]; changed: boolean } {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  if (i >= 0) {
    const cur = list[i]!;
    if (cur.status === c.status && cur.reason === c.reason && cur.message === c.message)
      return { conditions: list, changed: false };
    list[i] = c;
    return { conditions: list, changed: true };
  }
  if (c.status === 'False') return { conditions: list, changed: false };
  return { conditions: [...list, c], changed: true };
}

/** The condition of `type` when its status is True. */
export function trueCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed is True: the Job is done and the controller leaves it alone. */
export function isJobFinished(job: Job): boolean {
  return finishedType(job) !== undefined;
}

/** `Complete` or `Failed` for a finished Job, else undefined. */
export function finishedType(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === JobConditions.Complete || c.type === JobConditions.Failed) return c.type;
  }
  return undefined;
}
