/**
 * Inter-pod affinity and anti-affinity, after kube-scheduler's InterPodAffinity plugin
 * (https://github.com/kubernetes/kubernetes/tree/master/pkg/scheduler/framework/plugins/interpodaffinity).
 *
 * Everything is counted per topology pair (label key, value): a term with topologyKey
 * `kubernetes.io/hostname` makes each node its own domain, `topology.kubernetes.io/zone`
 * groups nodes by zone. Worked example: web-1 runs on node a (zone z1) and the incoming pod
 * has required anti-affinity to `app=web` over zones; the pair (zone, z1) counts 1, so every
 * node labelled zone=z1 fails and nodes in z2 pass.
 *
 * Namespace selectors are evaluated against the only namespace label Capstan can vouch for
 * without reading Namespace objects: `kubernetes.io/metadata.name`, which the API server sets
 * on every namespace.
 */
import type { JsonObject } from '../../core/index.js';
import { has, labelsOf, namespaceOf, obj, objs, str } from './json.js';
import type { LabelMatcher } from './selectors.js';
import { compileSelectorObject } from './selectors.js';

interface AffinityTerm {
  namespaces: Set<string>;
  nsSelector: LabelMatcher;
  selector: LabelMatcher;
  topologyKey: string;
  weight: number;
}

/** An existing pod together with the labels of the node it runs on. */
export interface PlacedPod {
  pod: JsonObject;
  nodeLabels: Record<string, string>;
}

type Kind = 'podAffinity' | 'podAntiAffinity';

function term(owner: JsonObject, t: JsonObject, weight: number): AffinityTerm {
  const names = (Array.isArray(t.namespaces) ? t.namespaces : []).filter(
    (x): x is string => typeof x === 'string',
  );
  // GetNamespacesFromPodAffinityTerm: no namespaces and no selector means "my own namespace".
  const own = names.length === 0 && (t.namespaceSelector === undefined || t.namespaceSelector === null);
  return {
    namespaces: new Set(own ? [namespaceOf(owner)] : names),
    nsSelector: compileSelectorObject(t.namespaceSelector),
    selector: compileSelectorObject(t.labelSelector),
    topologyKey: str(t.topologyKey),
    weight,
  };
}

function requiredTerms(pod: JsonObject, kind: Kind): AffinityTerm[] {
  const k = obj(obj(obj(pod.spec).affinity)[kind]);
  return objs(k.requiredDuringSchedulingIgnoredDuringExecution).map((t) => term(pod, t, 1));
}

function preferredTerms(pod: JsonObject, kind: Kind): AffinityTerm[] {
  const k = obj(obj(obj(pod.spec).affinity)[kind]);
  return objs(k.preferredDuringSchedulingIgnoredDuringExecution).map((w) =>
    term(pod, obj(w.podAffinityTerm), typeof w.weight === 'number' ? w.weight : 0),
  );
}

/** PodMatchesTermsNamespaceAndSelector. */
function podMatches(pod: JsonObject, t: AffinityTerm): boolean {
  const ns = namespaceOf(pod);
  if (!t.namespaces.has(ns) && !t.nsSelector({ 'kubernetes.io/metadata.name': ns })) return false;
  return t.selector(labelsOf(pod));
}

const pair = (key: string, value: string) => `${key}\u0000${value}`;

function bump(m: Map<string, number>, k: string, by: number): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

/** The reason a node fails the filter, or undefined when it passes. */
export interface PodAffinityCheck {
  (nodeLabels: Record<string, string>): { reason: string; resolvable: boolean } | undefined;
}

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/**
 * PreFilter + Filter: counts topology pairs once over every placed pod, then returns the
 * per-node check. Failing the pod's own affinity cannot be fixed by preemption; the two
 * anti-affinity failures can (a victim could be evicted), hence `resolvable`.
 */
