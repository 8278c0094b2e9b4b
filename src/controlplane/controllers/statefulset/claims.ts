/**
 * PersistentVolumeClaims from `volumeClaimTemplates` and their retention ownerReferences —
 * stateful_set_utils.go's getPersistentVolumeClaims, updateClaimOwnerRefForSetAndPod and
 * hasStaleOwnerRef. Claims are never deleted here: the garbage collector removes a claim
 * once every owner named in its ownerReferences is gone.
 */
import type { OwnerReference, Pod } from '../deployment/index.js';
import { claimName, inOrdinalRange, ordinalOf } from './identity.js';
import type { PersistentVolumeClaim, StatefulSet } from './types.js';

/**
 * The claims pod `ordinal` mounts, as they would be created: name `<claim>-<sts>-<ordinal>`,
 * the set's namespace, the template's labels overlaid with the set's `selector.matchLabels`,
 * its annotations and spec. Owner references are left to `claimOwnerRefs`.
 */
export function claimsFor(sts: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (sts.spec.volumeClaimTemplates ?? []).map((t) => {
    const claim = structuredClone(t);
    const labels = { ...(claim.metadata.labels ?? {}), ...(sts.spec.selector?.matchLabels ?? {}) };
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    claim.metadata = {
      ...claim.metadata,
      name: claimName(sts, t, ordinal),
      ...(sts.metadata.namespace ? { namespace: sts.metadata.namespace } : {}),
      labels,
    };
    delete claim.status;
    return claim;
  });
}

const setRef = (sts: StatefulSet): OwnerReference => ({
  apiVersion: sts.apiVersion ?? 'apps/v1',
  kind: sts.kind ?? 'StatefulSet',
  name: sts.metadata.name ?? '',
  uid: sts.metadata.uid ?? '',
});

const podRef = (pod: Pod): OwnerReference => ({
  apiVersion: 'v1',
  kind: 'Pod',
  name: pod.metadata.name ?? '',
  uid: pod.metadata.uid ?? '',
});

/**
 * The claim's ownerReferences under `persistentVolumeClaimRetentionPolicy`:
 *
 *   whenDeleted  whenScaled   claim owned by
 *   Retain       Retain       nobody (our refs removed)
 *   Delete       Retain       the set
 *   Retain       Delete       the pod, once the pod is scaled away (ordinal out of range)
 *   Delete       Delete       the set while in range, the pod once scaled away
 *
 * Other owners are kept. Set `web` scaled 3 → 2 with whenScaled Delete: `data-web-2` gets
 * an ownerReference to pod `web-2`, and goes when that pod does.
 */
export function claimOwnerRefs(claim: PersistentVolumeClaim, sts: StatefulSet, pod: Pod): OwnerReference[] {
  const policy = sts.spec.persistentVolumeClaimRetentionPolicy ?? {};
  const deleteWithSet = policy.whenDeleted === 'Delete';
  const deleteWhenScaled = policy.whenScaled === 'Delete';
  const scaledDown = ordinalOf(pod) >= 0 && !inOrdinalRange(pod, sts);
  const wantSet = deleteWithSet && !(deleteWhenScaled && scaledDown);
  const wantPod = deleteWhenScaled && scaledDown;
  let refs = [...(claim.metadata.ownerReferences ?? [])];
  refs = update(refs, setRef(sts), wantSet);
  refs = update(refs, podRef(pod), wantPod);
  return refs;
}

function update(refs: OwnerReference[], ref: OwnerReference, want: boolean): OwnerReference[] {
  const has = refs.some((r) => r.uid === ref.uid);
  if (want) return has || !ref.uid ? refs : [...refs, ref];
  return refs.filter((r) => r.uid !== ref.uid);
}

/** Whether two ownerReference lists name the same owners (by uid, in any order). */
export function sameOwners(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  const ids = (l: readonly OwnerReference[]) =>
    l
      .map((r) => r.uid)
      .sort()
      .join('\n');
  return ids(a) === ids(b);
}

/**
 * A claim left over from an earlier pod of the same name (PodClaimIsStale): it is owned by a
 * pod `web-2` whose uid is not this pod's. The garbage collector is about to delete it, so a
 * new `web-2` must wait rather than mount it. Never stale under Retain/Retain.
 */
export function isStaleClaim(claim: PersistentVolumeClaim, sts: StatefulSet, pod: Pod): boolean {
  const policy = sts.spec.persistentVolumeClaimRetentionPolicy ?? {};
  if (policy.whenDeleted !== 'Delete' && policy.whenScaled !== 'Delete') return false;
  return (claim.metadata.ownerReferences ?? []).some(
    (r) => r.kind === 'Pod' && r.name === pod.metadata.name && r.uid !== (pod.metadata.uid ?? ''),
  );
}
