/**
 * The Job and CronJob controllers' decisions as pure functions over plain JSON — after
 * kubernetes/kubernetes pkg/controller/job and pkg/controller/cronjob. No API calls, no
 * clocks: callers pass `now`, apply the plan and requeue after `requeueAfterMs`.
 */
export * from './types.js';
export { planJob, type JobPlan } from './job/plan.js';
export { newJobPod, generateNameWithIndex } from './job/new-pod.js';
export { jobSettings, type JobSettings } from './job/settings.js';
export { backoffDelayMs, backoffRemainingMs, DEFAULT_BACKOFF_MS, MAX_BACKOFF_MS } from './job/backoff.js';
export { parseIndexes, formatIndexes, firstPendingIndexes } from './job/indexes.js';
export { censusOf, completionIndexOf, finishedAt, type PodCensus } from './job/pods.js';
export { isJobFinished, finishedType, ensureJobCondition, jobCondition } from './job/conditions.js';
export { MAX_POD_CREATE_DELETE_PER_SYNC } from './job/manage.js';
export { parseCron, dayMatches, type CronSchedule } from './cron/parse.js';
export { nextScheduleTimes } from './cron/next.js';
export { planCronJob, jobRef, type CronJobPlan, type CronJobEvent } from './cronjob/plan.js';
export { cronJobName, jobForSchedule, rfc3339In } from './cronjob/new-job.js';
export { historyToDelete } from './cronjob/history.js';
export { MAX_MISSED, NEXT_SCHEDULE_DELTA_MS } from './cronjob/schedule.js';
