/**
 * HorizontalPodAutoscaler health (gitops-engine's health_hpa.go), for autoscaling/v2 (and
 * v2beta*) `status.conditions`, and autoscaling/v1, whose conditions travel in the
 * `autoscaling.alpha.kubernetes.io/conditions` annotation as a JSON string.
 *
 * Degraded: the autoscaler cannot work —
 * - AbleToScale False (it cannot read or update the target's scale), except the legacy
 *   `Backoff*` reasons, which only say a scale happened recently;
 * - ScalingActive False for any reason but ScalingDisabled (the target was scaled to 0 on
 *   purpose): FailedGetResourceMetric, InvalidSelector, FailedGet*Metric, …;
 * - any condition with one of Argo CD's degraded reasons (FailedGetScale,
 *   FailedUpdateScale, FailedGetResourceMetric, InvalidSelector), whatever its status.
 * Healthy: AbleToScale or ScalingLimited True. Otherwise Progressing "Waiting to Autoscale".
 * Argo CD takes the first of these it meets in the list's order, so an HPA whose
 * AbleToScale is True but whose metrics fail reads Healthy there; here a degraded
 * condition wins wherever it is.
 */
import { isJsonObject, parseApiVersion, type KubeObject } from '../../core/index.js';
import { conditionsOf, objAt, toCondition, type ConditionView } from './read.js';
import type { HealthStatus } from './types.js';
import { verdict } from './verdict.js';

export const HPA_V1_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

const WAITING: HealthStatus = { status: 'Progressing', message: 'Waiting to Autoscale' };
const ARGO_DEGRADED_REASONS: Record<string, readonly string[]> = {
  AbleToScale: ['FailedGetScale', 'FailedUpdateScale'],
  ScalingActive: ['FailedGetResourceMetric', 'InvalidSelector'],
};

function isDegraded(c: ConditionView): boolean {
  if (c.reason && ARGO_DEGRADED_REASONS[c.type]?.includes(c.reason)) return true;
  if (c.status !== 'False') return false;
  if (c.type === 'AbleToScale') return !c.reason?.startsWith('Backoff');
  return c.type === 'ScalingActive' && c.reason !== 'ScalingDisabled';
}

/** The HPA's conditions; throws when the v1 annotation is not a JSON list. */
function hpaConditions(hpa: KubeObject): ConditionView[] {
  const fromStatus = conditionsOf(objAt(hpa, 'status'));
  const annotation = hpa.metadata?.annotations?.[HPA_V1_CONDITIONS_ANNOTATION];
  if (fromStatus.length || parseApiVersion(hpa.apiVersion).version !== 'v1' || annotation === undefined) {
    return fromStatus;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch (e) {
    throw new Error(`cannot read the ${HPA_V1_CONDITIONS_ANNOTATION} annotation: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`the ${HPA_V1_CONDITIONS_ANNOTATION} annotation is not a list`);
  return parsed.flatMap((c) => (isJsonObject(c) ? toCondition(c) : []));
}

export function hpaHealth(hpa: KubeObject): HealthStatus {
  const conditions = hpaConditions(hpa);
  const degraded = conditions.find(isDegraded);
  if (degraded) return { status: 'Degraded', message: degraded.message ?? degraded.reason ?? '' };
  const healthy = conditions.find(
    (c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True',
  );
  if (healthy) return verdict('Healthy', healthy.message);
  return WAITING;
}
