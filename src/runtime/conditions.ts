/**
 * Status conditions with Kubernetes' rules for when their timestamps move.
 *
 * - `setCondition` follows apimachinery's `meta.SetStatusCondition` (metav1.Condition, used by
 *   CRDs and by Capstan's own Applications): the condition is updated in place, so the list
 *   keeps its order, and `lastTransitionTime` moves only when `status` flips.
 * - `setDeploymentCondition` follows `SetDeploymentCondition` of
 *   kubernetes/pkg/controller/deployment/util/deployment_util.go for the apps/v1 conditions
 *   that carry `lastUpdateTime`.
 *
 * Both return a new array and never mutate their input (it may be a cached object); when
 * nothing changes they return the input itself, so `next !== prev` means "write status".
 */
import type { Condition as CoreCondition } from '../core/index.js';
import { toKubeTime } from './clock.js';

/** metav1.Condition lives in core, beside the Application that carries it. */
export type Condition = CoreCondition;
export type ConditionStatus = CoreCondition['status'];

/** An apps/v1 DeploymentCondition: no `observedGeneration`, and a `lastUpdateTime`. */
export interface DeploymentCondition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

/** The fields a caller decides; the timestamps are the helpers' business. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
}

/** The condition of `type`, if present. */
export function getCondition<C extends { type: string }>(
  conditions: readonly C[] | undefined,
  type: string,
): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition of `type` is present with status `True`. */
export function isTrue(
  conditions: readonly { type: string; status: string }[] | undefined,
  type: string,
): boolean {
  return getCondition(conditions, type)?.status === 'True';
}

/**
 * Sets a metav1.Condition. Example, with `Ready` set at 10:00 to False/Progressing:
 * - at 10:05 to False/HealthCheckFailed: reason and message change, `lastTransitionTime`
 *   stays 10:00 (the status did not flip);
 * - at 10:07 to True/Succeeded: `lastTransitionTime` becomes 10:07.
 * A new condition is appended. `observedGeneration` is replaced by the update's (removed
 * when the update has none), as `SetStatusCondition` copies it.
 */
export function setCondition(
  conditions: readonly Condition[],
  next: ConditionUpdate,
  now: Date,
): Condition[] {
  const index = conditions.findIndex((c) => c.type === next.type);
  if (index < 0) return [...conditions, fresh(next, now)];
  const current = conditions[index];
  const updated: Condition = { ...current, status: next.status, reason: next.reason, message: next.message };
  if (next.observedGeneration === undefined) delete updated.observedGeneration;
  else updated.observedGeneration = next.observedGeneration;
  if (current.status !== next.status) updated.lastTransitionTime = toKubeTime(now);
  if (
    current.status === updated.status &&
    current.reason === updated.reason &&
    current.message === updated.message &&
    current.observedGeneration === updated.observedGeneration
  ) {
    return conditions as Condition[];
  }
  const out = [...conditions];
  out[index] = updated;
  return out;
}

/** Removes the condition of `type` (returns the input itself when absent). */
export function removeCondition<C extends { type: string }>(conditions: readonly C[], type: string): C[] {
  return conditions.some((c) => c.type === type)
    ? conditions.filter((c) => c.type !== type)
    : (conditions as C[]);
}

/**
 * Sets a Deployment condition with the deployment controller's rule:
 * - same status and same reason: nothing changes, not even the message or `lastUpdateTime`
 *   (a Deployment that stays Available/MinimumReplicasAvailable keeps its first message);
 * - otherwise the condition is replaced with `lastUpdateTime` = now, keeping
 *   `lastTransitionTime` when the status did not flip, and moved to the end of the list
 *   (the Go code filters the old one out and appends).
 *
 * `refresh: true` is the controller's special case for `Progressing` (progress.go): when
 * there is progress it rewrites message and `lastUpdateTime` even though the reason is the
 * same, because the progress deadline counts from `lastUpdateTime`.
 */
export function setDeploymentCondition(
  conditions: readonly DeploymentCondition[],
  next: Omit<ConditionUpdate, 'observedGeneration'>,
  now: Date,
  options: { refresh?: boolean } = {},
): DeploymentCondition[] {
  const current = getCondition(conditions, next.type);
  if (!options.refresh && current && current.status === next.status && current.reason === next.reason) {
    return conditions as DeploymentCondition[];
  }
  const time = toKubeTime(now);
  const condition: DeploymentCondition = {
    type: next.type,
    status: next.status,
    lastUpdateTime: time,
    lastTransitionTime: current && current.status === next.status ? current.lastTransitionTime : time,
    reason: next.reason,
    message: next.message,
  };
  return [...conditions.filter((c) => c.type !== next.type), condition];
}

function fresh(next: ConditionUpdate, now: Date): Condition {
  const condition: Condition = {
    type: next.type,
    status: next.status,
    reason: next.reason,
    message: next.message,
    lastTransitionTime: toKubeTime(now),
  };
  if (next.observedGeneration !== undefined) condition.observedGeneration = next.observedGeneration;
  return condition;
}
