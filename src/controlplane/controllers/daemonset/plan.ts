/**
 * One DaemonSet sync as daemon_controller.go's syncDaemonSet strings it together — pure:
 * the caller creates and deletes pods, writes the status and requeues on the next node or
 * pod change.
 *
 *   deleting        → nothing; the status stays as it is, as in Kubernetes
 *   placement       → a pod for every fitting node without one, delete misplaced, failed
 *                     and surplus pods (manage.ts)
 *   RollingUpdate   → only if placement had nothing to do: replace old pods within
 *                     maxUnavailable / maxSurge (rolling.ts); OnDelete: nothing
 *   status          → counts over the pods as given (status.ts)
 * Creations and deletions are each capped at BURST_REPLICAS (250) per sync.
 */
import type { JsonObject } from '../../../core/index.js';
import type { Pod } from '../deployment/index.js';
import { manage, podsByNode } from './manage.js';
import { daemonSetHash, newDaemonPod } from './new-pod.js';
import { rollingUpdate } from './rolling.js';
import { daemonSetStatus } from './status.js';
import { BURST_REPLICAS, type DaemonSet, type DaemonSetStatus } from './types.js';

export interface DaemonSetPlan {
  /** pods to create, each pinned to its node by required node affinity */
  create: Array<{ node: string; pod: Pod }>;
  /** pod names to delete */
  delete: string[];
  /** the next status; write it if it differs (the current one while the set is being deleted) */
  status: DaemonSetStatus;
  /** the template hash new pods carry as `controller-revision-hash` */
  hash: string;
  /** sync again after minReadySeconds: some ready pods are not yet available */
  requeue?: boolean;
}

/**
 * Decides one sync of `ds` over all nodes and the pods it owns. `now` decides availability
 * (minReadySeconds).
 */
export function planDaemonSet(
  ds: DaemonSet,
  nodes: readonly JsonObject[],
  pods: readonly Pod[],
  now: Date,
): DaemonSetPlan {
  const hash = daemonSetHash(ds);
  const byNode = podsByNode(pods);
  const plan: DaemonSetPlan = {
    create: [],
    delete: [],
    hash,
    status: daemonSetStatus(ds, nodes, byNode, hash, now),
  };
  if (ds.metadata.deletionTimestamp) return { ...plan, status: ds.status ?? plan.status };

  let step = manage(ds, nodes, byNode, hash, now);
  const rolling = (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && step.create.length === 0 && step.delete.length === 0)
    step = rollingUpdate(ds, nodes, byNode, hash, now);

  plan.create = [...new Set(step.create)]
    .slice(0, BURST_REPLICAS)
    .map((node) => ({ node, pod: newDaemonPod(ds, node, hash) }));
  plan.delete = [...new Set(step.delete)].slice(0, BURST_REPLICAS);
  const min = ds.spec.minReadySeconds ?? 0;
  if (min > 0 && plan.status.numberReady !== plan.status.numberAvailable) plan.requeue = true;
  return plan;
}
