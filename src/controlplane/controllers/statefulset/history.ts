/**
 * Which revisions are current and updated, and which old ones to delete —
 * stateful_set_control.go's getStatefulSetRevisions and truncateHistory.
 */
import type { Pod } from '../deployment/index.js';
import { podRevision } from './identity.js';
import { equalRevision, revisionOf, sortRevisions } from './revision.js';
import type { ControllerRevision, StatefulSet } from './types.js';

export interface ResolvedRevisions {
  /** the revision pods below the partition stay at (status.currentRevision, else `update`) */
  current: ControllerRevision;
  /** the revision of the set's template now */
  update: ControllerRevision;
  /** status.collisionCount after any name collision */
  collisionCount: number;
  /** a new revision to create */
  create?: ControllerRevision;
  /** an older equal revision renumbered to the newest (a rollback) to write back */
  renumber?: ControllerRevision;
}

/**
 * Finds or makes the update revision:
 * - the newest revision already records this template → it is the update revision;
 * - an older one does (the template was rolled back) → that one, renumbered to max + 1;
 * - none does → a new one numbered max + 1; if its name is taken by a different template,
 *   collisionCount goes up until the name is free.
 * Revisions 1 (A), 2 (B), template back to A → revision 1 becomes 3, nothing is created.
 */
export function resolveRevisions(
  sts: StatefulSet,
  revisions: readonly ControllerRevision[],
): ResolvedRevisions {
  const sorted = sortRevisions(revisions);
  const next = (sorted[sorted.length - 1]?.revision ?? 0) + 1;
  let collisionCount = sts.status?.collisionCount ?? 0;
  const candidate = revisionOf(sts, collisionCount, next);
  const equal = sorted.filter((r) => equalRevision(r, candidate));
  const out: Partial<ResolvedRevisions> = {};
  const lastEqual = equal[equal.length - 1];
  if (lastEqual && lastEqual === sorted[sorted.length - 1]) {
    out.update = lastEqual;
  } else if (lastEqual) {
    out.update = out.renumber = { ...lastEqual, revision: next };
  } else {
    let made = candidate;
    while (sorted.some((r) => r.metadata.name === made.metadata.name)) {
      collisionCount++;
      made = revisionOf(sts, collisionCount, next);
    }
    out.update = out.create = made;
  }
  out.current = sorted.find((r) => r.metadata.name === sts.status?.currentRevision) ?? out.update;
  out.collisionCount = collisionCount;
  return out as ResolvedRevisions;
}

/**
 * Names of revisions to delete so at most `revisionHistoryLimit` (default 10) non-live ones
 * remain, oldest first. Live: the current and update revisions and any revision a pod runs.
 * Limit 1, revisions 1..4, update 4, a pod still at 3 → history [1, 2] → delete 1.
 */
export function truncateHistory(
  sts: StatefulSet,
  pods: readonly Pod[],
  revisions: readonly ControllerRevision[],
  live: readonly ControllerRevision[],
): string[] {
  const alive = new Set<string>(live.map((r) => r.metadata.name ?? ''));
  for (const p of pods) alive.add(podRevision(p));
  const history = sortRevisions(revisions).filter((r) => !alive.has(r.metadata.name ?? ''));
  const limit = sts.spec.revisionHistoryLimit ?? 10;
  if (limit < 0 || history.length <= limit) return [];
  return history.slice(0, history.length - limit).map((r) => r.metadata.name ?? '');
}
