/**
 * One step of a Recreate rollout, as recreate.go: scale every old ReplicaSet to 0; wait
 * until no old pod is left running (terminating ones included — the point of Recreate is
 * that old and new never run side by side); only then create or grow the new ReplicaSet to
 * the full `replicas`. 3 replicas: old 3 → 0; (pods terminate); new RS created with 3.
 */
import { desiredReplicas } from './util/fenceposts.js';
import { activeReplicaSets, actualReplicaCount, specReplicas } from './util/replica-sets.js';
import { scaleOp } from './util/scale-op.js';
import type { Deployment, Pod, ReplicaSet, ScaleOp } from './types.js';

export interface RecreatePlan {
  scale: ScaleOp[];
  /** No new ReplicaSet yet and the old pods are gone: create it now (newReplicaSetFor). */
  createNewReplicaSet: boolean;
  /** Old ReplicaSets are at 0 but some of their pods still run: wait for them. */
  waitingForOldPods: boolean;
}

/**
 * The next Recreate step. `pods` are the Deployment's pods (any ReplicaSet); those
 * controlled by `newRS` are ignored, any other pod not Succeeded/Failed counts as running.
 */
export function planRecreate(
  d: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  pods: readonly Pod[] = [],
): RecreatePlan {
  const down = activeReplicaSets(oldRSs).map((rs) => scaleOp(d, rs, 0));
  if (down.length) return { scale: down, createNewReplicaSet: false, waitingForOldPods: false };
  if (oldPodsRunning(newRS, oldRSs, pods))
    return { scale: [], createNewReplicaSet: false, waitingForOldPods: true };
  if (!newRS) return { scale: [], createNewReplicaSet: true, waitingForOldPods: false };
  const replicas = desiredReplicas(d);
  const scale = specReplicas(newRS) === replicas ? [] : [scaleOp(d, newRS, replicas)];
  return { scale, createNewReplicaSet: false, waitingForOldPods: false };
}

/**
 * Whether an old ReplicaSet still reports pods, or a pod outside the new ReplicaSet is in a
 * non-terminal phase (Pending, Running, Unknown — a node we cannot hear may still run it).
 */
export function oldPodsRunning(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  pods: readonly Pod[],
): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  return pods.some((pod) => {
    if (newRS && controlledBy(pod, newRS)) return false;
    const phase = pod.status?.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
}

/** Whether `pod`'s controller ownerReference points at `rs` (by uid when both have one). */
export function controlledBy(pod: Pod, rs: ReplicaSet): boolean {
  const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (!ref) return false;
  if (ref.uid && rs.metadata.uid) return ref.uid === rs.metadata.uid;
  return ref.kind === 'ReplicaSet' && ref.name === rs.metadata.name;
}
