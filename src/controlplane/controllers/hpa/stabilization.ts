/**
 * Stabilization windows: flapping metrics must not make the target flap. Upstream's
 * stabilizeRecommendation and stabilizeRecommendationWithBehaviors
 * (pkg/controller/podautoscaler/horizontal.go), over an explicit history.
 *
 * Example, scale-down window 300 s, current 10: recommendations 10 (t=0), 6 (t=60),
 * 4 (t=120) give 10, 10, 10 — the highest recommendation of the last 5 minutes — and 4
 * only once the 10 and the 6 are older than 300 s. A scale-up window works the other way,
 * taking the lowest recommendation of its window.
 */
import { recordRecommendation, type Recommendation } from './history.js';

/**
 * Without `behavior`: the highest recommendation of the last `windowMs` (including this one),
 * so scale-ups apply at once and scale-downs wait. Records `desired` in the slot of a sample
 * older than the window, or appends it.
 */
export function stabilizeRecommendation(
  recs: readonly Recommendation[],
  desired: number,
  now: number,
  windowMs: number,
): { replicas: number; recommendations: Recommendation[] } {
  let max = desired;
  let oldIndex: number | undefined;
  const cutoff = now - windowMs;
  recs.forEach((r, i) => {
    if (r.at < cutoff) oldIndex = i;
    else if (r.replicas > max) max = r.replicas;
  });
  return {
    replicas: max,
    recommendations: recordRecommendation(recs, { replicas: desired, at: now }, oldIndex),
  };
}

export interface BehaviorStabilization {
  replicas: number;
  /** the AbleToScale reason to report when stabilization changed the recommendation */
  reason: 'ScaleUpStabilized' | 'ScaleDownStabilized';
  message: string;
  recommendations: Recommendation[];
}

/**
 * With `behavior`: the recommendation is held between the lowest recommendation of the
 * scale-up window and the highest of the scale-down window, starting from the current size.
 * Example: current 5, scale-up window 60 s holding 8 and 9, scale-down window 0 s; a new
 * recommendation of 12 gives max(5, min(8, 9, 12)) = 8.
 */
export function stabilizeWithBehavior(
  recs: readonly Recommendation[],
  args: { current: number; desired: number; scaleUpWindowSeconds: number; scaleDownWindowSeconds: number },
  now: number,
): BehaviorStabilization {
  let up = args.desired;
  let down = args.desired;
  const upCutoff = now - args.scaleUpWindowSeconds * 1000;
  const downCutoff = now - args.scaleDownWindowSeconds * 1000;
  let oldIndex: number | undefined;
  recs.forEach((r, i) => {
    if (r.at > upCutoff) up = Math.min(r.replicas, up);
    if (r.at > downCutoff) down = Math.max(r.replicas, down);
    if (r.at < upCutoff && r.at < downCutoff) oldIndex = i;
  });
  let replicas = args.current;
  if (replicas < up) replicas = up;
  if (replicas > down) replicas = down;
  const scalingUp = args.desired >= args.current;
  return {
    replicas,
    reason: scalingUp ? 'ScaleUpStabilized' : 'ScaleDownStabilized',
    message: scalingUp
      ? 'recent recommendations were lower than current one, applying the lowest recent recommendation'
      : 'recent recommendations were higher than current one, applying the highest recent recommendation',
    recommendations: recordRecommendation(recs, { replicas: args.desired, at: now }, oldIndex),
  };
}
