/**
 * HorizontalPodAutoscaler health (gitops-engine's health_hpa.go, now in argo-cd's
 * gitops-engine/pkg/health), for autoscaling/v2 (and v2beta*) `status.conditions`, and
 * autoscaling/v1, whose conditions travel in the `autoscaling.alpha.kubernetes.io/conditions`
 * annotation as a JSON string.
 *
 * Degraded: the autoscaler cannot work —
 * - AbleToScale with one of gitops-engine's failure reasons, FailedGetScale or
 *   FailedUpdateScale (it cannot read or write the target's scale subresource). Other
 *   AbleToScale=False reasons are not failures: the legacy `BackoffBoth`/`BackoffDownscale`/
 *   `BackoffUpscale` only say a scale happened recently;
 * - ScalingActive False for any reason but ScalingDisabled (the target was scaled to 0 on
 *   purpose) — gitops-engine lists FailedGetResourceMetric, FailedGetObjectMetric,
 *   FailedGetPodsMetric, FailedGetExternalMetric, FailedComputeMetricsReplicas and
 *   InvalidSelector; the controller's other reasons (FailedGetContainerResourceMetric,
 *   InvalidMetricSourceType) are failures just the same, so they count here too;
 * - any condition with one of those listed reasons, whatever its status, as gitops-engine.
 * Healthy: AbleToScale or ScalingLimited True. Otherwise Progressing "Waiting to Autoscale".
 *
 * Deliberate difference, kept: a failing condition wins wherever it is in the list, so an
 * HPA whose AbleToScale is True but whose metrics fail is Degraded. (Argo CD read the
 * list in order and called that HPA Healthy until argo-cd #26274 made it look for a
 * failing condition first; older Argo CD releases still do.)
 */
import { isJsonObject, parseApiVersion, type KubeObject } from '../../core/index.js';
import { conditionsOf, objAt, toCondition, type ConditionView } from './read.js';
import type { HealthStatus } from './types.js';
import { verdict } from './verdict.js';

export const HPA_V1_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

const WAITING: HealthStatus = { status: 'Progressing', message: 'Waiting to Autoscale' };
/** gitops-engine's `degraded_states`: the condition reasons it reads as a failure. */
const ARGO_DEGRADED_REASONS: Record<string, readonly string[]> = {
  AbleToScale: ['FailedGetScale', 'FailedUpdateScale'],
  ScalingActive: [
    'FailedGetResourceMetric',
    'FailedGetObjectMetric',
    'FailedGetPodsMetric',
    'FailedGetExternalMetric',
    'FailedComputeMetricsReplicas',
    'InvalidSelector',
  ],
};

function isDegraded(c: ConditionView): boolean {
  if (c.reason && ARGO_DEGRADED_REASONS[c.type]?.includes(c.reason)) return true;
  return c.type === 'ScalingActive' && c.status === 'False' && c.reason !== 'ScalingDisabled';
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
