/**
 * Deployment conditions, as deployment_util.go's New/Get/Set/RemoveDeploymentCondition.
 * Timestamps are RFC 3339 with whole seconds, the way metav1.Time serializes.
 */
import type { Condition } from '../types.js';

/** `2024-05-01T12:00:00Z`: metav1.Time drops sub-second precision. */
export function timestamp(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A condition whose update and transition times are both `now`. */
export function newCondition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  now: Date,
): Condition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Conditions with `c` set. Same status and reason as the current one: no change at all (so
 * a repeated "progressing" does not move lastUpdateTime — see progress.ts for the one
 * place that wants it to). Same status, other reason: replaced, keeping lastTransitionTime.
 * The replaced condition moves to the end, as Kubernetes appends it.
 */
export function setCondition(conditions: readonly Condition[] | undefined, c: Condition): Condition[] {
  const current = getCondition(conditions, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return [...(conditions ?? [])];
  const next = { ...c };
  if (current && current.status === c.status) next.lastTransitionTime = current.lastTransitionTime;
  return [...removeCondition(conditions, c.type), next];
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
