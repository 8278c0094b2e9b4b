/**
 * One CronJob sync as a pure decision — cronjob_controllerv2.go's sync + syncCronJob:
 *  1. history: delete finished Jobs beyond the limits (history.ts);
 *  2. status.active: drop Jobs that finished or are gone, record lastSuccessfulTime;
 *  3. unless deleted, suspended, or its schedule or time zone is invalid: find the most
 *     recent unmet scheduled time (schedule.ts), honour startingDeadlineSeconds and
 *     concurrencyPolicy, and create that run's Job;
 *  4. requeue for the next scheduled time.
 * Events mirror Kubernetes' reasons (MissSchedule, JobAlreadyActive, TooManyMissedTimes…).
 *
 * Differences: `jobs` is trusted as complete (Kubernetes re-reads a missing active Job from
 * the API before forgetting it); a Job that finished while active is dropped and counted
 * for lastSuccessfulTime in the same sync (Kubernetes takes two); the new Job's active
 * reference has no uid until the caller creates it — fill it in from the created object.
 */
import { timestamp } from '../../deployment/index.js';
import { isCapstanError } from '../../../../core/index.js';
import { parseCron, type CronSchedule } from '../cron/parse.js';
import { checkTimeZone } from '../cron/zone.js';
import { finishedType } from '../job/conditions.js';
import { historyToDelete } from './history.js';
import { cronJobName, jobForSchedule } from './new-job.js';
import { MAX_MISSED, unmetScheduleTime, untilNextScheduleMs } from './schedule.js';
import type { CronJob, CronJobStatus, Job, ObjectReference } from '../types.js';

export interface CronJobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface CronJobPlan {
  /** the Job to create now, if a run is due */
  create?: Job;
  /** Jobs to delete: beyond the history limits (oldest first), then for Replace the running ones */
  delete: string[];
  /** the next status; write it if it differs */
  status: CronJobStatus;
  /** sync again after this long, for the next scheduled time; unset: only on changes */
  requeueAfterMs?: number;
  events: CronJobEvent[];
}

/** Decides one sync of `cj`, given the Jobs it controls, at `now`. */
export function planCronJob(cj: CronJob, jobs: readonly Job[], now: Date): CronJobPlan {
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  const plan: CronJobPlan = { delete: historyToDelete(cj, jobs), status, events: [] };
  const warn = (reason: string, message: string) => plan.events.push({ type: 'Warning', reason, message });
  const alive = jobs.filter((j) => !plan.delete.includes(j.metadata.name ?? ''));

  let active = (status.active ?? []).filter((ref) => {
    const job = alive.find((j) => refersTo(ref, j));
    if (!job) {
      if (!jobs.some((j) => refersTo(ref, j)))
        plan.events.push({
          type: 'Normal',
          reason: 'MissingJob',
          message: `Active job went missing: ${ref.name}`,
        });
      return false;
    }
    const done = finishedType(job);
    if (done) {
      plan.events.push({
        type: 'Normal',
        reason: 'SawCompletedJob',
        message: `Saw completed job: ${ref.name}, status: ${done}`,
      });
    }
    return !done;
  });
  for (const j of jobs) {
    const completed = j.status?.completionTime;
    if (finishedType(j) === 'Complete' && completed && later(completed, status.lastSuccessfulTime))
      status.lastSuccessfulTime = completed;
    if (
      !finishedType(j) &&
      !active.some((r) => refersTo(r, j)) &&
      !plan.delete.includes(j.metadata.name ?? '')
    )
      warn('UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
  }
  const done = (): CronJobPlan => {
    if (active.length > 0 || status.active) status.active = active;
    return plan;
  };

  if (cj.metadata.deletionTimestamp) return done();
  try {
    checkTimeZone(cj.spec.timeZone);
  } catch {
    warn('UnknownTimeZone', `invalid timeZone: "${cj.spec.timeZone}"`);
    return done();
  }
  if (cj.spec.suspend) return done();
  let schedule: CronSchedule;
  try {
    schedule = parseCron(cj.spec.schedule);
  } catch (e) {
    warn(
      'UnparseableSchedule',
      `unparseable schedule: "${cj.spec.schedule}" : ${isCapstanError(e) ? e.message : e}`,
    );
    return done();
  }

  const zone = cj.spec.timeZone;
  const lastKnown =
    Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now.getTime();
  const deadline = cj.spec.startingDeadlineSeconds;
  const earliest = deadline == null ? lastKnown : Math.max(lastKnown, now.getTime() - deadline * 1000);
  const requeue = () => {
    const ms = untilNextScheduleMs(schedule, zone, lastKnown, now.getTime());
    if (ms !== undefined) plan.requeueAfterMs = ms;
    return done();
  };

  const { scheduled, missed } = unmetScheduleTime(schedule, zone, earliest, now.getTime());
  if (scheduled === undefined) return requeue();
  if (missed > MAX_MISSED)
    warn(
      'TooManyMissedTimes',
      'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    );
  const at = new Date(scheduled);
  if (deadline != null && scheduled + deadline * 1000 < now.getTime()) {
    warn('MissSchedule', `Missed scheduled time to start a job: ${at.toUTCString()}`);
    return requeue();
  }
  const name = cronJobName(cj.metadata.name ?? '', at);
  if (active.some((r) => r.name === name) || status.lastScheduleTime === timestamp(at)) return requeue();
  const policy = cj.spec.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    plan.events.push({
      type: 'Normal',
      reason: 'JobAlreadyActive',
      message: 'Not starting job because prior execution is running and concurrency policy is Forbid',
    });
    return requeue();
  }
  if (policy === 'Replace') {
    for (const r of active) plan.delete.push(r.name ?? '');
    active = [];
  }

  const existing = jobs.find((j) => j.metadata.name === name);
  if (!existing) {
    plan.create = jobForSchedule(cj, at);
    active = [...active, jobRef(plan.create)];
    plan.events.push({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${name}` });
  } else if (!finishedType(existing) && !active.some((r) => refersTo(r, existing))) {
    active = [...active, jobRef(existing)]; // created earlier, but the status update was lost
  }
  status.lastScheduleTime = timestamp(at);
  return requeue();
}

/** An ObjectReference to `job` for status.active. */
export function jobRef(job: Job): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata.name ?? '',
    ...(job.metadata.namespace ? { namespace: job.metadata.namespace } : {}),
    ...(job.metadata.uid ? { uid: job.metadata.uid } : {}),
    ...(typeof job.metadata.resourceVersion === 'string'
      ? { resourceVersion: job.metadata.resourceVersion }
      : {}),
  };
}

// by uid when the reference has one, else by name (a ref written before the Job existed)
function refersTo(ref: ObjectReference, job: Job): boolean {
  return ref.uid ? ref.uid === job.metadata.uid : ref.name === job.metadata.name;
}

const later = (a: string, b: string | undefined): boolean => !b || Date.parse(a) > Date.parse(b);
