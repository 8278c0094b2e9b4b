/**
 * One Job sync as a pure decision — job_controller.go's syncJob without the API calls:
 * count the pods, decide whether the Job has failed (backoff limit, deadline) or
 * completed, otherwise create or delete pods (manage.ts), and compute the next status.
 *
 * Terminal conditions come in two steps, as since Kubernetes 1.31: first the interim
 * `FailureTarget` / `SuccessCriteriaMet`, then — once no pod of the Job is still
 * terminating — the final `Failed` / `Complete` users and kubectl look at. A Job failing
 * with 2 running pods: sync 1 writes FailureTarget and deletes both; the sync after they
 * are gone adds Failed. With nothing running both land in one sync.
 *
 * Differences from Kubernetes, all because a pure planner keeps no memory between syncs:
 *  - no `uncountedTerminatedPods` and no job-tracking finalizer: succeeded/failed are
 *    counted from the pods present, never below what the status already says;
 *  - a pod deleted while running counts as failed only once it reaches phase Failed;
 *  - podFailurePolicy, successPolicy, backoffLimitPerIndex and managedBy are not handled.
 */
import { isPodReady, timestamp } from '../../deployment/index.js';
import { ensureJobCondition, isJobFinished, jobCondition, trueCondition } from './conditions.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { manageJobPods, type ManageResult } from './manage.js';
import { censusOf, completionIndexOf, pastBackoffLimitOnFailure } from './pods.js';
import { jobSettings } from './settings.js';
import {
  JobConditions as C,
  JobMessages as M,
  JobReasons as R,
  type Job,
  type JobStatus,
  type Pod,
} from '../types.js';

export interface JobPlan {
  /** pods to create now (`newJobPod(job)` each) */
  create: number;
  /** Indexed Jobs: the indexes to create pods for (`newJobPod(job, i)`); length = create */
  createIndexes?: number[];
  /** names of pods to delete */
  delete: string[];
  /** the Job's next status; write it if it differs */
  status: JobStatus;
  /** sync again after this long (pod back-off, activeDeadlineSeconds) even if nothing changes */
  requeueAfterMs?: number;
}

interface Finish {
  type: 'Complete' | 'Failed';
  reason: string;
  message: string;
}

