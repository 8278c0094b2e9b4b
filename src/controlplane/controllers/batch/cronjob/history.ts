/**
 * Finished-Job history — cronjob_controllerv2.go's cleanupFinishedJobs: keep the newest
 * `successfulJobsHistoryLimit` (default 3) Complete Jobs and `failedJobsHistoryLimit`
 * (default 1) Failed ones, delete the rest oldest first. Age is status.startTime (Jobs
 * without one sort last), ties broken by name: limit 1, Complete Jobs started 10:00, 11:00,
 * 12:00 → delete the 10:00 and 11:00 ones. Running Jobs are never touched here.
 */
import { finishedType } from '../job/conditions.js';
import type { CronJob, Job } from '../types.js';

/** Names of finished Jobs beyond the history limits, oldest first (successful, then failed). */
export function historyToDelete(cj: CronJob, jobs: readonly Job[]): string[] {
  const complete = jobs.filter((j) => finishedType(j) === 'Complete');
  const failed = jobs.filter((j) => finishedType(j) === 'Failed');
  return [
    ...oldestBeyond(complete, cj.spec.successfulJobsHistoryLimit ?? 3),
    ...oldestBeyond(failed, cj.spec.failedJobsHistoryLimit ?? 1),
  ];
}

function oldestBeyond(jobs: readonly Job[], limit: number): string[] {
  const excess = jobs.length - Math.max(0, limit);
  if (excess <= 0) return [];
  return [...jobs]
    .sort(byStartTime)
    .slice(0, excess)
    .map((j) => j.metadata.name ?? '');
}

/** byJobStartTime: started before unstarted, earlier before later, then by name. */
export function byStartTime(a: Job, b: Job): number {
  const [sa, sb] = [a.status?.startTime, b.status?.startTime];
  if (!sa !== !sb) return sa ? -1 : 1;
  const diff = sa && sb ? Date.parse(sa) - Date.parse(sb) : 0;
  if (diff !== 0) return diff;
  const [na, nb] = [a.metadata.name ?? '', b.metadata.name ?? ''];
  return na < nb ? -1 : na > nb ? 1 : 0;
}
