/**
 * From the metrics' proposal to the size to set: stabilization first, then the limits —
 * upstream's normalizeDesiredReplicas (no `behavior`) and
 * normalizeDesiredReplicasWithBehaviors. Both say why through two conditions:
 * AbleToScale (ReadyForNewScale, or Scale{Up,Down}Stabilized when the window held the
 * recommendation back) and ScalingLimited (True when a limit changed the answer).
 */
import type { ConditionUpdate } from '../../../runtime/index.js';
import type { HpaHistory } from './history.js';
import {
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  type Limited,
} from './scaling-rules.js';
import { stabilizeRecommendation, stabilizeWithBehavior } from './stabilization.js';
import type { Behavior, ScalingRules } from './types.js';

type Update = Omit<ConditionUpdate, 'observedGeneration'>;

export interface Normalized {
  replicas: number;
  history: HpaHistory;
  ableToScale: Update;
  scalingLimited: Update;
}

export interface NormalizeArgs {
  current: number;
  /** the metrics' proposal */
  desired: number;
  min: number;
  max: number;
}

const READY: Update = {
  type: 'AbleToScale',
  status: 'True',
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};

const limited = (l: Limited, changed: boolean): Update => ({
  type: 'ScalingLimited',
  status: changed ? 'True' : 'False',
  reason: l.reason,
  message: l.message,
});

/** Without `behavior`: the highest recommendation of the downscale window, then min/max and the 2×/4 limit. */
export function normalizeDesiredReplicas(
  history: HpaHistory,
  args: NormalizeArgs,
  now: number,
  downscaleStabilizationMs: number,
): Normalized {
  const stable = stabilizeRecommendation(
    history.recommendations,
    args.desired,
    now,
    downscaleStabilizationMs,
  );
  const ableToScale: Update =
    stable.replicas !== args.desired
      ? {
          type: 'AbleToScale',
          status: 'True',
          reason: 'ScaleDownStabilized',
          message:
            'recent recommendations were higher than current one, applying the highest recent recommendation',
        }
      : READY;
  const l = convertDesiredReplicasWithRules(args.current, stable.replicas, args.min, args.max);
  return {
    replicas: l.replicas,
    history: { ...history, recommendations: stable.recommendations },
    ableToScale,
    scalingLimited: limited(l, l.replicas !== stable.replicas),
  };
}

/** The rules API defaulting gives (SetDefaults_HorizontalPodAutoscalerBehavior), filled in where unset. */
export function behaviorRules(
  behavior: Behavior,
  downscaleStabilizationMs: number,
): {
  scaleUp: Required<Omit<ScalingRules, 'tolerance'>>;
  scaleDown: Required<Omit<ScalingRules, 'tolerance'>>;
} {
  const up = behavior.scaleUp ?? {};
  const down = behavior.scaleDown ?? {};
  return {
    scaleUp: {
      stabilizationWindowSeconds: up.stabilizationWindowSeconds ?? 0,
      selectPolicy: up.selectPolicy ?? 'Max',
      policies: up.policies?.length
        ? up.policies
        : [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ],
    },
    scaleDown: {
      // maybeInitScaleDownStabilizationWindow: the controller's window when the HPA names none
      stabilizationWindowSeconds:
        down.stabilizationWindowSeconds ?? Math.trunc(downscaleStabilizationMs / 1000),
      selectPolicy: down.selectPolicy ?? 'Max',
      policies: down.policies?.length ? down.policies : [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    },
  };
}

/** With `behavior`: both stabilization windows, then the rate policies and min/max. */
export function normalizeDesiredReplicasWithBehaviors(
  history: HpaHistory,
  args: NormalizeArgs & { behavior: Behavior },
  now: number,
  downscaleStabilizationMs: number,
): Normalized {
  const rules = behaviorRules(args.behavior, downscaleStabilizationMs);
  const stable = stabilizeWithBehavior(
    history.recommendations,
    {
      current: args.current,
      desired: args.desired,
      scaleUpWindowSeconds: rules.scaleUp.stabilizationWindowSeconds,
      scaleDownWindowSeconds: rules.scaleDown.stabilizationWindowSeconds,
    },
    now,
  );
  const next = { ...history, recommendations: stable.recommendations };
  const ableToScale: Update =
    stable.replicas !== args.desired
      ? { type: 'AbleToScale', status: 'True', reason: stable.reason, message: stable.message }
      : READY;
  const l = convertDesiredReplicasWithBehaviorRate(
    { ...args, desired: stable.replicas, scaleUp: rules.scaleUp, scaleDown: rules.scaleDown },
    next,
    now,
  );
  return {
    replicas: l.replicas,
    history: next,
    ableToScale,
    scalingLimited: limited(l, l.replicas !== stable.replicas),
  };
}
