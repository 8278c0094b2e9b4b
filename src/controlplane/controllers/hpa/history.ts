/**
 * What the autoscaler remembers about each HPA between syncs, in memory only (as upstream's
 * HorizontalController does: a restart forgets it and starts again from the current size):
 * its recent unstabilized recommendations, for the stabilization windows, and its recent
 * scale changes, for the `behavior` rate policies. Every function returns new lists.
 */

export interface Recommendation {
  replicas: number;
  /** epoch ms */
  at: number;
}

export interface ScaleEvent {
  /** replicas added (scale-up events) or removed (scale-down events): never negative */
  change: number;
  at: number;
  /** older than the longest policy period: its slot may be reused */
  outdated: boolean;
}

export interface HpaHistory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export const emptyHistory = (): HpaHistory => ({
  recommendations: [],
  scaleUpEvents: [],
  scaleDownEvents: [],
});

/** The first time an HPA is seen, its current size counts as a recommendation (recordInitialRecommendation). */
export function withInitialRecommendation(history: HpaHistory, current: number, now: number): HpaHistory {
  if (history.recommendations.length > 0) return history;
  return { ...history, recommendations: [{ replicas: current, at: now }] };
}

/** Records `rec`, reusing the slot of `oldIndex` (a sample past every window) when there is one. */
export function recordRecommendation(
  recs: readonly Recommendation[],
  rec: Recommendation,
  oldIndex: number | undefined,
): Recommendation[] {
  const out = [...recs];
  if (oldIndex === undefined) out.push(rec);
  else out[oldIndex] = rec;
  return out;
}
