/**
 * Rollback, the way `kubectl rollout undo` does it since apps/v1 dropped
 * `spec.rollbackTo`: entirely client-side (kubectl's polymorphichelpers/rollback.go). It
 * copies the chosen revision's pod template — minus `pod-template-hash` — and annotations
 * into the Deployment; the controller then sees a template matching that old ReplicaSet,
 * adopts it as the new one, re-numbers it max + 1 and rolls it out like any other update.
 * revisions [1, 2, 3], undo → revision 2's template; its ReplicaSet becomes revision 4.
 */
import { CapstanError } from '../../../core/index.js';
import { equalIgnoreHash, withoutHashLabel } from './util/replica-sets.js';
import { lastRevision, revisionOf, SKIPPED_ANNOTATIONS } from './revision.js';
import type { Deployment, ReplicaSet } from './types.js';

/**
 * The ReplicaSet of `toRevision`, or of the previous revision when 0 (the second-highest).
 * Throws `DEPLOYMENT_REVISION_NOT_FOUND` as kubectl fails: "unable to find specified revision
 * 7 in history", or "no rollout history found" when there is nothing to go back to.
 */
export function findRevision(rss: readonly ReplicaSet[], toRevision = 0): ReplicaSet {
  const wanted = toRevision === 0 ? lastRevision(rss) : toRevision;
  const rs = wanted === 0 ? undefined : rss.find((r) => revisionOf(r) === wanted);
  if (!rs) {
    const message =
      toRevision === 0
        ? 'no rollout history found for deployment'
        : `unable to find specified revision ${toRevision} in history`;
    throw new CapstanError('DEPLOYMENT_REVISION_NOT_FOUND', message, { toRevision });
  }
  return rs;
}

export interface Rollback {
  /** The Deployment to write; unchanged (same object) when `skipped`. */
  deployment: Deployment;
  /** Why nothing changed: the template already matches that revision. */
  skipped?: string;
}

/**
 * `d` rolled back to `rs`'s template. Annotations: the Deployment keeps its bookkeeping
 * ones (revision, last-applied-configuration, …) and takes every other annotation from the
 * ReplicaSet — so annotations added since that revision are dropped, as kubectl does.
 * Throws `DEPLOYMENT_PAUSED` for a paused Deployment, with kubectl's message.
 */
export function rollbackTo(d: Deployment, rs: ReplicaSet): Rollback {
  if (d.spec.paused)
    throw new CapstanError(
      'DEPLOYMENT_PAUSED',
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
      { deployment: d.metadata.name },
    );
  if (equalIgnoreHash(rs.spec.template, d.spec.template))
    return {
      deployment: d,
      skipped: `skipped rollback (current template already matches revision ${revisionOf(rs)})`,
    };
  const out = structuredClone(d);
  out.spec.template = withoutHashLabel(rs.spec.template);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {}))
    if (SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {}))
    if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  out.metadata.annotations = annotations;
  return { deployment: out };
}
