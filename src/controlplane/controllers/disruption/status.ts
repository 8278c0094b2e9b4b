/**
 * A budget's status from its counts, as the disruption controller writes it
 * (updatePdbStatus, failSafe, and component-helpers' UpdateDisruptionAllowedCondition).
 */
import { setCondition } from '../../../runtime/index.js';
import { isPodReady } from '../deployment/index.js';
import {
  DISRUPTION_ALLOWED,
  INSUFFICIENT_PODS,
  SUFFICIENT_PODS,
  SYNC_FAILED,
  type Pod,
  type PodDisruptionBudget,
  type PodDisruptionBudgetStatus,
} from './types.js';

/**
 * How long a pod the eviction API let go stays counted as gone while it has no
 * deletionTimestamp yet (upstream's DeletionTimeout): after that it was not deleted after all.
 */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

/**
 * The entries of `status.disruptedPods` still in force: pods that exist, are not being
 * deleted yet, and were let go less than DELETION_TIMEOUT_MS ago; and when the earliest of
 * them runs out, so the budget is looked at again then.
 */
export function disruptedPodMap(
  pdb: PodDisruptionBudget,
  pods: readonly Pod[],
  now: Date,
): { disruptedPods: Record<string, string>; recheckAt?: number } {
  const previous = pdb.status?.disruptedPods ?? {};
  const disruptedPods: Record<string, string> = {};
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    const since = previous[name];
    if (pod.metadata.deletionTimestamp || since === undefined) continue;
    const expires = Date.parse(since) + DELETION_TIMEOUT_MS;
    if (!(expires > now.getTime())) continue;
    disruptedPods[name] = since;
    recheckAt = Math.min(recheckAt ?? expires, expires);
  }
  return { disruptedPods, recheckAt };
}

/** Ready pods that are neither being deleted nor about to be (countHealthyPods). */
export function countHealthyPods(pods: readonly Pod[], disruptedPods: Record<string, string>): number {
  return pods.filter(
    (p) =>
      !p.metadata.deletionTimestamp && !Object.hasOwn(disruptedPods, p.metadata.name ?? '') && isPodReady(p),
  ).length;
}

export interface BudgetCounts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedCount: number;
  disruptedPods: Record<string, string>;
}

/**
 * The status to write. Disruptions are allowed only while more pods are healthy than
 * desired and some are expected: a budget that selects nothing yet allows none, so its
 * first pods are safe before the next sync counts them. 3 ready of a Deployment of 3 with
 * `minAvailable: 2` → 1 allowed, DisruptionAllowed True/SufficientPods; one pod not ready →
 * 0, False/InsufficientPods.
 */
export function budgetStatus(
  pdb: PodDisruptionBudget,
  counts: BudgetCounts,
  now: Date,
): PodDisruptionBudgetStatus {
  const { currentHealthy, desiredHealthy, expectedCount, disruptedPods } = counts;
  const allowed = expectedCount > 0 ? Math.max(0, currentHealthy - desiredHealthy) : 0;
  const observedGeneration = pdb.metadata.generation ?? 0;
  const conditions = setCondition(
    pdb.status?.conditions ?? [],
    allowed > 0
      ? { type: DISRUPTION_ALLOWED, status: 'True', reason: SUFFICIENT_PODS, message: '', observedGeneration }
      : {
          type: DISRUPTION_ALLOWED,
          status: 'False',
          reason: INSUFFICIENT_PODS,
          message: '',
          observedGeneration,
        },
    now,
  );
  return {
    observedGeneration,
    ...(Object.keys(disruptedPods).length ? { disruptedPods } : {}),
    disruptionsAllowed: allowed,
    currentHealthy,
    desiredHealthy,
    expectedPods: expectedCount,
    conditions,
  };
}

/**
 * The status when the budget cannot be computed: no disruptions, DisruptionAllowed
 * False/SyncFailed with the cause, the other counts left as they were. observedGeneration
 * does not move either: this generation was not handled.
 */
export function failedStatus(pdb: PodDisruptionBudget, cause: string, now: Date): PodDisruptionBudgetStatus {
  const status = pdb.status ?? {};
  const observedGeneration = status.observedGeneration;
  return {
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
    ...status,
    disruptionsAllowed: 0,
    conditions: setCondition(
      status.conditions ?? [],
      { type: DISRUPTION_ALLOWED, status: 'False', reason: SYNC_FAILED, message: cause, observedGeneration },
      now,
    ),
  };
}
