/**
 * The batch/v1 shapes the Job and CronJob decisions read and write, typed only as far as
 * the decisions look (the API server validated and defaulted the rest). Cast store objects:
 * `obj as unknown as Job`.
 */
import type { JsonObject } from '../../../core/index.js';
import type { Meta, PodTemplate } from '../deployment/index.js';

export type { Meta, OwnerReference, Pod, PodTemplate } from '../deployment/index.js';

/** batch/v1 JobCondition. */
export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export interface JobSpec {
  /** default 1 (and completions 1) when both are unset */
  parallelism?: number;
  /** unset with parallelism set: a work queue, done once any pod succeeds */
  completions?: number | null;
  completionMode?: 'NonIndexed' | 'Indexed';
  /** default 6 */
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  /** default TerminatingOrFailed: replace a pod as soon as it starts terminating */
  podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed';
  selector?: JsonObject;
  template: PodTemplate;
  ttlSecondsAfterFinished?: number;
  [key: string]: unknown;
}

export interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  /** Indexed Jobs: the succeeded indexes, compressed — `1,3-5,7` */
  completedIndexes?: string;
  conditions?: JobCondition[];
}

/** batch/v1 Job */
export interface Job {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: JobSpec;
  status?: JobStatus;
}

/** v1 ObjectReference, as CronJob `status.active` lists its running Jobs. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface CronJobSpec {
  schedule: string;
  /** an IANA name such as `Europe/Berlin`; unset: UTC (see cron/zone.ts) */
  timeZone?: string;
  startingDeadlineSeconds?: number;
  /** default Allow */
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  suspend?: boolean;
  jobTemplate: { metadata?: Meta; spec: JobSpec };
  /** default 3 */
  successfulJobsHistoryLimit?: number;
  /** default 1 */
  failedJobsHistoryLimit?: number;
}

export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** batch/v1 CronJob */
export interface CronJob {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: CronJobSpec;
  status?: CronJobStatus;
}

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
/** Annotation (and, since PodIndexLabel, label) carrying an Indexed Job pod's index. */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
export const CRONJOB_SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** Job condition types. */
export const JobConditions = {
  Complete: 'Complete',
  Failed: 'Failed',
  Suspended: 'Suspended',
  FailureTarget: 'FailureTarget',
  SuccessCriteriaMet: 'SuccessCriteriaMet',
} as const;

/** Condition reasons and messages, verbatim from job_controller.go. */
export const JobReasons = {
  BackoffLimitExceeded: 'BackoffLimitExceeded',
  DeadlineExceeded: 'DeadlineExceeded',
  CompletionsReached: 'CompletionsReached',
  JobSuspended: 'JobSuspended',
  JobResumed: 'JobResumed',
} as const;

export const JobMessages = {
  BackoffLimitExceeded: 'Job has reached the specified backoff limit',
  DeadlineExceeded: 'Job was active longer than specified deadline',
  CompletionsReached: 'Reached expected number of succeeded pods',
  JobSuspended: 'Job suspended',
  JobResumed: 'Job resumed',
} as const;
