/**
 * The horizontal pod autoscaler's decisions as pure functions over plain JSON — after
 * kubernetes/kubernetes pkg/controller/podautoscaler. No API calls, no clocks: callers pass
 * `now`, the target's Scale, the pods and their metrics, keep the returned history for the
 * next sync, apply the plan and write the status.
 */
export * from './types.js';
export { planHpaSync, rescaleFailed, rescaleSucceeded, type HpaPlan, type HpaSyncInput } from './plan.js';
export {
  emptyHistory,
  withInitialRecommendation,
  type HpaHistory,
  type Recommendation,
  type ScaleEvent,
} from './history.js';
export { podMetricsInfo, type MetricsSource, type PodMetricsInfo } from './pod-metrics.js';
export {
  groupPods,
  isWithin,
  podRequests,
  rawResourceReplicas,
  resourceReplicas,
  usageRatio,
  utilizationRatio,
  type PodGroups,
  type ReplicaInput,
  type Tolerances,
} from './replica-calculator.js';
export {
  computeReplicasForMetrics,
  tolerancesFor,
  type MetricsInput,
  type MetricsOutcome,
} from './metrics.js';
export {
  stabilizeRecommendation,
  stabilizeWithBehavior,
  type BehaviorStabilization,
} from './stabilization.js';
export {
  changeInPeriod,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  legacyScaleUpLimit,
  recordScaleEvent,
  scaleDownLimit,
  scaleUpLimit,
  type Limited,
} from './scaling-rules.js';
export {
  behaviorRules,
  normalizeDesiredReplicas,
  normalizeDesiredReplicasWithBehaviors,
  type Normalized,
} from './normalize.js';
export { formatMilli, milliValue, parseGoDurationMs } from './units.js';
