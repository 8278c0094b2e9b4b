/**
 * Which live objects to delete: those this application applied (label and tracking id
 * both say so) that Git no longer has. Hooks are left to their delete policies, as in
 * Argo CD. Order: the reverse of creation order — higher waves first, then the reverse of
 * kind order (custom resources before their CRDs, workloads before their ConfigMaps,
 * Namespaces last), then reverse name.
 */
import { type KubeObject } from '../../core/index.js';
import { APP_LABEL, HOOK_ANNOTATION, TRACKING_ANNOTATION, trackingId } from '../annotations.js';
import { compareForCreation } from './kind-order.js';
import { pruneDisabled, readLiveWave } from './object-options.js';
import { keyOf, refOf } from './refs.js';
import type { PruneStep } from './types.js';

export interface PruneResult {
  prune: PruneStep[];
  prunePrevented: PruneStep[];
}

/**
 * Whether Capstan applied this live object for `app`. A copy (`kubectl get -o yaml | kubectl
 * apply` into another namespace, say) keeps the label and the annotation, but the annotation
 * then names the original: its id differs from the copy's own, and the copy is left alone.
 */
export function isTrackedBy(app: string, live: KubeObject): boolean {
  const meta = live.metadata;
  return (
    meta.labels?.[APP_LABEL] === app && meta.annotations?.[TRACKING_ANNOTATION] === trackingId(app, live)
  );
}

function compareForDeletion(a: PruneStep, b: PruneStep): number {
  return b.wave - a.wave || compareForCreation(b.ref, a.ref);
}

/** The prune list; `desiredKeys` are the identities Git has (hooks and skipped objects included). */
export function planPrune(
  app: string,
  live: readonly KubeObject[],
  desiredKeys: ReadonlySet<string>,
): PruneResult {
  const prune: PruneStep[] = [];
  const prunePrevented: PruneStep[] = [];
  const seen = new Set<string>();
  for (const obj of live) {
    if (!obj?.metadata?.name || !isTrackedBy(app, obj)) continue;
    if (obj.metadata.annotations?.[HOOK_ANNOTATION] !== undefined) continue;
    // Already being deleted: nothing left to do, and deleting it again would only fail.
    if (obj.metadata.deletionTimestamp) continue;
    const ref = refOf(obj);
    const key = keyOf(ref);
    // A list may return one object at two versions: it is still one deletion.
    if (desiredKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    const step: PruneStep = { ref, key, wave: readLiveWave(obj) };
    if (typeof obj.metadata.uid === 'string') step.uid = obj.metadata.uid;
    (pruneDisabled(obj) ? prunePrevented : prune).push(step);
  }
  prune.sort(compareForDeletion);
  prunePrevented.sort(compareForDeletion);
  return { prune, prunePrevented };
}
