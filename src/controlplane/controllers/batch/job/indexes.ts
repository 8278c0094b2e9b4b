/**
 * Indexed Jobs (indexed_job_utils.go): each pod carries a completion index in
 * [0, completions); the Job is done when every index has a succeeded pod. Succeeded indexes
 * are recorded compressed in `status.completedIndexes`: {0,1,2,4,5,7} → `0-2,4,5,7`
 * (a run of two is written `4,5`, as Kubernetes does).
 */
import { podsToDelete } from '../../deployment/index.js';
import { completionIndexOf } from './pods.js';
import type { Pod } from '../types.js';

/**
 * Parses `completedIndexes`, dropping anything at or beyond `completions` and anything
 * unreadable: `"0-2,4,9-12"` with completions 10 → {0,1,2,4,9}.
 */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  if (!text) return out;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return out;
}

/** The compressed form of a set of indexes: {1,2,3,5,6,9} → `1-3,5,6,9`; {} → ``. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const [first, last] = [sorted[i]!, sorted[j]!];
    parts.push(last === first ? `${first}` : last === first + 1 ? `${first},${last}` : `${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The lowest `count` indexes below `completions` that are neither succeeded nor held by a
 * pod in `busy` (active pods, plus terminating ones under podReplacementPolicy Failed):
 * completions 5, succeeded {0}, active on 2 → count 2 gives [1, 3].
 */
export function firstPendingIndexes(
  count: number,
  completions: number,
  succeeded: ReadonlySet<number>,
  busy: readonly Pod[],
): number[] {
  const taken = new Set(succeeded);
  for (const p of busy) {
    const ix = completionIndexOf(p);
    if (ix !== undefined) taken.add(ix);
  }
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!taken.has(i)) out.push(i);
  return out;
}

/**
 * Active pods that must go whatever the counts say (appendDuplicatedIndexPodsForRemoval):
 * those without a valid index, with an index at or beyond `completions`, and all but one
 * pod per repeated index — the one kept is the most valuable (running, ready, oldest).
 */
export function invalidIndexPods(
  active: readonly Pod[],
  completions: number,
): { remove: Pod[]; keep: Pod[] } {
  const byIndex = new Map<number, Pod[]>();
  const remove: Pod[] = [];
  for (const p of active) {
    const ix = completionIndexOf(p);
    if (ix === undefined || ix >= completions) remove.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  const keep: Pod[] = [];
  for (const [, pods] of [...byIndex].sort(([a], [b]) => a - b)) {
    const drop = podsToDelete(pods, pods.length - 1, []);
    remove.push(...drop);
    keep.push(...pods.filter((p) => !drop.includes(p)));
  }
  return { remove, keep };
}