/** Decides one sync of `job` given the pods it controls, at `now`. */
export function planJob(job: Job, pods: readonly Pod[], now: Date): JobPlan {
  const status: JobStatus = structuredClone(job.status ?? {});
  if (isJobFinished(job)) return { create: 0, delete: [], status };
  const settings = jobSettings(job);
  const census = censusOf(pods);
  const { completions, indexed } = settings;

  // Indexed Jobs count only pods with an index in range
  const valid = (p: Pod) => !indexed || (completionIndexOf(p) ?? Infinity) < (completions ?? 0);
  const succeededIndexes = parseIndexes(indexed ? status.completedIndexes : undefined, completions ?? 0);
  if (indexed) for (const p of census.succeeded.filter(valid)) succeededIndexes.add(completionIndexOf(p)!);
  const succeeded = indexed
    ? succeededIndexes.size
    : Math.max(status.succeeded ?? 0, census.succeeded.length);
  const failed = Math.max(status.failed ?? 0, census.failed.filter(valid).length);

  if (!status.startTime && !settings.suspended) status.startTime = timestamp(now);
  // resuming restarts the deadline clock (below); don't let the old start fail the Job first
  if (!settings.suspended && trueCondition(job, C.Suspended)) status.startTime = timestamp(now);

  let requeueAfterMs: number | undefined;
  let finish: Finish | undefined;
  const criteriaMet = trueCondition(job, C.SuccessCriteriaMet);
  const failureTarget = trueCondition(job, C.FailureTarget);
  const deadlineMs = deadlineRemainingMs(
    settings.activeDeadlineSeconds,
    status.startTime,
    settings.suspended,
    now,
  );
  if (criteriaMet)
    finish = { type: 'Complete', reason: criteriaMet.reason ?? '', message: criteriaMet.message ?? '' };
  else if (failureTarget)
    finish = { type: 'Failed', reason: failureTarget.reason ?? '', message: failureTarget.message ?? '' };
  else if (failed > settings.backoffLimit || pastBackoffLimitOnFailure(job, pods, settings.backoffLimit))
    finish = { type: 'Failed', reason: R.BackoffLimitExceeded, message: M.BackoffLimitExceeded };
  else if (deadlineMs !== undefined && deadlineMs <= 0)
    finish = { type: 'Failed', reason: R.DeadlineExceeded, message: M.DeadlineExceeded };
  else requeueAfterMs = deadlineMs;

  let managed: ManageResult | undefined;
  let toDelete: Pod[] = [];
  if (finish)
    toDelete = census.active; // a finishing Job stops everything still running
  else if (!job.metadata.deletionTimestamp) {
    managed = manageJobPods(settings, census, succeeded, succeededIndexes, now);
    toDelete = managed.delete;
    if (managed.requeueAfterMs !== undefined)
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, managed.requeueAfterMs);
  }
  const create = managed?.create ?? 0;
  const active = census.active.length - toDelete.length + create;
  const terminating = census.terminating.length + toDelete.length;

  let conditions = status.conditions;
  if (!finish) {
    const done =
      completions === undefined ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0;
    if (done) finish = { type: 'Complete', reason: R.CompletionsReached, message: M.CompletionsReached };
    else if (managed) conditions = suspendConditions(job, settings.suspended, status, now);
  }
  if (finish) {
    const interim = finish.type === 'Failed' ? C.FailureTarget : C.SuccessCriteriaMet;
    conditions = ensureJobCondition(
      conditions,
      jobCondition(interim, 'True', finish.reason, finish.message, now),
    ).conditions;
    if (terminating === 0) {
      const final = jobCondition(finish.type, 'True', finish.reason, finish.message, now);
      conditions = ensureJobCondition(conditions, final).conditions;
      if (finish.type === 'Complete') status.completionTime = final.lastTransitionTime;
      requeueAfterMs = undefined;
    }
  }

  Object.assign(status, {
    active,
    ready: census.ready - toDelete.filter(isPodReady).length,
    terminating,
    succeeded,
    failed,
  });
  if (indexed) status.completedIndexes = formatIndexes(succeededIndexes);
  if (conditions) status.conditions = conditions;
  const plan: JobPlan = { create, delete: toDelete.map((p) => p.metadata.name ?? ''), status };
  if (managed?.createIndexes) plan.createIndexes = managed.createIndexes;
  if (requeueAfterMs !== undefined) plan.requeueAfterMs = requeueAfterMs;
  return plan;
}

/**
 * Milliseconds until activeDeadlineSeconds runs out, counted from status.startTime; ≤ 0
 * means it has. undefined when there is no deadline, no start time, or the Job is suspended
 * (the clock only runs while the Job does — resuming restarts it, see suspendConditions).
 * 60 s deadline, started 12:00:00, now 12:00:45 → 15 000.
 */
function deadlineRemainingMs(
  seconds: number | undefined,
  startTime: string | undefined,
  suspended: boolean,
  now: Date,
): number | undefined {
  if (seconds === undefined || !startTime || suspended) return undefined;
  return Date.parse(startTime) + seconds * 1000 - now.getTime();
}

/**
 * The Suspended condition: True while suspended; on resume it flips to False and
 * startTime restarts at `now`, so activeDeadlineSeconds measures continuous running time.
 */
function suspendConditions(job: Job, suspended: boolean, status: JobStatus, now: Date) {
  const c = suspended
    ? jobCondition(C.Suspended, 'True', R.JobSuspended, M.JobSuspended, now)
    : jobCondition(C.Suspended, 'False', R.JobResumed, M.JobResumed, now);
  const { conditions, changed } = ensureJobCondition(job.status?.conditions, c);
  if (changed && !suspended) status.startTime = timestamp(now);
  return conditions;
}
