/**
 * PodDisruptionBudget health, as argo-cd's
 * resource_customizations/policy/PodDisruptionBudget/health.lua assesses it, plus the
 * generation check every controller-written status deserves.
 */
import type { KubeObject } from '../../core/index.js';
import { conditionsOf, generationOf, objAt } from './read.js';
import type { HealthStatus } from './types.js';

/**
 * `DisruptionAllowed=False` reasons that are not a failure. The disruption controller
 * writes InsufficientPods whenever fewer pods are healthy than the budget wants — during
 * every rollout, and always for a budget of `minAvailable: 100%` or a one-replica workload
 * — so Argo CD stopped reading it as Degraded (argo-cd #20171). SyncFailed (the controller
 * could not compute the budget: no scale for the selected pods' owner, an overlapping
 * budget, …) is the failure it keeps.
 */
const BENIGN_REASONS: ReadonlySet<string> = new Set(['InsufficientPods']);

const WAITING: HealthStatus = { status: 'Progressing', message: 'Waiting for status' };

/**
 * - no `DisruptionAllowed` condition yet, or `status.observedGeneration` behind
 *   `metadata.generation` (the counts describe an older spec): Progressing;
 * - a `DisruptionAllowed=False` condition with any reason but InsufficientPods: Degraded
 *   "PodDisruptionBudget has SyncFailed";
 * - otherwise Healthy "PodDisruptionBudget has SufficientPods" (or InsufficientPods).
 * The API server fills in zero counters on creation, so only the controller's condition
 * (or observedGeneration) says the status has been written.
 */
export function podDisruptionBudgetHealth(pdb: KubeObject): HealthStatus {
  const status = objAt(pdb, 'status');
  const observed = status.observedGeneration;
  if (typeof observed === 'number' && observed < generationOf(pdb)) return WAITING;
  const conditions = conditionsOf(status).filter((c) => c.type === 'DisruptionAllowed');
  if (!conditions.length) return WAITING;
  const failed = conditions.find((c) => c.status === 'False' && !BENIGN_REASONS.has(c.reason ?? ''));
  if (failed) return { status: 'Degraded', message: `PodDisruptionBudget has ${failed.reason ?? 'failed'}` };
  const last = conditions[conditions.length - 1]!;
  return { status: 'Healthy', message: `PodDisruptionBudget has ${last.reason ?? last.type}` };
}
