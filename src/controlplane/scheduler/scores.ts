/**
 * Scoring of the feasible nodes, with the default profile's plugins and weights: each plugin
 * gives 0..100 per node (integer arithmetic, as in Go), then
 *
 *   total = 3·TaintToleration + 2·NodeAffinity + 1·NodeResourcesFit + 2·InterPodAffinity
 *
 * (PodTopologySpread, NodeResourcesBalancedAllocation and ImageLocality are not modelled:
 * Capstan has no images to be local to and no workload spreading defaults.)
 */
import type { JsonObject } from '../../core/index.js';
import type { NodeInfo } from './filters.js';
import { obj, objs, str } from './json.js';
import type { PodAffinityScorer } from './pod-affinity.js';
import type { Amounts } from './resources.js';
import { nodeSelectorTermMatches, taintsOf, tolerated } from './selectors.js';

const MAX_NODE_SCORE = 100;

/**
 * LeastAllocated: for cpu and memory, the share left free once the pod is placed, counting
 * "non-zero" requests (100m/200Mi for containers without one) so empty-request pods still
 * spread. Worked example: 4000m allocatable, 1000m used, pod 1000m → (4000−2000)·100/4000 = 50;
 * with memory at 75 the node scores (50+75)/2 = 62.
 */
export function leastAllocatedScore(podNonZero: Amounts, info: NodeInfo): number {
  let sum = 0;
  let weights = 0;
  for (const r of ['cpu', 'memory']) {
    const capacity = info.allocatable[r] ?? 0;
    if (capacity === 0) continue;
    const requested = (info.nonZeroRequested[r] ?? 0) + (podNonZero[r] ?? 0);
    sum += requested > capacity ? 0 : Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
    weights += 1;
  }
  return weights === 0 ? 0 : Math.trunc(sum / weights);
}

/** NodeAffinity Score: the summed weights of the preferred terms the node matches. */
export function preferredNodeAffinityRaw(pod: JsonObject, info: NodeInfo): number {
  const pref = obj(obj(obj(pod.spec).affinity).nodeAffinity).preferredDuringSchedulingIgnoredDuringExecution;
  let score = 0;
  for (const t of objs(pref)) {
    const weight = typeof t.weight === 'number' ? t.weight : 0;
    if (weight !== 0 && nodeSelectorTermMatches(obj(t.preference), info.labels, info.name)) score += weight;
  }
  return score;
}

/**
 * TaintToleration Score: how many PreferNoSchedule taints the pod does not tolerate, counting
 * only tolerations whose effect is empty or PreferNoSchedule. Fewer is better (normalized in
 * reverse).
 */
export function intolerablePreferNoSchedule(pod: JsonObject, info: NodeInfo): number {
  const tolerations = objs(obj(pod.spec).tolerations).filter((t) => {
    const e = str(t.effect);
    return e === '' || e === 'PreferNoSchedule';
  });
  return taintsOf(info.node).filter((t) => t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t))
    .length;
}

/** DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed. */
export function defaultNormalize(raw: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return raw.map((s) => {
    const scaled = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}

/** InterPodAffinity NormalizeScore: min-max to 0..100, where min and max start at 0. */
export function minMaxNormalize(raw: number[]): number[] {
  const max = Math.max(0, ...raw);
  const min = Math.min(0, ...raw);
  const diff = max - min;
  return raw.map((s) => (diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s - min)) / diff) : 0));
}

/** The weighted total of every plugin's normalized score, one entry per feasible node. */
export function totalScores(
  pod: JsonObject,
  feasible: NodeInfo[],
  podNonZero: Amounts,
  podAffinity: PodAffinityScorer,
): number[] {
  const taint = defaultNormalize(
    feasible.map((n) => intolerablePreferNoSchedule(pod, n)),
    true,
  );
  const nodeAff = defaultNormalize(
    feasible.map((n) => preferredNodeAffinityRaw(pod, n)),
    false,
  );
  const fit = feasible.map((n) => leastAllocatedScore(podNonZero, n));
  const rawPodAff = feasible.map((n) => podAffinity.score(n.labels));
  const podAff = podAffinity.any ? minMaxNormalize(rawPodAff) : rawPodAff;
  return feasible.map((_, i) => 3 * taint[i] + 2 * nodeAff[i] + fit[i] + 2 * podAff[i]);
}
