/**
 * The Deployment and ReplicaSet controllers' decisions as pure functions over plain JSON:
 * given a Deployment, its ReplicaSets and their pods, what to create, resize, delete and
 * report — after kubernetes/kubernetes pkg/controller/deployment and pkg/controller/replicaset.
 * No API calls, no clocks: callers pass `now` and apply the results.
 */
export * from './types.js';
export { resolveFenceposts, maxSurge, maxUnavailable, minAvailable, scaledValue } from './util/fenceposts.js';
export { podTemplateHash, fnv32a, safeEncodeString, canonicalJson } from './util/hash.js';
export { equalIgnoreHash, activeReplicaSets } from './util/replica-sets.js';
export { getCondition, setCondition, removeCondition, newCondition, timestamp } from './util/conditions.js';
export { isPodReady, isPodAvailable, isPodActive } from './util/pods.js';
export {
  revisionOf,
  maxRevision,
  lastRevision,
  syncNewReplicaSet,
  recordNewReplicaSet,
  MAX_REVISION_HISTORY_CHARS,
} from './revision.js';
export {
  findNewReplicaSet,
  findOldReplicaSets,
  newRSNewReplicas,
  newReplicaSetFor,
  controllerRef,
  type NewReplicaSet,
} from './new-replica-set.js';
export { planRollingUpdate } from './rolling.js';
export { planRecreate, oldPodsRunning, controlledBy, type RecreatePlan } from './recreate.js';
export { planScale, isScalingEvent, isSaturated, findActiveOrLatest } from './scale.js';
export { cleanupPlan } from './cleanup.js';
export { calculateStatus, deploymentComplete, deploymentProgressing } from './status.js';
export {
  computeStatus,
  checkPausedConditions,
  timedOut,
  secondsUntilDeadline,
  type ComputeStatusOptions,
} from './progress.js';
export { rollbackTo, findRevision, type Rollback } from './rollback.js';
export { planDeploymentSync, type DeploymentSyncPlan } from './sync.js';
export { replicaSetStatus } from './replica-set/status.js';
export {
  planReplicaSet,
  BURST_REPLICAS,
  type ReplicaSetPlan,
  type PlanReplicaSetOptions,
} from './replica-set/plan.js';
export { podsToDelete } from './replica-set/pods-to-delete.js';
export { newPodFor } from './replica-set/new-pod.js';
