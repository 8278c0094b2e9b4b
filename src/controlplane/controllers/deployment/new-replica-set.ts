/**
 * Which ReplicaSet is the Deployment's "new" one, and how to make it when there is none —
 * deployment_util.go's FindNewReplicaSet/FindOldReplicaSets/NewRSNewReplicas and the
 * creating half of sync.go's getNewReplicaSet.
 */
import type { JsonValue } from '../../../core/index.js';
import { timestamp } from './util/conditions.js';
import { desiredReplicas, isRollingUpdate, maxSurge } from './util/fenceposts.js';
import { podTemplateHash } from './util/hash.js';
import { byCreationTimestamp, equalIgnoreHash, replicaCount, specReplicas } from './util/replica-sets.js';
import { maxRevision, setNewReplicaSetAnnotations } from './revision.js';
import { POD_TEMPLATE_HASH_LABEL, type Deployment, type OwnerReference, type ReplicaSet } from './types.js';

/**
 * The ReplicaSet running the Deployment's current template (ignoring pod-template-hash).
 * Should several match (kubernetes#40415, after upgrades), the oldest wins, deterministically.
 */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Every ReplicaSet of the Deployment except the new one. */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rss);
  return rss.filter((rs) => rs !== newRS);
}

/**
 * The size the new ReplicaSet may grow to in one step — NewRSNewReplicas. Rolling: up to
 * `replicas + maxSurge` pods in all, never beyond `replicas`. 10 replicas, surge 3, old RS
 * at 10, new at 0: 13 − 10 = 3 → new RS to 3. Recreate: straight to `replicas` (old pods
 * are gone by then).
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const current = specReplicas(newRS);
  const maxTotal = replicas + maxSurge(d);
  const total = replicaCount(allRSs);
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, replicas - current);
}

/** An ownerReference making `owner` the controller of an object (metav1.NewControllerRef). */
export function controllerRef(
  owner: { apiVersion?: string; kind?: string; metadata: { name?: string; uid?: string } },
  apiVersion: string,
  kind: string,
): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? apiVersion,
    kind: owner.kind ?? kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface NewReplicaSet {
  replicaSet: ReplicaSet;
  /**
   * Set when `<deployment>-<hash>` was taken by a ReplicaSet with another template: the
   * Deployment's new `status.collisionCount`, to be written back (Kubernetes does the same,
   * one bump per sync; we bump until the name is free).
   */
  collisionCount?: number;
  /** True when a ReplicaSet with this name and template already exists: use it, don't create. */
  exists?: boolean;
}

/**
 * The new ReplicaSet for `d`'s current template:
 * - name `<deployment>-<pod-template-hash>`; labels, selector and template labels carry
 *   `pod-template-hash` so its pods never overlap older ReplicaSets';
 * - annotations: the Deployment's own (minus kubectl/bookkeeping ones), `revision` = max of
 *   `existingRSs` + 1, `desired-replicas` and `max-replicas` (replicas + maxSurge);
 * - replicas: what the strategy allows right now (see newRSNewReplicas);
 * - a controller ownerReference to the Deployment; creationTimestamp `now`.
 */
export function newReplicaSetFor(
  d: Deployment,
  existingRSs: readonly ReplicaSet[],
  now: Date,
): NewReplicaSet {
  let collisionCount = d.status?.collisionCount;
  let bumped = false;
  for (;;) {
    const hash = podTemplateHash(d.spec.template as JsonValue, collisionCount);
    const name = `${d.metadata.name}-${hash}`;
    const taken = existingRSs.find((rs) => rs.metadata.name === name);
    if (!taken || equalIgnoreHash(taken.spec.template, d.spec.template)) {
      const out: NewReplicaSet = taken
        ? { replicaSet: taken, exists: true }
        : { replicaSet: build(d, hash, name, existingRSs, now) };
      if (bumped) out.collisionCount = collisionCount;
      return out;
    }
    collisionCount = (collisionCount ?? 0) + 1;
    bumped = true;
  }
}

function build(
  d: Deployment,
  hash: string,
  name: string,
  existingRSs: readonly ReplicaSet[],
  now: Date,
): ReplicaSet {
  const template = structuredClone(d.spec.template);
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...(template.metadata ?? {}), labels };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      ...(d.metadata.namespace ? { namespace: d.metadata.namespace } : {}),
      labels: { ...labels },
      annotations: {},
      ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
      creationTimestamp: timestamp(now),
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  rs.spec.replicas = newRSNewReplicas(d, [...existingRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, maxRevision(existingRSs) + 1, false);
  return rs;
}
