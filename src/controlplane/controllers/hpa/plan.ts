/**
 * One sync of one HPA as a pure decision: upstream's reconcileAutoscaler
 * (pkg/controller/podautoscaler/horizontal.go) without the API calls. The caller reads the
 * target's Scale, the namespace's pods and the pod metrics, asks `planHpaSync`, writes the
 * new size when the plan says `rescale` and then finishes the plan with `rescaleSucceeded`
 * or `rescaleFailed`, records the events and writes the status.
 *
 *   scale readable? ── no ──► AbleToScale False/FailedGetScale
 *        │ yes
 *   target at 0 ─────────────► ScalingActive False/ScalingDisabled (the user turned it off)
 *   outside [min, max] ──────► rescale into range
 *   else metrics ─► proposal ─► stabilize ─► limit ─► rescale if it differs
 */
import { setCondition, toKubeTime, type ConditionUpdate } from '../../../runtime/index.js';
import { withInitialRecommendation, type HpaHistory } from './history.js';
import { computeReplicasForMetrics } from './metrics.js';
import { normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors } from './normalize.js';
import type { MetricsSource } from './pod-metrics.js';
import { recordScaleEvent } from './scaling-rules.js';
import {
  DEFAULT_HPA_SETTINGS,
  type Hpa,
  type HpaCondition,
  type HpaEvent,
  type HpaPod,
  type HpaSettings,
  type HpaStatus,
  type MetricStatus,
  type Scale,
} from './types.js';

export interface HpaSyncInput {
  hpa: Hpa;
  /** the target's Scale, or the error reading it */
  target: { scale: Scale } | { error: string };
  /** the pods of the HPA's namespace */
  pods: readonly HpaPod[];
  /** the PodMetrics of the target's pods, or why there are none */
  metrics: MetricsSource;
  /** the selectors the namespace's other HPAs last used (AmbiguousSelector) */
  otherSelectors?: ReadonlyArray<{ key: string; selector: string }>;
  history: HpaHistory;
  now: Date;
  settings?: Partial<HpaSettings>;
}

export interface HpaPlan {
  /** the status to write; with `rescale`, finish the plan first */
  status: HpaStatus;
  /** set the target's replicas from `from` to `to` */
  rescale?: { from: number; to: number; reason: string };
  events: HpaEvent[];
  /** the history to keep for the next sync */
  history: HpaHistory;
  /** the selector this HPA claims pods with (for the other HPAs' ambiguity check) */
  selector?: string;
  /** what went wrong, when something did (upstream returns it from the sync, to be logged) */
  error?: string;
}

type Update = Omit<ConditionUpdate, 'observedGeneration'>;

function buildStatus(
  hpa: Hpa,
  s: {
    current: number;
    desired: number;
    lastScaleTime?: string;
    metrics?: MetricStatus[];
    conditions: HpaCondition[];
  },
): HpaStatus {
  const status = {} as HpaStatus;
  if (typeof hpa.metadata.generation === 'number') status.observedGeneration = hpa.metadata.generation;
  if (s.lastScaleTime) status.lastScaleTime = s.lastScaleTime;
  // currentReplicas is omitempty in autoscaling/v2, desiredReplicas is not
  if (s.current) status.currentReplicas = s.current;
  status.desiredReplicas = s.desired;
  if (s.metrics?.length) status.currentMetrics = s.metrics;
  if (s.conditions.length) status.conditions = s.conditions;
  return status;
}

const withCondition = (status: HpaStatus, update: Update, now: Date): HpaStatus => ({
  ...status,
  conditions: setCondition(status.conditions ?? [], update, now) as HpaCondition[],
});

