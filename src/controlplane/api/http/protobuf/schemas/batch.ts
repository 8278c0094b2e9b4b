/**
 * batch message tables. Field numbers: kubernetes/api batch/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const batch: SchemaTable = {
  CronJob: '1:metadata:meta.ObjectMeta 2:spec:CronJobSpec 3:status:CronJobStatus',
  CronJobSpec: [
    '1:schedule! 2:startingDeadlineSeconds:int64! 3:concurrencyPolicy 4:suspend:bool!',
    '5:jobTemplate:JobTemplateSpec 6:successfulJobsHistoryLimit:int! 7:failedJobsHistoryLimit:int!',
    '8:timeZone!',
  ],
  CronJobStatus: '1:active:core.ObjectReference* 4:lastScheduleTime:time 5:lastSuccessfulTime:time',
  Job: '1:metadata:meta.ObjectMeta 2:spec:JobSpec 3:status:JobStatus',
  JobCondition: '1:type! 2:status! 3:lastProbeTime:time 4:lastTransitionTime:time 5:reason 6:message',
  JobSchedulingConfiguration: '',
  JobSpec: [
    '1:parallelism:int! 2:completions:int! 3:activeDeadlineSeconds:int64! 4:selector:meta.LabelSelector',
    '5:manualSelector:bool! 6:template:core.PodTemplateSpec 7:backoffLimit:int!',
    '8:ttlSecondsAfterFinished:int! 9:completionMode! 10:suspend:bool!',
    '11:podFailurePolicy:PodFailurePolicy 12:backoffLimitPerIndex:int! 13:maxFailedIndexes:int!',
    '14:podReplacementPolicy! 15:managedBy! 16:successPolicy:SuccessPolicy',
    '17:scheduling:JobSchedulingConfiguration',
  ],
  JobStatus: [
    '1:conditions:JobCondition* 2:startTime:time 3:completionTime:time 4:active:int 5:succeeded:int',
    '6:failed:int 7:completedIndexes 8:uncountedTerminatedPods:UncountedTerminatedPods 9:ready:int!',
    '10:failedIndexes! 11:terminating:int!',
  ],
  JobTemplateSpec: '1:metadata:meta.ObjectMeta 2:spec:JobSpec',
  PodFailurePolicy: '1:rules:PodFailurePolicyRule*',
  PodFailurePolicyOnExitCodesRequirement: '1:containerName! 2:operator! 3:values:int*',
  PodFailurePolicyOnPodConditionsPattern: '1:type! 2:status!',
  PodFailurePolicyRule: [
    '1:action! 2:onExitCodes:PodFailurePolicyOnExitCodesRequirement',
    '3:onPodConditions:PodFailurePolicyOnPodConditionsPattern*',
  ],
  SuccessPolicy: '1:rules:SuccessPolicyRule*',
  SuccessPolicyRule: '1:succeededIndexes! 2:succeededCount:int!',
  UncountedTerminatedPods: '1:succeeded* 2:failed*',
};
