/**
 * One resource's objects by label: for each (label key, label value), the ids of the
 * objects carrying it, in `namespace/name` order. A list with `k=v` in its selector then
 * visits only those objects instead of every object of the resource, and a namespace or
 * a `continue` position is a bisection in the same order as the resource's own index.
 */
import type { JsonObject } from '../../core/index.js';
import { lowerBound } from './sorted-ids.js';

type Labels = Readonly<Record<string, unknown>>;

/** The object's `metadata.labels`, or none. */
export function labelsOf(value: JsonObject): Labels {
  const labels = (value.metadata as { labels?: unknown } | undefined)?.labels;
  return typeof labels === 'object' && labels !== null && !Array.isArray(labels) ? (labels as Labels) : {};
}

/** Label values are strings; anything else is indexed as selectors read it (`String(v)`). */
const text = (v: unknown) => String(v);

export class LabelIndex {
  /** label key → label value → ids, ascending */
  private readonly postings = new Map<string, Map<string, string[]>>();

  /** Moves `id` from the entries of `before` to those of `after` (either may be empty). */
  change(id: string, before: Labels, after: Labels): void {
    for (const key of Object.keys(before)) {
      if (Object.hasOwn(after, key) && text(after[key]) === text(before[key])) continue;
      this.remove(key, text(before[key]), id);
    }
    for (const key of Object.keys(after)) {
      if (Object.hasOwn(before, key) && text(before[key]) === text(after[key])) continue;
      this.add(key, text(after[key]), id);
    }
  }

  /** The ids of the objects labelled `key=value`, ascending; do not change the array. */
  ids(key: string, value: string): readonly string[] {
    return this.postings.get(key)?.get(value) ?? [];
  }

  private add(key: string, value: string, id: string): void {
    let values = this.postings.get(key);
    if (!values) {
      values = new Map();
      this.postings.set(key, values);
    }
    const ids = values.get(value);
    if (!ids) values.set(value, [id]);
    else ids.splice(lowerBound(ids, id), 0, id);
  }

  private remove(key: string, value: string, id: string): void {
    const values = this.postings.get(key);
    const ids = values?.get(value);
    if (!values || !ids) return;
    const at = lowerBound(ids, id);
    if (ids[at] !== id) return;
    ids.splice(at, 1);
    if (ids.length > 0) return;
    // no empty entries: relabelled objects must not leave one per value they ever had
    values.delete(value);
    if (values.size === 0) this.postings.delete(key);
  }
}
