/** The Job a CronJob starts for one scheduled time — utils.go's getJobFromTemplate2. */
import { controllerRef, timestamp } from '../../deployment/index.js';
import { offsetAt } from '../cron/zone.js';
import { CRONJOB_SCHEDULED_TIMESTAMP, type CronJob, type Job } from '../types.js';

/**
 * `<cronjob>-<scheduled time in minutes since the epoch>`: deterministic, so a controller
 * that crashed after creating the Job but before recording it cannot start it twice.
 * `backup` at 2024-05-01T12:00:00Z (1714564800 s) → `backup-28576080`.
 */
export function cronJobName(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/**
 * The Job for `scheduled`: the template's labels, annotations and spec, the
 * `batch.kubernetes.io/cronjob-scheduled-timestamp` annotation (RFC 3339 in the CronJob's
 * time zone: `2024-05-01T14:00:00+02:00` for Europe/Berlin), a controller ownerReference,
 * and creationTimestamp set to the scheduled time as Kubernetes does (the API server
 * replaces it).
 */
export function jobForSchedule(cj: CronJob, scheduled: Date): Job {
  const template = structuredClone(cj.spec.jobTemplate);
  const name = cronJobName(cj.metadata.name ?? '', scheduled);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      ...(cj.metadata.namespace ? { namespace: cj.metadata.namespace } : {}),
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        [CRONJOB_SCHEDULED_TIMESTAMP]: rfc3339In(cj.spec.timeZone, scheduled),
      },
      creationTimestamp: timestamp(scheduled),
      ownerReferences: [controllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: template.spec,
  };
}

/**
 * Go's time.RFC3339 of `t` in `zone`: `Z` for a zero offset, else `±hh:mm`.
 * 2024-05-01T12:00:00Z in America/New_York → `2024-05-01T08:00:00-04:00`.
 */
export function rfc3339In(zone: string | undefined, t: Date): string {
  const off = offsetAt(zone, t.getTime());
  const wall = timestamp(new Date(t.getTime() + off)).slice(0, -1);
  if (off === 0) return `${wall}Z`;
  const abs = Math.abs(off) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${wall}${off < 0 ? '-' : '+'}${hh}:${mm}`;
}
