/**
 * The per-pod steps of one StatefulSet sync — stateful_set_control.go's processReplica and
 * processCondemned — over a shared `Sync` that collects what to create, update and delete.
 *
 * OrderedReady ("monotonic") stops at the first pod that is not yet Running, Ready and
 * available, so pod i is created only once 0..i−1 are, and condemned pods go one at a time
 * from the highest ordinal. Parallel ("burst") visits every pod and waits for nothing.
 */
import { isPodAvailable, type Pod } from '../deployment/index.js';
import { claimOwnerRefs, claimsFor, isStaleClaim, sameOwners } from './claims.js';
import { ordinalOf } from './identity.js';
import { isRunningAndReady, isTerminating } from './status.js';
import type { PersistentVolumeClaim, StatefulSet } from './types.js';

/** What one step tells the loop: go on, stop here (OrderedReady), or stop after an error. */
export type Step = 'continue' | 'wait' | 'error';

/** The state of one sync: inputs and the plan being built. */
export interface Sync {
  sts: StatefulSet;
  now: Date;
  minReadySeconds: number;
  monotonic: boolean;
  /** existing claims by name, and the ones this sync creates */
  claims: Map<string, PersistentVolumeClaim>;
  /** pods built this sync, not yet in the store */
  planned: Set<Pod>;
  createPVCs: PersistentVolumeClaim[];
  updatePVCs: Map<string, PersistentVolumeClaim>;
  createPods: Pod[];
  deletePods: string[];
  requeue: boolean;
}

/**
 * Visits `pods` in order. OrderedReady stops at the first step that is not `continue`;
 * Parallel visits all of them and reports a stop only if one failed.
 */
export function runForAll<T>(s: Sync, items: readonly T[], step: (item: T) => Step): boolean {
  let failed = false;
  for (const item of items) {
    const r = step(item);
    if (s.monotonic && r !== 'continue') return true;
    if (r === 'error') failed = true;
  }
  return failed;
}

/**
 * One pod the set wants (ordinal in range):
 * - not created yet → its missing claims, then the pod (OrderedReady: and stop). A claim
 *   still owned by an earlier pod of that name (stale) or being deleted blocks it;
 * - Failed or Succeeded → delete it; it is recreated once gone;
 * - Pending → create any claim it lacks;
 * - OrderedReady waits while it is terminating, not Running and Ready, or not yet available;
 * - otherwise bring its claims' ownerReferences in line with the retention policy.
 */
export function processReplica(s: Sync, pod: Pod): Step {
  if (s.planned.has(pod)) {
    const blocked = ensureClaims(s, pod, true);
    if (blocked) return blocked;
    s.createPods.push(pod);
    return s.monotonic ? 'wait' : 'continue';
  }
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') {
    if (!isTerminating(pod)) s.deletePods.push(pod.metadata.name ?? '');
    return 'wait';
  }
  if (phase === 'Pending') {
    const blocked = ensureClaims(s, pod, false);
    if (blocked) return blocked;
  }
  if (s.monotonic && (isTerminating(pod) || !isRunningAndReady(pod))) return 'wait';
  if (s.monotonic && !isPodAvailable(pod, s.minReadySeconds, s.now)) return 'wait';
  fixClaimOwners(s, pod);
  return 'continue';
}

/**
 * One pod beyond the wanted ordinals, visited highest ordinal first. OrderedReady waits for
 * a terminating pod to go, and deletes an unhealthy pod only if it is the first unhealthy
 * one of the set (so a broken set can still scale down); each deletion ends the pass.
 */
export function processCondemned(s: Sync, pod: Pod, firstUnavailable: Pod | undefined): Step {
  if (isTerminating(pod)) return s.monotonic ? 'wait' : 'continue';
  const healthy = isRunningAndReady(pod) && isPodAvailable(pod, s.minReadySeconds, s.now);
  if (s.monotonic && !healthy && pod !== firstUnavailable) return 'wait';
  s.deletePods.push(pod.metadata.name ?? '');
  return 'wait';
}

/** The retention-policy ownerReferences of a pod's existing claims (ClaimsMatchRetentionPolicy). */
export function fixClaimOwners(s: Sync, pod: Pod): void {
  for (const want of claimsFor(s.sts, ordinalOf(pod))) {
    const name = want.metadata.name ?? '';
    const have = s.updatePVCs.get(name) ?? s.claims.get(name);
    if (!have || have.metadata.deletionTimestamp) continue;
    const refs = claimOwnerRefs(have, s.sts, pod);
    if (sameOwners(refs, have.metadata.ownerReferences ?? [])) continue;
    s.updatePVCs.set(name, { ...have, metadata: { ...have.metadata, ownerReferences: refs } });
  }
}

// Creates the pod's missing claims; 'error' when one exists but is being deleted (the pod
// must not start on a claim that is going away), 'wait' when a claim is stale.
function ensureClaims(s: Sync, pod: Pod, checkStale: boolean): Step | undefined {
  const wanted = claimsFor(s.sts, ordinalOf(pod));
  if (checkStale) {
    const stale = wanted.some((c) => {
      const have = s.claims.get(c.metadata.name ?? '');
      return have !== undefined && isStaleClaim(have, s.sts, pod);
    });
    if (stale) {
      s.requeue = true;
      return 'wait';
    }
  }
  let blocked: Step | undefined;
  for (const claim of wanted) {
    const name = claim.metadata.name ?? '';
    const have = s.claims.get(name);
    if (have) {
      if (have.metadata.deletionTimestamp) blocked = 'error';
      continue;
    }
    const refs = claimOwnerRefs(claim, s.sts, pod);
    if (refs.length) claim.metadata.ownerReferences = refs;
    s.claims.set(name, claim);
    s.createPVCs.push(claim);
  }
  if (blocked) s.requeue = true;
  return blocked;
}
