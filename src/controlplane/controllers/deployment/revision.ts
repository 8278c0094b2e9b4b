/**
 * Revisions: each ReplicaSet a Deployment has rolled out carries
 * `deployment.kubernetes.io/revision`; the new one is always max(old) + 1, and the
 * Deployment mirrors its new ReplicaSet's number. Rolling back to revision 2 of [1, 2, 3]
 * makes that ReplicaSet revision 4 and records "2" in its `revision-history`.
 * After sync.go's getNewReplicaSet and deployment_util.go's SetNewReplicaSetAnnotations.
 */
import { maxSurge, desiredReplicas } from './util/fenceposts.js';
import { getCondition, newCondition, setCondition } from './util/conditions.js';
import { hasProgressDeadline } from './util/deadline.js';
import {
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  LAST_APPLIED_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  Reasons,
  type Deployment,
  type ReplicaSet,
} from './types.js';

/** kube-controller-manager's cap on `revision-history` (maxRevHistoryLengthInChars). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/**
 * The revision of a Deployment or ReplicaSet: 0 without the annotation, undefined when it is
 * not an integer (Kubernetes skips such ReplicaSets when looking for the maximum).
 */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/** The highest revision among `rss` (0 if none) — MaxRevision. */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs) ?? 0), 0);
}

/** The second-highest revision: what `kubectl rollout undo` goes back to — LastRevision. */
export function lastRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (v >= max) [second, max] = [max, v];
    else if (v > second) second = v;
  }
  return second;
}

/** Annotations never copied between a Deployment and its ReplicaSets (annotationsToSkip). */
export const SKIPPED_ANNOTATIONS: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

/** The desired/max-replicas annotations for `d` now: 10 replicas, surge 3 → "10", "13". */
export function replicasAnnotations(d: Deployment): Record<string, string> {
  const replicas = desiredReplicas(d);
  return {
    [DESIRED_REPLICAS_ANNOTATION]: String(replicas),
    [MAX_REPLICAS_ANNOTATION]: String(replicas + maxSurge(d)),
  };
}

/**
 * Brings `rs`'s annotations up to date in place (SetNewReplicaSetAnnotations): the
 * Deployment's own annotations, a revision of at least `newRevision`, the old revision
 * appended to `revision-history` when it moves (a rollback), and — for a ReplicaSet being
 * created — the replicas annotations. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: number,
  exists: boolean,
): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  const had = ann[REVISION_ANNOTATION];
  const old = had === undefined || had === '' ? 0 : /^[+-]?\d+$/.test(had) ? Number(had) : undefined;
  if (old === undefined) return false; // Kubernetes gives up on a garbled revision
  if (old < newRevision) {
    ann[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (had !== undefined) appendRevisionHistory(ann, had);
  }
  if (!exists) {
    for (const [k, v] of Object.entries(replicasAnnotations(d))) {
      if (ann[k] === v) continue;
      ann[k] = v;
      changed = true;
    }
  }
  return changed;
}

// "1,3" + "4" → "1,3,4"; when longer than the cap, the oldest entries go first.
function appendRevisionHistory(ann: Record<string, string>, oldRevision: string): void {
  const history = ann[REVISION_HISTORY_ANNOTATION] ?? '';
  if (!history) {
    ann[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  const entries = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > MAX_REVISION_HISTORY_CHARS && start < entries.length) total -= entries[start++]!.length + 1;
  if (total <= MAX_REVISION_HISTORY_CHARS)
    ann[REVISION_HISTORY_ANNOTATION] = [...entries.slice(start), oldRevision].join(',');
}

/**
 * The update an existing new ReplicaSet needs before the rollout continues: revision
 * max(old) + 1 (a rollback re-numbers an old ReplicaSet), the Deployment's annotations, and
 * its minReadySeconds. Returns the updated copy, or undefined when nothing changed.
 */
export function syncNewReplicaSet(
  d: Deployment,
  newRS: ReplicaSet,
  oldRSs: readonly ReplicaSet[],
): ReplicaSet | undefined {
  const copy = structuredClone(newRS);
  const changed = setNewReplicaSetAnnotations(d, copy, maxRevision(oldRSs) + 1, true);
  const minReady = d.spec.minReadySeconds ?? 0;
  if (!changed && (copy.spec.minReadySeconds ?? 0) === minReady) return undefined;
  copy.spec.minReadySeconds = minReady;
  return copy;
}

/**
 * The Deployment after it learned of its new ReplicaSet: the revision annotation copied from
 * it and, with a progress deadline, a Progressing condition — `NewReplicaSetCreated`
 * (`Created new replica set "web-5d4f8c7b9"`) when we just created it, `FoundNewReplicaSet`
 * when it already existed and nothing was tracking progress yet. The deadline is measured
 * from this condition's lastUpdateTime, so a fresh rollout starts a fresh clock.
 */
export function recordNewReplicaSet(
  d: Deployment,
  newRS: ReplicaSet,
  created: boolean,
  now: Date,
): Deployment {
  const out = structuredClone(d);
  const revision = newRS.metadata.annotations?.[REVISION_ANNOTATION];
  if (revision !== undefined) (out.metadata.annotations ??= {})[REVISION_ANNOTATION] = revision;
  if (!hasProgressDeadline(d)) return out;
  const status = (out.status ??= {});
  const name = newRS.metadata.name ?? '';
  if (created) {
    const c = newCondition(
      'Progressing',
      'True',
      Reasons.NewReplicaSetCreated,
      `Created new replica set "${name}"`,
      now,
    );
    status.conditions = setCondition(status.conditions, c);
  } else if (!getCondition(status.conditions, 'Progressing')) {
    const c = newCondition(
      'Progressing',
      'True',
      Reasons.FoundNewReplicaSet,
      `Found new replica set "${name}"`,
      now,
    );
    status.conditions = setCondition(status.conditions, c);
  }
  return out;
}
