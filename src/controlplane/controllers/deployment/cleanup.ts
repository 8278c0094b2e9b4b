/**
 * Revision history: a Deployment keeps `revisionHistoryLimit` (default 10) old ReplicaSets
 * for rollbacks and deletes the rest, oldest revision first — sync.go's cleanupDeployment.
 * limit 2, old revisions 1..5 all at 0 replicas → delete revisions 1, 2, 3.
 * Kubernetes runs this only once a rollout is complete (or while paused).
 */
import { revisionHistoryLimit } from './util/deadline.js';
import { byCreationTimestamp, specReplicas } from './util/replica-sets.js';
import { revisionOf } from './revision.js';
import type { Deployment, ReplicaSet } from './types.js';

/**
 * Names of old ReplicaSets to delete. Only the `count − limit` oldest are candidates, and a
 * candidate still holding pods (spec or status), not yet observed by its controller, or
 * already being deleted is skipped — not replaced by a newer one, exactly as Kubernetes:
 * limit 1, old revisions 1 (3 replicas) and 2 (0) → nothing is deleted this time.
 */
export function cleanupPlan(d: Deployment, oldRSs: readonly ReplicaSet[]): string[] {
  const limit = revisionHistoryLimit(d);
  if (limit === undefined) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return [];
  const byRevision = [...alive].sort((a, b) => {
    const [ra, rb] = [revisionOf(a), revisionOf(b)];
    // an unreadable revision falls back to age, as ReplicaSetsByRevision
    return ra === undefined || rb === undefined || ra === rb ? byCreationTimestamp(a, b) : ra - rb;
  });
  return byRevision
    .slice(0, excess)
    .filter(
      (rs) =>
        (rs.status?.replicas ?? 0) === 0 &&
        specReplicas(rs) === 0 &&
        (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0),
    )
    .map((rs) => rs.metadata.name ?? '');
}
