/**
 * One StatefulSet sync as stateful_set_control.go's UpdateStatefulSet strings it together —
 * pure: it returns what to write and the caller writes it, in the order of the fields of
 * `StatefulSetPlan`, then requeues on the next pod or claim change.
 *
 *   revisions  → find or create the update revision (history.ts)
 *   replicas   → create missing pods (and their claims), delete failed ones (pods.ts)
 *   condemned  → delete pods above the wanted ordinals, highest first (pods.ts)
 *   update     → RollingUpdate: delete the highest out-of-date pod ≥ partition, one at a
 *                time, each only once those above it are available again; OnDelete: nothing
 *   status     → counts, revisions, collisionCount (status.ts)
 * A set being deleted gets its status only. Kubernetes' MaxUnavailableStatefulSet feature
 * (alpha) is not modelled: rolling updates replace one pod at a time.
 */
import type { Pod } from '../deployment/index.js';
import { resolveRevisions, truncateHistory } from './history.js';
import {
  inOrdinalRange,
  newStatefulPod,
  ordinalOf,
  parentAndOrdinal,
  podRevision,
  replicasOf,
  startOrdinal,
} from './identity.js';
import { fixClaimOwners, processCondemned, processReplica, runForAll, type Sync } from './pods.js';
import { completeRollingUpdate, countStatus, isTerminating, isUnavailable } from './status.js';
import type { ControllerRevision, PersistentVolumeClaim, StatefulSet, StatefulSetStatus } from './types.js';

export interface StatefulSetPlan {
  /** a ControllerRevision to create first */
  createRevision?: ControllerRevision;
  /** an existing revision whose `revision` number moved up (a rollback): write it */
  updateRevision?: ControllerRevision;
  /** claims to create before the pods that mount them */
  createPVCs: PersistentVolumeClaim[];
  /** existing claims whose ownerReferences change under the retention policy */
  updatePVCs: PersistentVolumeClaim[];
  /** pods to create: at most one under OrderedReady, every missing one under Parallel */
  createPods: Pod[];
  /** pod names to delete */
  deletePods: string[];
  /** old ControllerRevisions beyond revisionHistoryLimit */
  deleteRevisions: string[];
  /** the set's next status; write it if it differs */
  status: StatefulSetStatus;
  /**
   * Sync again without waiting for an event: after minReadySeconds while pods are not yet
   * all available (no event marks that moment), or with backoff when a claim blocked a pod.
   */
  requeue?: boolean;
}

/**
 * Decides one sync of `sts` given the pods it owns, its ControllerRevisions and the claims
 * in its namespace. Pods whose name is not `<sts>-<ordinal>` are ignored.
 */
export function planStatefulSet(
  sts: StatefulSet,
  pods: readonly Pod[],
  revisions: readonly ControllerRevision[],
  pvcs: readonly PersistentVolumeClaim[],
  now: Date,
): StatefulSetPlan {
  const rev = resolveRevisions(sts, revisions);
  const s: Sync = {
    sts,
    now,
    minReadySeconds: sts.spec.minReadySeconds ?? 0,
    monotonic: sts.spec.podManagementPolicy !== 'Parallel',
    claims: new Map(pvcs.map((c) => [c.metadata.name ?? '', c])),
    planned: new Set(),
    createPVCs: [],
    updatePVCs: new Map(),
    createPods: [],
    deletePods: [],
    requeue: false,
  };

  // Wanted ordinals by index (start 0, 3 replicas: web-0..web-2); the rest, highest first.
  const start = startOrdinal(sts);
  const replicas: (Pod | undefined)[] = new Array(replicasOf(sts)).fill(undefined);
  const condemned: Pod[] = [];
  for (const pod of pods) {
    const { parent, ordinal } = parentAndOrdinal(pod);
    if (parent !== sts.metadata.name || ordinal < 0) continue;
    if (inOrdinalRange(pod, sts)) replicas[ordinal - start] = pod;
    else condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const wanted = replicas.map((pod, i) => pod ?? planned(s, start + i, rev.current, rev.update));

  const unavailable = (p: Pod) => isUnavailable(p, s.minReadySeconds, now);
  const firstUnavailable = wanted.find(unavailable) ?? [...condemned].reverse().find(unavailable);

  let currentDeleted = 0;
  if (!sts.metadata.deletionTimestamp) {
    const stop =
      runForAll(s, wanted, (p) => processReplica(s, p)) ||
      runForAll(s, condemned, (p) => (fixClaimOwners(s, p), 'continue')) ||
      runForAll(s, condemned, (p) => processCondemned(s, p, firstUnavailable));
    if (!stop && (sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate')
      currentDeleted = rollingUpdate(s, wanted, rev.update.metadata.name ?? '');
  }

  const existing = [...wanted, ...condemned].filter((p) => !s.planned.has(p));
  const counted = countStatus(
    sts,
    existing,
    rev.current.metadata.name ?? '',
    rev.update.metadata.name ?? '',
    rev.collisionCount,
    now,
  );
  counted.currentReplicas = counted.currentReplicas! - currentDeleted;
  const status = completeRollingUpdate(sts, counted);
  const plan: StatefulSetPlan = {
    createPVCs: s.createPVCs,
    updatePVCs: [...s.updatePVCs.values()],
    createPods: s.createPods,
    deletePods: s.deletePods,
    deleteRevisions: truncateHistory(sts, existing, revisions, [rev.current, rev.update]),
    status,
  };
  if (rev.create) plan.createRevision = rev.create;
  if (rev.renumber) plan.updateRevision = rev.renumber;
  if (s.requeue || (s.minReadySeconds > 0 && status.availableReplicas !== replicasOf(sts)))
    plan.requeue = true;
  return plan;
}

// newVersionedStatefulSetPod: below the partition a missing pod comes back at the current
// revision (partition 2: web-0 and web-1 stay old even when recreated), else at the update
// revision. OnDelete always creates at the update revision.
function planned(s: Sync, ordinal: number, current: ControllerRevision, update: ControllerRevision): Pod {
  const strategy = s.sts.spec.updateStrategy;
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  const rolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const atCurrent = rolling && ordinal < startOrdinal(s.sts) + partition;
  const pod = newStatefulPod(s.sts, ordinal, atCurrent ? current : update);
  s.planned.add(pod);
  return pod;
}

/**
 * The update step: from the highest index down to the partition, delete the first pod not
 * at the update revision (it comes back updated on the next sync), but stop at any pod that
 * is still unavailable. 3 pods, partition 1, all old: delete web-2; once web-2 is back and
 * available, delete web-1; web-0 stays old. Returns how many current pods were deleted.
 */
function rollingUpdate(s: Sync, replicas: readonly Pod[], update: string): number {
  const partition = s.sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let i = replicas.length - 1; i >= partition; i--) {
    const pod = replicas[i]!;
    if (s.planned.has(pod)) return 0;
    if (podRevision(pod) !== update && !isTerminating(pod)) {
      s.deletePods.push(pod.metadata.name ?? '');
      return 1;
    }
    if (isUnavailable(pod, s.minReadySeconds, s.now)) return 0;
  }
  return 0;
}