/** Decides one sync of `hpa`. */
export function planHpaSync(input: HpaSyncInput): HpaPlan {
  const { hpa } = input;
  const settings: HpaSettings = { ...DEFAULT_HPA_SETTINGS, ...input.settings };
  const now = input.now.getTime();
  const old = hpa.status;
  const ref = hpa.spec.scaleTargetRef;
  const reference = `${ref.kind}/${hpa.metadata.namespace ?? ''}/${ref.name}`;
  let conditions = [...(old?.conditions ?? [])];
  const set = (u: Update) => {
    conditions = setCondition(conditions, u, input.now) as HpaCondition[];
  };
  const events: HpaEvent[] = [];

  if ('error' in input.target) {
    events.push({ type: 'Warning', reason: 'FailedGetScale', message: input.target.error });
    set({
      type: 'AbleToScale',
      status: 'False',
      reason: 'FailedGetScale',
      message: `the HPA controller was unable to get the target's current scale: ${input.target.error}`,
    });
    return {
      status: buildStatus(hpa, {
        current: old?.currentReplicas ?? 0,
        desired: old?.desiredReplicas ?? 0,
        lastScaleTime: old?.lastScaleTime,
        metrics: old?.currentMetrics,
        conditions,
      }),
      events,
      history: input.history,
      error: `failed to query scale subresource for ${reference}: ${input.target.error}`,
    };
  }

  const { scale } = input.target;
  set({
    type: 'AbleToScale',
    status: 'True',
    reason: 'SucceededGetScale',
    message: "the HPA controller was able to get the target's current scale",
  });
  const current = scale.spec.replicas;
  let history = withInitialRecommendation(input.history, current, now);
  const min = hpa.spec.minReplicas ?? 1;
  const max = hpa.spec.maxReplicas;
  let desired = 0;
  let reason = '';
  let rescale = true;
  let metrics: MetricStatus[] | undefined;
  let selector: string | undefined;
  let error: string | undefined;

  if (current === 0 && min !== 0) {
    desired = 0;
    rescale = false;
    set({
      type: 'ScalingActive',
      status: 'False',
      reason: 'ScalingDisabled',
      message: 'scaling is disabled since the replica count of the target is zero',
    });
  } else if (current > max) {
    reason = 'Current number of replicas above Spec.MaxReplicas';
    desired = max;
  } else if (current < min) {
    reason = 'Current number of replicas below Spec.MinReplicas';
    desired = min;
  } else {
    const outcome = computeReplicasForMetrics({
      hpa,
      scale,
      pods: input.pods,
      source: input.metrics,
      otherSelectors: input.otherSelectors,
      now,
      settings,
    });
    events.push(...outcome.events);
    selector = outcome.selector;
    if (outcome.condition) set(outcome.condition);
    if (outcome.replicas === -1) {
      const why = outcome.error ?? 'no metrics';
      events.push({ type: 'Warning', reason: 'FailedComputeMetricsReplicas', message: why });
      return {
        status: buildStatus(hpa, {
          current,
          desired: old?.desiredReplicas ?? 0,
          lastScaleTime: old?.lastScaleTime,
          metrics: outcome.statuses,
          conditions,
        }),
        events,
        history,
        selector,
        error: `failed to compute desired number of replicas based on listed metrics for ${reference}: ${why}`,
      };
    }
    error = outcome.error;
    metrics = outcome.statuses;
    let rescaleMetric = '';
    if (outcome.replicas > desired) {
      desired = outcome.replicas;
      rescaleMetric = outcome.metric;
    }
    if (desired > current) reason = `${rescaleMetric} above target`;
    if (desired < current) reason = 'All metrics below target';
    const args = { current, desired, min, max };
    const n = hpa.spec.behavior
      ? normalizeDesiredReplicasWithBehaviors(
          history,
          { ...args, behavior: hpa.spec.behavior },
          now,
          settings.downscaleStabilizationMs,
        )
      : normalizeDesiredReplicas(history, args, now, settings.downscaleStabilizationMs);
    set(n.ableToScale);
    set(n.scalingLimited);
    history = n.history;
    desired = n.replicas;
    rescale = desired !== current;
  }

  if (!rescale) desired = current;
  return {
    status: buildStatus(hpa, { current, desired, lastScaleTime: old?.lastScaleTime, metrics, conditions }),
    rescale: rescale ? { from: current, to: desired, reason } : undefined,
    events,
    history,
    selector,
    error,
  };
}

/** The plan once the target took its new size: SuccessfulRescale, lastScaleTime, the scale event remembered. */
export function rescaleSucceeded(plan: HpaPlan, hpa: Hpa, now: Date): HpaPlan {
  const r = plan.rescale;
  if (!r) return plan;
  const status = withCondition(
    { ...plan.status, lastScaleTime: toKubeTime(now) },
    {
      type: 'AbleToScale',
      status: 'True',
      reason: 'SucceededRescale',
      message: `the HPA controller was able to update the target scale to ${r.to}`,
    },
    now,
  );
  return {
    ...plan,
    status: reorder(status),
    events: [
      ...plan.events,
      { type: 'Normal', reason: 'SuccessfulRescale', message: `New size: ${r.to}; reason: ${r.reason}` },
    ],
    history: recordScaleEvent(plan.history, hpa.spec.behavior, r.from, r.to, now.getTime()),
  };
}

/** The plan when writing the new size failed: FailedRescale, and the status keeps its old desired size. */
export function rescaleFailed(plan: HpaPlan, hpa: Hpa, error: string, now: Date): HpaPlan {
  const r = plan.rescale;
  if (!r) return plan;
  const status = withCondition(
    { ...plan.status, desiredReplicas: hpa.status?.desiredReplicas ?? 0 },
    {
      type: 'AbleToScale',
      status: 'False',
      reason: 'FailedUpdateScale',
      message: `the HPA controller was unable to update the target scale: ${error}`,
    },
    now,
  );
  const ref = hpa.spec.scaleTargetRef;
  return {
    ...plan,
    status,
    events: [
      ...plan.events,
      {
        type: 'Warning',
        reason: 'FailedRescale',
        message: `New size: ${r.to}; reason: ${r.reason}; error: ${error}`,
      },
    ],
    error: `failed to rescale ${ref.kind}/${hpa.metadata.namespace ?? ''}/${ref.name}: ${error}`,
  };
}

/** Keeps the status fields in the order the API server serializes them. */
function reorder(s: HpaStatus): HpaStatus {
  const out = {} as HpaStatus;
  if (s.observedGeneration !== undefined) out.observedGeneration = s.observedGeneration;
  if (s.lastScaleTime !== undefined) out.lastScaleTime = s.lastScaleTime;
  if (s.currentReplicas !== undefined) out.currentReplicas = s.currentReplicas;
  out.desiredReplicas = s.desiredReplicas;
  if (s.currentMetrics !== undefined) out.currentMetrics = s.currentMetrics;
  if (s.conditions !== undefined) out.conditions = s.conditions;
  return out;
}
