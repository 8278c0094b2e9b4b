/**
 * Counting and ordering ReplicaSets, as deployment_util.go and controller_utils.go do.
 * Sizes come from `spec.replicas` (what we asked for); pod counts from `status` (what the
 * ReplicaSet controller last saw).
 */
import type { JsonValue } from '../../../../core/index.js';
import { POD_TEMPLATE_HASH_LABEL, type PodTemplate, type ReplicaSet } from '../types.js';
import { canonicalJson } from './hash.js';

/** `spec.replicas`, defaulted to 1 as the API server does. */
export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;

/** ReplicaSets that want pods (`spec.replicas > 0`), as FilterActiveReplicaSets. */
export function activeReplicaSets(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

const sum = (rss: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number): number =>
  rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

/** Σ spec.replicas */
export const replicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, specReplicas);
/** Σ status.replicas: pods that exist */
export const actualReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number =>
  sum(rss, (rs) => rs.status?.replicas ?? 0);
/** Σ status.readyReplicas */
export const readyReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number =>
  sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
/** Σ status.availableReplicas: ready for at least minReadySeconds */
export const availableReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number =>
  sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

const created = (rs: ReplicaSet): number => {
  const t = rs.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
};
const name = (rs: ReplicaSet): string => rs.metadata.name ?? '';

/** Oldest first; equal timestamps (second precision) by name — ReplicaSetsByCreationTimestamp. */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/** Largest first, ties oldest first — ReplicaSetsBySizeOlder (scaling down hits old ones first). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreationTimestamp(a, b);
}

/** Largest first, ties newest first — ReplicaSetsBySizeNewer (scaling up favours new ones). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreationTimestamp(b, a);
}

/** A copy of `template` without the pod-template-hash label. */
export function withoutHashLabel(template: PodTemplate | undefined): PodTemplate {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  return copy;
}

/**
 * Pod templates equal except for the pod-template-hash label — EqualIgnoreHash. Equality
 * is over the canonical JSON form, which (like apimachinery's semantic DeepEqual) treats
 * absent, null and empty maps/lists alike. Approximation: resource quantities compare as
 * written ("1" ≠ "1000m"), where Kubernetes compares their values.
 */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  const ca = canonicalJson(withoutHashLabel(a) as JsonValue);
  return ca === canonicalJson(withoutHashLabel(b) as JsonValue);
}
