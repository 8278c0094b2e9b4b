/**
 * Job and CronJob health, as Argo CD assesses them (gitops-engine's health_job.go and
 * argo-cd's resource_customizations/batch/CronJob/health.lua).
 */
import type { KubeObject } from '../../core/index.js';
import { arr, conditionsOf, findCondition, objAt, str } from './read.js';
import type { HealthStatus } from './types.js';
import { verdict } from './verdict.js';

/**
 * Failed condition: Degraded with its message ("Job has reached the specified backoff
 * limit"); Complete: Healthy; suspended (`spec.suspend`, or the Suspended condition):
 * Suspended; otherwise Progressing. Only conditions with status True count — Argo CD reads
 * any Suspended condition as "finished", so a resumed Job (Suspended=False) would look
 * Healthy while it still runs; here it is Progressing.
 */
export function jobHealth(job: KubeObject): HealthStatus {
  const conditions = conditionsOf(objAt(job, 'status')).filter((c) => c.status === 'True');
  const failed = findCondition(conditions, 'Failed');
  if (failed) return verdict('Degraded', failed.message);
  const complete = findCondition(conditions, 'Complete');
  if (complete) return verdict('Healthy', complete.message);
  const suspended = findCondition(conditions, 'Suspended');
  if (suspended || objAt(job, 'spec').suspend === true) {
    return { status: 'Suspended', message: suspended?.message ?? 'Job is suspended' };
  }
  return { status: 'Progressing' };
}

/** Milliseconds since the epoch of an RFC 3339 time, NaN when absent. */
const time = (v: unknown): number => Date.parse(str(v) ?? '');

/**
 * A CronJob is Healthy, except when its last run is known to have failed: scheduled after
 * its last success, with no Job still active. Argo CD's cautious reading, kept: a CronJob
 * that has never succeeded may simply not have finished its first run, and one never
 * scheduled may just be waiting for its time, so both are Healthy. A CronJob without any
 * status yet is Progressing.
 *
 * A suspended CronJob (`spec.suspend`) is Healthy too, with the message "CronJob is
 * Suspended": a suspended object makes its whole application Suspended, and a CronJob
 * paused on purpose held applications there (argo-cd #24428, fixed by #24430).
 */
export function cronJobHealth(cj: KubeObject): HealthStatus {
  if (objAt(cj, 'spec').suspend === true) return { status: 'Healthy', message: 'CronJob is Suspended' };
  const status = cj.status;
  if (status === undefined || status === null)
    return { status: 'Progressing', message: 'Waiting for CronJob' };
  const s = objAt(cj, 'status');
  const scheduled = time(s.lastScheduleTime);
  if (Number.isNaN(scheduled)) return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  const succeeded = time(s.lastSuccessfulTime);
  if (Number.isNaN(succeeded)) {
    return {
      status: 'Healthy',
      message: 'The CronJob has never completed successfully; it may not be healthy',
    };
  }
  if (arr(s.active).length > 0) {
    return {
      status: 'Healthy',
      message: 'The job is running. Its last execution may not have been successful',
    };
  }
  if (succeeded < scheduled) {
    return { status: 'Degraded', message: 'CronJob has not completed its last execution successfully' };
  }
  return { status: 'Healthy', message: 'CronJob has completed its last execution successfully' };
}