export function podAffinityFilter(pod: JsonObject, placed: PlacedPod[]): PodAffinityCheck {
  const affinity = requiredTerms(pod, 'podAffinity');
  const anti = requiredTerms(pod, 'podAntiAffinity');
  const affinityCounts = new Map<string, number>();
  const antiCounts = new Map<string, number>();
  const existingAntiCounts = new Map<string, number>();
  for (const { pod: other, nodeLabels } of placed) {
    for (const t of requiredTerms(other, 'podAntiAffinity')) {
      if (podMatches(pod, t) && has(nodeLabels, t.topologyKey))
        bump(existingAntiCounts, pair(t.topologyKey, nodeLabels[t.topologyKey]), 1);
    }
    // An existing pod counts toward affinity only when it satisfies every term at once.
    if (affinity.length > 0 && affinity.every((t) => podMatches(other, t))) {
      for (const t of affinity) {
        if (has(nodeLabels, t.topologyKey))
          bump(affinityCounts, pair(t.topologyKey, nodeLabels[t.topologyKey]), 1);
      }
    }
    for (const t of anti) {
      if (podMatches(other, t) && has(nodeLabels, t.topologyKey))
        bump(antiCounts, pair(t.topologyKey, nodeLabels[t.topologyKey]), 1);
    }
  }
  // The first pod of a group with affinity to itself may go anywhere the topology keys exist.
  const selfAffine =
    affinityCounts.size === 0 && affinity.length > 0 && affinity.every((t) => podMatches(pod, t));

  return (nodeLabels) => {
    let podsExist = true;
    for (const t of affinity) {
      if (!has(nodeLabels, t.topologyKey)) return { reason: REASON_AFFINITY, resolvable: false };
      if ((affinityCounts.get(pair(t.topologyKey, nodeLabels[t.topologyKey])) ?? 0) <= 0) podsExist = false;
    }
    if (!podsExist && !selfAffine) return { reason: REASON_AFFINITY, resolvable: false };
    for (const t of anti) {
      if (
        has(nodeLabels, t.topologyKey) &&
        (antiCounts.get(pair(t.topologyKey, nodeLabels[t.topologyKey])) ?? 0) > 0
      ) {
        return { reason: REASON_ANTI_AFFINITY, resolvable: true };
      }
    }
    for (const [k, v] of Object.entries(nodeLabels)) {
      if ((existingAntiCounts.get(pair(k, v)) ?? 0) > 0)
        return { reason: REASON_EXISTING_ANTI_AFFINITY, resolvable: true };
    }
    return undefined;
  };
}

/** Raw inter-pod affinity scores; `any` is false when no term touched any node (nothing to normalize). */
export interface PodAffinityScorer {
  any: boolean;
  score: (nodeLabels: Record<string, string>) => number;
}

// HardPodAffinityWeight's default: an existing pod's *required* affinity to the incoming pod
// also pulls it closer during scoring, with this weight.
const HARD_POD_AFFINITY_WEIGHT = 1;

/**
 * PreScore + Score (raw, before normalizing): the summed weights of preferred terms, the
 * incoming pod's and the existing pods' alike, for the node's topology pairs; anti-affinity
 * subtracts.
 */
export function podAffinityRawScores(pod: JsonObject, placed: PlacedPod[]): PodAffinityScorer {
  const prefAffinity = preferredTerms(pod, 'podAffinity');
  const prefAnti = preferredTerms(pod, 'podAntiAffinity');
  const topo = new Map<string, number>();
  const keys = new Set<string>();
  const apply = (
    terms: AffinityTerm[],
    target: JsonObject,
    nodeLabels: Record<string, string>,
    sign: number,
  ) => {
    for (const t of terms) {
      if (has(nodeLabels, t.topologyKey) && podMatches(target, t)) {
        keys.add(t.topologyKey);
        bump(topo, pair(t.topologyKey, nodeLabels[t.topologyKey]), sign * t.weight);
      }
    }
  };
  for (const { pod: other, nodeLabels } of placed) {
    if (Object.keys(nodeLabels).length === 0) continue;
    apply(prefAffinity, other, nodeLabels, 1);
    apply(prefAnti, other, nodeLabels, -1);
    const hard = requiredTerms(other, 'podAffinity').map((t) => ({ ...t, weight: HARD_POD_AFFINITY_WEIGHT }));
    apply(hard, pod, nodeLabels, 1);
    apply(preferredTerms(other, 'podAffinity'), pod, nodeLabels, 1);
    apply(preferredTerms(other, 'podAntiAffinity'), pod, nodeLabels, -1);
  }
  return {
    any: keys.size > 0,
    score: (nodeLabels) => {
      let s = 0;
      for (const k of keys) if (has(nodeLabels, k)) s += topo.get(pair(k, nodeLabels[k])) ?? 0;
      return s;
    },
  };
}
