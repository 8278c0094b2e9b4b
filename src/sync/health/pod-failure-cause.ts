/**
 * Which pod explains a workload's trouble. For a Deployment that is the pods of its newest
 * ReplicaSet — the ones the rollout waits for; the old ReplicaSet's pods are healthy or on
 * their way out and would only mislead ("pod web-old-x is fine"). The newest ReplicaSet is
 * the one whose `deployment.kubernetes.io/revision` equals the Deployment's (what
 * `kubectl rollout status` follows), else the highest revision; its pods carry its
 * `pod-template-hash` label.
 */
import { isJsonObject, type JsonObject, type KubeObject } from '../../core/index.js';
import { diagnosePod, type PodDiagnosis } from './container-cause.js';
import { arr, objAt, str } from './read.js';
import type { HealthCause } from './types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

const revision = (o: KubeObject): number => {
  const n = Number(o.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isFinite(n) ? n : 0;
};

/** Whether `owner` is named in `obj`'s ownerReferences (by uid when the owner has one). */
export function ownedBy(obj: KubeObject, owner: KubeObject): boolean {
  const uid = str(owner.metadata?.uid);
  return arr(obj.metadata?.ownerReferences).some(
    (r) =>
      isJsonObject(r) && r.kind === owner.kind && (uid ? r.uid === uid : r.name === owner.metadata?.name),
  );
}

const sameNamespace = (a: KubeObject, b: KubeObject) =>
  (a.metadata?.namespace ?? '') === (b.metadata?.namespace ?? '');

/** The Deployment's newest ReplicaSet among `replicaSets`, if any is its own. */
export function newestReplicaSet(
  deployment: KubeObject,
  replicaSets: readonly KubeObject[],
): KubeObject | undefined {
  // Items of a list from the API carry no `kind`: ownership alone decides.
  const own = replicaSets.filter((rs) => sameNamespace(rs, deployment) && ownedBy(rs, deployment));
  const current = revision(deployment);
  const match = current > 0 ? own.find((rs) => revision(rs) === current) : undefined;
  if (match) return match;
  // Highest revision, then the most recently created (RFC 3339 strings sort by time).
  return [...own].sort(
    (a, b) =>
      revision(b) - revision(a) ||
      String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')),
  )[0];
}

/** A LabelSelector object (matchLabels and matchExpressions) over `labels`. */
export function matchesSelector(
  selector: JsonObject,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  const matchLabels = objAt(selector, 'matchLabels');
  const expressions = arr(selector.matchExpressions).filter(isJsonObject);
  if (!Object.keys(matchLabels).length && !expressions.length) return false; // selects nothing, as in apps/v1
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of expressions) {
    const key = str(e.key) ?? '';
    const values = arr(e.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Pods by creation time, then name: "the first failing pod" is then the same every time. */
function byAge(pods: readonly KubeObject[]): KubeObject[] {
  return [...pods].sort(
    (a, b) =>
      String(a.metadata?.creationTimestamp ?? '').localeCompare(
        String(b.metadata?.creationTimestamp ?? ''),
      ) || String(a.metadata?.name ?? '').localeCompare(String(b.metadata?.name ?? '')),
  );
}

/**
 * The most telling trouble among `pods` (pods being deleted are skipped: they are going
 * anyway): the most severe, and the oldest pod on a tie. Undefined when all are fine.
 */
export function worstPodCause(pods: readonly KubeObject[]): HealthCause | undefined {
  let worst: PodDiagnosis | undefined;
  for (const pod of byAge(pods)) {
    if (pod.metadata?.deletionTimestamp) continue;
    const d = diagnosePod(pod);
    if (d && (!worst || d.severity > worst.severity)) worst = d;
  }
  return worst?.cause;
}

/**
 * Why a Deployment's rollout is not done: the first failing pod of its newest ReplicaSet
 * (matched by that ReplicaSet's `pod-template-hash`) and why — a container crash-looping
 * with its exit code, an image that cannot be pulled, a probe that does not pass, a pod
 * that cannot be scheduled. Without `replicaSets` (or none of them the Deployment's), the
 * pods its selector matches are used. Undefined when no pod is in trouble.
 */
export function podFailureCause(
  deployment: KubeObject,
  pods: readonly KubeObject[],
  replicaSets: readonly KubeObject[] = [],
): HealthCause | undefined {
  const inNamespace = pods.filter((p) => sameNamespace(p, deployment));
  const rs = newestReplicaSet(deployment, replicaSets);
  const hash =
    rs &&
    (rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ??
      str(objAt(rs, 'spec', 'selector', 'matchLabels')[POD_TEMPLATE_HASH_LABEL]));
  const current = hash
    ? inNamespace.filter((p) => p.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash)
    : inNamespace.filter((p) => matchesSelector(objAt(deployment, 'spec', 'selector'), p.metadata?.labels));
  return worstPodCause(current);
}

/** Why a ReplicaSet, StatefulSet or DaemonSet is not healthy: its own pods' worst trouble. */
export function ownedPodsCause(owner: KubeObject, pods: readonly KubeObject[]): HealthCause | undefined {
  return worstPodCause(pods.filter((p) => sameNamespace(p, owner) && ownedBy(p, owner)));
}
