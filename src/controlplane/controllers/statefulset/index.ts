/**
 * The StatefulSet controller's decisions as pure functions over plain JSON: given a set, its
 * pods, ControllerRevisions and claims, what to create, delete and report — after
 * kubernetes/kubernetes pkg/controller/statefulset. No API calls, no clocks: callers pass
 * `now` and apply the results.
 */
export * from './types.js';
export {
  parentAndOrdinal,
  ordinalOf,
  podName,
  claimName,
  podRevision,
  templateOf,
  newStatefulPod,
  inOrdinalRange,
} from './identity.js';
export { revisionOf, revisionData, hashRevision, equalRevision, sortRevisions, fnv32 } from './revision.js';
export { resolveRevisions, truncateHistory, type ResolvedRevisions } from './history.js';
export { claimsFor, claimOwnerRefs, isStaleClaim } from './claims.js';
export { countStatus, completeRollingUpdate, isRunningAndReady } from './status.js';
export { planStatefulSet, type StatefulSetPlan } from './plan.js';
