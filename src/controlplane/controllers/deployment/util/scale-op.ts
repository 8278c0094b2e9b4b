/** Building ScaleOps, as the Deployment controller's scaleReplicaSet records them. */
import { replicasAnnotations } from '../revision.js';
import type { Deployment, ReplicaSet, ScaleOp } from '../types.js';
import { specReplicas } from './replica-sets.js';

/** `rs` to `replicas`, with the Deployment's current replicas annotations and the event text. */
export function scaleOp(d: Deployment, rs: ReplicaSet, replicas: number): ScaleOp {
  const from = specReplicas(rs);
  const op: ScaleOp = { name: rs.metadata.name ?? '', from, replicas, annotations: replicasAnnotations(d) };
  if (from !== replicas)
    op.event = `Scaled ${from < replicas ? 'up' : 'down'} replica set ${op.name} from ${from} to ${replicas}`;
  return op;
}

/** Whether applying `op` changes anything on `rs` (size or annotations). */
export function changes(op: ScaleOp, rs: ReplicaSet): boolean {
  if (op.replicas !== specReplicas(rs)) return true;
  const ann = rs.metadata.annotations ?? {};
  return Object.entries(op.annotations).some(([k, v]) => ann[k] !== v);
}

/**
 * ReplicaSets with `status.availableReplicas` taken from `available` (by name) where given —
 * for callers that count pods themselves instead of trusting the last ReplicaSet status.
 */
export function withAvailability(
  rss: readonly ReplicaSet[],
  available: Readonly<Record<string, number>> | undefined,
): ReplicaSet[] {
  if (!available) return [...rss];
  return rss.map((rs) => {
    const n = available[rs.metadata.name ?? ''];
    if (n === undefined) return rs;
    return { ...rs, status: { replicas: rs.status?.replicas ?? 0, ...rs.status, availableReplicas: n } };
  });
}
