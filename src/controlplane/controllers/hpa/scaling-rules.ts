/**
 * How far one sync may move the target: minReplicas/maxReplicas, and the rate limits —
 * upstream's fixed "at most double, at least 4" for HPAs without `behavior`
 * (convertDesiredReplicasWithRules, issue kubernetes#32304), or the `behavior` policies
 * (convertDesiredReplicasWithBehaviorRate) over the scale changes of each policy's period.
 * The result carries the ScalingLimited reason and message upstream reports.
 */
import type { HpaHistory, ScaleEvent } from './history.js';
import type { Behavior, ScalingRules } from './types.js';

export interface Limited {
  replicas: number;
  reason: string;
  message: string;
}

const WITHIN: Omit<Limited, 'replicas'> = {
  reason: 'DesiredWithinRange',
  message: 'the desired count is within the acceptable range',
};
const TOO_FEW = {
  reason: 'TooFewReplicas',
  message: 'the desired replica count is less than the minimum replica count',
};
const TOO_MANY = {
  reason: 'TooManyReplicas',
  message: 'the desired replica count is more than the maximum replica count',
};
const UP_LIMIT = {
  reason: 'ScaleUpLimit',
  message: 'the desired replica count is increasing faster than the maximum scale rate',
};
const DOWN_LIMIT = {
  reason: 'ScaleDownLimit',
  message: 'the desired replica count is decreasing faster than the maximum scale rate',
};

/** Without `behavior`, one sync may grow the target to max(2 × current, 4). */
export function legacyScaleUpLimit(current: number): number {
  return Math.max(2 * current, 4);
}

/** Clamps `desired` for an HPA without `behavior`. Example: current 3, max 20, desired 10 → 6 (ScaleUpLimit). */
export function convertDesiredReplicasWithRules(
  current: number,
  desired: number,
  min: number,
  max: number,
): Limited {
  const upLimit = legacyScaleUpLimit(current);
  const [maximum, limit] = max > upLimit ? [upLimit, UP_LIMIT] : [max, TOO_MANY];
  if (desired < min) return { replicas: min, ...TOO_FEW };
  if (desired > maximum) return { replicas: maximum, ...limit };
  return { replicas: desired, ...WITHIN };
}

/** Replicas changed by `events` within the last `periodSeconds`. */
export function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.at > cutoff) sum += e.change;
  return sum;
}

/**
 * The most replicas the scale-up policies allow now. Each policy counts from the size the
 * target had at the start of its period: current 10, having grown by 4 in the last 60 s, a
 * `Percent 100 / 60 s` policy allows ceil(6 × 2) = 12 and `Pods 4 / 60 s` allows 6 + 4 = 10;
 * selectPolicy Max takes 12, Min 10, Disabled keeps 10.
 */
export function scaleUpLimit(current: number, history: HpaHistory, rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? Infinity : -Infinity;
  for (const p of rules.policies ?? []) {
    const start =
      current -
      changeInPeriod(p.periodSeconds, history.scaleUpEvents, now) +
      changeInPeriod(p.periodSeconds, history.scaleDownEvents, now);
    // a Percent proposal rounds up, or a small target could never grow
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/** The fewest replicas the scale-down policies allow now (selectPolicy Max: the biggest cut). */
export function scaleDownLimit(
  current: number,
  history: HpaHistory,
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMax = rules.selectPolicy === 'Min';
  let result = pickMax ? -Infinity : Infinity;
  for (const p of rules.policies ?? []) {
    const start =
      current -
      changeInPeriod(p.periodSeconds, history.scaleUpEvents, now) +
      changeInPeriod(p.periodSeconds, history.scaleDownEvents, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pickMax ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/**
 * Clamps a stabilized recommendation for an HPA with `behavior`. Example: current 4, max 10,
 * desired 9, scale-up policies `Pods 2 / 60 s` only → 6 (ScaleUpLimit); desired 1 with min 2
 * and `Percent 100` scale-down → 2 (TooFewReplicas).
 */
export function convertDesiredReplicasWithBehaviorRate(
  args: {
    current: number;
    desired: number;
    min: number;
    max: number;
    scaleUp: ScalingRules;
    scaleDown: ScalingRules;
  },
  history: HpaHistory,
  now: number,
): Limited {
  const { current, desired } = args;
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, history, args.scaleUp, now), current);
    const [maximum, why] = args.max > limit ? [limit, UP_LIMIT] : [args.max, TOO_MANY];
    if (desired > maximum) return { replicas: maximum, ...why };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, history, args.scaleDown, now), current);
    const [minimum, why] = args.min < limit ? [limit, DOWN_LIMIT] : [args.min, TOO_FEW];
    if (desired < minimum) return { replicas: minimum, ...why };
  }
  return { replicas: desired, ...WITHIN };
}

function longestPeriod(rules: ScalingRules | undefined): number {
  return Math.max(0, ...(rules?.policies ?? []).map((p) => p.periodSeconds));
}

function store(events: readonly ScaleEvent[], change: number, longest: number, now: number): ScaleEvent[] {
  const cutoff = now - longest * 1000;
  const out = events.map((e) => (e.at < cutoff ? { ...e, outdated: true } : e));
  let slot: number | undefined;
  out.forEach((e, i) => {
    if (e.outdated) slot = i;
  });
  const event: ScaleEvent = { change, at: now, outdated: false };
  if (slot === undefined) out.push(event);
  else out[slot] = event;
  return out;
}

/**
 * Remembers a successful rescale for the rate policies (storeScaleEvent); HPAs without
 * `behavior` keep no events. Events older than the direction's longest policy period are
 * marked outdated and their slots reused, so the lists stay short.
 */
export function recordScaleEvent(
  history: HpaHistory,
  behavior: Behavior | undefined,
  from: number,
  to: number,
  now: number,
): HpaHistory {
  if (!behavior) return history;
  if (to > from) {
    return {
      ...history,
      scaleUpEvents: store(history.scaleUpEvents, to - from, longestPeriod(behavior.scaleUp), now),
    };
  }
  return {
    ...history,
    scaleDownEvents: store(history.scaleDownEvents, from - to, longestPeriod(behavior.scaleDown), now),
  };
}
