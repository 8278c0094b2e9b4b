/**
 * What a sync would do, without doing it: per object, create / update / prune / unchanged,
 * with a readable unified YAML diff (coloured on request) and an RFC 6902 JSON patch, both
 * with Secret values masked. The same plan and comparison as the sync itself.
 */
import type { KubeObject } from '../core/index.js';
import { jsonPatch, unifiedDiff, type IgnoreDifference } from '../diff/index.js';
import { planAgainstLive, type SyncOptions } from './engine.js';

/**
 * Objects diffed between two turns of the event loop. Diffing 8,192 changed ConfigMaps
 * takes about a second of CPU; in slices of 64 (~10 ms) the daemon's APIs keep answering.
 */
const DIFFS_PER_TURN = 64;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ObjectPreview {
  /** `group/kind/namespace/name` */
  object: string;
  action: 'create' | 'update' | 'prune' | 'unchanged';
  /** '' when unchanged */
  diff: string;
  patch: ReturnType<typeof jsonPatch>;
}

export async function previewSync(
  app: string,
  desired: KubeObject[],
  options: Pick<SyncOptions, 'cluster' | 'previousKinds' | 'defaultNamespace'> & {
    ignoreDifferences?: readonly IgnoreDifference[];
    color?: boolean;
  },
): Promise<ObjectPreview[]> {
  const { plan, liveByKey } = await planAgainstLive(app, desired, options);
  const diffOptions = { ignoreDifferences: options.ignoreDifferences };
  const out: ObjectPreview[] = [];
  let diffed = 0;
  for (const phase of plan.phases) {
    for (const wave of phase.waves) {
      for (const step of wave.steps) {
        if (step.hook) continue;
        if (++diffed % DIFFS_PER_TURN === 0) await nextTurn();
        const want = plan.prepared[step.index];
        const live = liveByKey.get(step.key);
        const diff = unifiedDiff(want, live, { ...diffOptions, color: options.color });
        out.push({
          object: step.key,
          action: !live ? 'create' : diff ? 'update' : 'unchanged',
          diff,
          patch: diff ? jsonPatch(live, want, diffOptions) : [],
        });
      }
    }
  }
  for (const step of plan.prune) {
    if (++diffed % DIFFS_PER_TURN === 0) await nextTurn();
    const live = liveByKey.get(step.key);
    out.push({
      object: step.key,
      action: 'prune',
      diff: unifiedDiff(undefined, live, { ...diffOptions, color: options.color }),
      patch: [{ op: 'remove', path: '' }],
    });
  }
  return out;
}
