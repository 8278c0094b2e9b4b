/**
 * A ReplicaSet's status from its pods — replica_set_utils.go's calculateStatus and the
 * ReplicaSet controller's observedGeneration bump.
 */
import { isPodActive, isPodAvailable, isPodReady } from '../util/pods.js';
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../types.js';

/**
 * Counts over the ReplicaSet's active pods (not Succeeded/Failed, not being deleted):
 * - replicas: all of them; fullyLabeledReplicas: those carrying every template label;
 * - readyReplicas: Ready; availableReplicas: Ready for more than minReadySeconds.
 * minReadySeconds 10, pod ready since 12:00:00, now 12:00:05 → ready but not available.
 * Other status fields (conditions) are kept.
 */
export function replicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], now: Date): ReplicaSetStatus {
  const active = pods.filter(isPodActive);
  const templateLabels = Object.entries(rs.spec.template.metadata?.labels ?? {});
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of active) {
    const labels = pod.metadata.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  return {
    ...rs.status,
    replicas: active.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? rs.status?.observedGeneration ?? 0,
  };
}
