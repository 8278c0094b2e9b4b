/**
 * Health assessment: what state a live object is in (Healthy, Progressing, Degraded,
 * Suspended, Missing, Unknown), by kind, as Argo CD's gitops-engine assesses it, and — for
 * workloads — which pod, container and probe are at fault. Pure functions of the objects
 * given; nothing here reads the cluster.
 */
export type { HealthCause, HealthCode, HealthContext, HealthStatus, ProbeKind } from './types.js';
export { assessHealth } from './assess.js';
export { compareHealth, HEALTH_ORDER, isWorse, worstHealth } from './order.js';
export {
  podFailureCause,
  newestReplicaSet,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
} from './pod-failure-cause.js';
export { diagnosePod, isFailingWaitingReason } from './container-cause.js';
export { describeCause } from './describe.js';
