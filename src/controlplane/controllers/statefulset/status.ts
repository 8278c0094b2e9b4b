/**
 * Counting a StatefulSet's pods — stateful_set_control.go's computeReplicaStatus and
 * stateful_set_utils.go's completeRollingUpdate — and the pod predicates they rest on.
 */
import { isPodAvailable, isPodReady, type Pod } from '../deployment/index.js';
import { podRevision } from './identity.js';
import type { StatefulSet, StatefulSetStatus } from './types.js';

/** Being deleted (deletionTimestamp set). */
export const isTerminating = (pod: Pod): boolean => !!pod.metadata.deletionTimestamp;

/** Phase Running and the Ready condition True. */
export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);

/** Not available for `minReadySeconds`, or on its way out. */
export const isUnavailable = (pod: Pod, minReadySeconds: number, now: Date): boolean =>
  !isPodAvailable(pod, minReadySeconds, now) || isTerminating(pod);

/**
 * Counts over the set's existing pods (pods planned but not yet created are not passed):
 * replicas = all; ready = Running and Ready; available = those also ready for
 * minReadySeconds; current/updated = not terminating and labelled with the current/update
 * revision. Revisions, generation and collisionCount are filled in from the arguments.
 */
export function countStatus(
  sts: StatefulSet,
  pods: readonly Pod[],
  current: string,
  update: string,
  collisionCount: number,
  now: Date,
): StatefulSetStatus {
  const min = sts.spec.minReadySeconds ?? 0;
  const status: StatefulSetStatus = {
    observedGeneration: sts.metadata.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: current,
    updateRevision: update,
    collisionCount,
  };
  for (const pod of pods) {
    status.replicas!++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas!++;
      if (isPodAvailable(pod, min, now)) status.availableReplicas!++;
    }
    if (isTerminating(pod)) continue;
    if (podRevision(pod) === current) status.currentReplicas!++;
    if (podRevision(pod) === update) status.updatedReplicas!++;
  }
  return status;
}

/**
 * A rolling update is complete once every pod is updated and ready: the update revision
 * becomes the current one. With a partition (3 pods, partition 2: 1 updated of 3) it never
 * completes; with OnDelete the current revision never moves, as in Kubernetes.
 */
export function completeRollingUpdate(sts: StatefulSet, status: StatefulSetStatus): StatefulSetStatus {
  if (
    (sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    return { ...status, currentReplicas: status.updatedReplicas, currentRevision: status.updateRevision };
  }
  return status;
}
