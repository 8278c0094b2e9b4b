/**
 * Scaling events: `spec.replicas` changed (or the Deployment is paused) while one or more
 * ReplicaSets run pods — sync.go's scale and isScalingEvent, deployment_util.go's
 * GetReplicaSetProportion. With one active ReplicaSet it simply gets the new size; with
 * several (mid-rollout), the change is shared in proportion to their sizes, so a rollout
 * that was 60% done stays about 60% done at the new size.
 */
import { desiredReplicas, isRollingUpdate, maxSurge } from './util/fenceposts.js';
import {
  activeReplicaSets,
  byCreationTimestamp,
  bySizeNewer,
  bySizeOlder,
  replicaCount,
  specReplicas,
} from './util/replica-sets.js';
import { changes, scaleOp } from './util/scale-op.js';
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  type Deployment,
  type ReplicaSet,
  type ScaleOp,
} from './types.js';

// strconv.Atoi on an annotation; undefined when absent or not an integer
function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * Whether some active ReplicaSet was sized for a different `spec.replicas` than the
 * Deployment has now (its `desired-replicas` annotation disagrees) — then the controller
 * scales instead of rolling out.
 */
export function isScalingEvent(d: Deployment, allRSs: readonly ReplicaSet[]): boolean {
  const replicas = desiredReplicas(d);
  return activeReplicaSets(allRSs).some((rs) => {
    const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired !== undefined && desired !== replicas;
  });
}

/**
 * The only active ReplicaSet, or — none being active — the newest one (the new RS if any);
 * undefined when several are active (FindActiveOrLatest).
 */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): ReplicaSet | undefined {
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet holds all `replicas`, all available, and was sized for them (IsSaturated). */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const replicas = desiredReplicas(d);
  return (
    intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION) === replicas &&
    specReplicas(rs) === replicas &&
    (rs.status?.availableReplicas ?? 0) === replicas
  );
}

/**
 * The scale operations for a scaling event (sync.go's scale). Worked example: 10 replicas,
 * maxSurge 3, maxUnavailable 2, mid-rollout with old RS 8 and new RS 5, both annotated
 * max-replicas 13. Scaled to 15: allowed 15 + 3 = 18 pods, 18 − 13 = 5 to add (the
 * same split as the Kubernetes docs' "proportional scaling" example). Largest first: old gets round(8 × 18 / 13) − 8 = 3, new gets
 * round(5 × 18 / 13) − 5 = 2; leftovers (rounding) go to the largest. Result 11 + 7.
 */
export function planScale(
  d: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): ScaleOp[] {
  const replicas = desiredReplicas(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) return specReplicas(only) === replicas ? [] : [scaleOp(d, only, replicas)];

  // the new ReplicaSet already carries everything (e.g. it adopted an old one): old ones go
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => scaleOp(d, rs, 0));

  // Recreate never has several active ReplicaSets on purpose; it waits for the rollout instead
  if (!isRollingUpdate(d)) return [];

  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  // Ties: growing favours newer ReplicaSets, shrinking hits older ones first.
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);

  let added = 0;
  const sizes = all.map((rs) => {
    const p = toAdd === 0 ? 0 : proportion(rs, d, toAdd, added);
    added += p;
    return specReplicas(rs) + p;
  });
  if (toAdd !== 0 && sizes.length) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return all.map((rs, i) => scaleOp(d, rs, sizes[i]!)).filter((op, i) => changes(op, all[i]!));
}

/**
 * This ReplicaSet's share of `toAdd`, capped by what is still unassigned — growing takes
 * min(share, left), shrinking max(share, left), so the total never overshoots.
 */
function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const share = fraction(rs, d);
  const left = toAdd - added;
  return toAdd > 0 ? Math.min(share, left) : Math.max(share, left);
}

// rs size × (new max pods) / (max pods when it was last sized), minus its size; sizing to
// 0 removes everything. Without a usable max-replicas annotation the Deployment's current
// pod count stands in (inaccurate, but the min/max above keep the total right).
function fraction(rs: ReplicaSet, d: Deployment): number {
  const size = specReplicas(rs);
  const replicas = desiredReplicas(d);
  if (replicas === 0) return -size;
  const maxNow = replicas + maxSurge(d);
  let before = intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
  if (!before) {
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  return Math.round((size * maxNow) / before) - size;
}
