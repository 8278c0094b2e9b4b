/**
 * One step of a RollingUpdate, as rolling.go: first grow the new ReplicaSet as far as
 * maxSurge allows; only if that changed nothing, shrink old ReplicaSets as far as
 * maxUnavailable allows. The caller applies the ops, waits for pods and ReplicaSet status
 * to move, and asks again; the rollout is the sequence of these steps.
 *
 * 10 replicas, maxSurge 1, maxUnavailable 1 (old RS at 10, all available):
 *   step 1: new 0 → 1 (11 pods, the surge)
 *   step 2: nothing to grow (11 = 10 + 1); available 10 > min 9 → old 10 → 9
 *   step 3: new 1 → 2; … until new 10, old 0. Never more than 11 pods, never fewer than 9
 *   available — provided pods are only counted once available (ready for minReadySeconds).
 */
import { desiredReplicas, maxUnavailable } from './util/fenceposts.js';
import {
  activeReplicaSets,
  availableReplicaCount,
  byCreationTimestamp,
  replicaCount,
  specReplicas,
} from './util/replica-sets.js';
import { scaleOp, withAvailability } from './util/scale-op.js';
import { newRSNewReplicas } from './new-replica-set.js';
import type { Deployment, ReplicaSet, ScaleOp } from './types.js';

/**
 * The scale operations for this rollout step. `available` optionally overrides each
 * ReplicaSet's `status.availableReplicas` by name (pods ready for minReadySeconds).
 * Returns [] when this step has nothing to do (rollout complete, or waiting for pods).
 */
export function planRollingUpdate(
  d: Deployment,
  newRS: ReplicaSet,
  oldRSs: readonly ReplicaSet[],
  available?: Readonly<Record<string, number>>,
): ScaleOp[] {
  const [newOne, ...olds] = withAvailability([newRS, ...oldRSs], available) as [ReplicaSet, ...ReplicaSet[]];
  const up = reconcileNewReplicaSet(d, newOne, [...olds, newOne]);
  if (up) return [up];
  return reconcileOldReplicaSets(d, newOne, olds);
}

function reconcileNewReplicaSet(d: Deployment, newRS: ReplicaSet, allRSs: ReplicaSet[]): ScaleOp | undefined {
  const replicas = desiredReplicas(d);
  const current = specReplicas(newRS);
  if (current === replicas) return undefined;
  // the deployment shrank mid-rollout: the new ReplicaSet never exceeds it
  if (current > replicas) return scaleOp(d, newRS, replicas);
  const target = newRSNewReplicas(d, allRSs, newRS);
  return target === current ? undefined : scaleOp(d, newRS, target);
}

function reconcileOldReplicaSets(d: Deployment, newRS: ReplicaSet, allOld: ReplicaSet[]): ScaleOp[] {
  const oldRSs = activeReplicaSets(allOld);
  if (replicaCount(oldRSs) === 0) return [];
  const allPods = replicaCount([...allOld, newRS]);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  // Scaling down may not count on new pods that are not available yet (rolling.go's worked
  // example): 10 replicas, maxUnavailable 2, maxSurge 3; new RS at 5 crash-looping, old at 8:
  // 13 − 8 − 5 = 0, so a node failure taking an old pod down does not let us delete more.
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const sizes = new Map<ReplicaSet, number>(oldRSs.map((rs) => [rs, specReplicas(rs)]));
  cleanupUnhealthyReplicas(oldRSs, sizes, maxScaledDown);
  scaleDownOldReplicaSets(oldRSs, newRS, sizes, minAvailable);
  return [...oldRSs]
    .sort(byCreationTimestamp)
    .filter((rs) => sizes.get(rs) !== specReplicas(rs))
    .map((rs) => scaleOp(d, rs, sizes.get(rs)!));
}

// Unavailable old pods can go first: deleting them costs no availability, and left alone
// they would block the rollout until it times out (kubernetes#16737). Oldest ReplicaSet
// first; the ReplicaSet controller picks its not-ready pods first (see pods-to-delete.ts).
function cleanupUnhealthyReplicas(
  oldRSs: ReplicaSet[],
  sizes: Map<ReplicaSet, number>,
  maxCleanup: number,
): void {
  let cleaned = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (cleaned >= maxCleanup) break;
    const size = sizes.get(rs)!;
    const avail = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size === avail) continue;
    const n = Math.min(maxCleanup - cleaned, size - avail);
    sizes.set(rs, size - n);
    cleaned += n;
  }
}

// Then available pods, only down to minAvailable counted over all ReplicaSets: 10 replicas,
// maxUnavailable 1, 11 pods of which 10 available → remove 10 − 9 = 1 from the oldest.
function scaleDownOldReplicaSets(
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
  sizes: Map<ReplicaSet, number>,
  minAvailable: number,
): void {
  const availableNow = availableReplicaCount([...oldRSs, newRS]);
  if (availableNow <= minAvailable) return;
  const budget = availableNow - minAvailable;
  let done = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (done >= budget) break;
    const size = sizes.get(rs)!;
    if (size === 0) continue;
    const n = Math.min(size, budget - done);
    sizes.set(rs, size - n);
    done += n;
  }
}
