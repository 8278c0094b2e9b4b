/** How many pods a ReplicaSet must create or delete — replica_set.go's manageReplicas. */
import { isPodActive } from '../util/pods.js';
import type { Pod, ReplicaSet } from '../types.js';
import { podsToDelete } from './pods-to-delete.js';

/**
 * Most pods created or deleted in one sync (kube-controller-manager's BurstReplicas), so a
 * ReplicaSet scaled to 10 000 does not flood the API server in one go.
 */
export const BURST_REPLICAS = 500;

export interface ReplicaSetPlan {
  /** pods to create from the template (newPodFor) */
  create: number;
  /** names of pods to delete, least valuable first (see pods-to-delete.ts) */
  delete: string[];
}

export interface PlanReplicaSetOptions {
  /** pods of all ReplicaSets of the same owner, to rank colocation; default `pods` */
  related?: readonly Pod[];
  /** enables logarithmic age buckets when ranking deletions */
  now?: Date;
}

/**
 * Creates or deletes toward `spec.replicas`, counting active pods only (finished and
 * terminating pods are already on their way out). 3 wanted, 5 active → delete 2; 3 wanted,
 * 1 active and 1 terminating → create 2.
 */
export function planReplicaSet(
  rs: ReplicaSet,
  pods: readonly Pod[],
  options: PlanReplicaSetOptions = {},
): ReplicaSetPlan {
  const active = pods.filter(isPodActive);
  const diff = active.length - (rs.spec.replicas ?? 1);
  if (diff < 0) return { create: Math.min(-diff, BURST_REPLICAS), delete: [] };
  if (diff === 0) return { create: 0, delete: [] };
  const victims = podsToDelete(
    active,
    Math.min(diff, BURST_REPLICAS),
    options.related ?? active,
    options.now,
  );
  return { create: 0, delete: victims.map((p) => p.metadata.name ?? '') };
}
