/**
 * The counting half of a Deployment's status — sync.go's calculateStatus — and the
 * `Available` condition. Counts come from the ReplicaSets' own statuses, so they lag the
 * pods by one ReplicaSet sync, as in Kubernetes.
 */
import { newCondition, setCondition } from './util/conditions.js';
import { desiredReplicas, maxUnavailable } from './util/fenceposts.js';
import {
  actualReplicaCount,
  availableReplicaCount,
  readyReplicaCount,
  replicaCount,
} from './util/replica-sets.js';
import { Reasons, type Deployment, type DeploymentStatus, type ReplicaSet } from './types.js';

/**
 * Counts and the Available condition, keeping the other conditions of `d.status`.
 * - replicas: pods of all ReplicaSets; updatedReplicas: pods of the new one;
 * - unavailableReplicas: wanted (Σ spec.replicas) minus available, never negative
 *   (while scaling down there can be more available pods than wanted);
 * - Available is True once available ≥ replicas − maxUnavailable: 10 replicas at
 *   maxUnavailable 25% need 8 (Recreate has no slack: all 10).
 */
export function calculateStatus(
  d: Deployment,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  now: Date,
): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicaCount(allRSs) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const conditions = [...(d.status?.conditions ?? [])];
  const condition =
    available >= desiredReplicas(d) - maxUnavailable(d)
      ? newCondition(
          'Available',
          'True',
          Reasons.MinimumReplicasAvailable,
          'Deployment has minimum availability.',
          now,
        )
      : newCondition(
          'Available',
          'False',
          Reasons.MinimumReplicasUnavailable,
          'Deployment does not have minimum availability.',
          now,
        );
  status.conditions = setCondition(conditions, condition);
  return status;
}

/**
 * Every desired pod is updated and available, no old pod is left, and this generation was
 * seen — DeploymentComplete.
 */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/**
 * Something moved since the last status: more updated, ready or available pods, or fewer
 * old ones — DeploymentProgressing. Each such step refreshes the deadline.
 */
export function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const prev = d.status ?? {};
  const prevOld = (prev.replicas ?? 0) - (prev.updatedReplicas ?? 0);
  const nextOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (prev.updatedReplicas ?? 0) ||
    nextOld < prevOld ||
    (next.readyReplicas ?? 0) > (prev.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (prev.availableReplicas ?? 0)
  );
}
