/**
 * The in-memory copy of every committed object, which serves all reads. Objects are
 * deep-frozen when they enter (see values.ts), so a list hands out the cached records
 * themselves: no copy per read.
 */
import { objectId, resourceId } from './keys.js';
import { ResourceIndex } from './resource-index.js';
import type { ListOptions, ListResult, StoredObject, StoreKey, StorePrefix } from './types.js';

/** All committed objects, indexed per resource. */
export class ObjectCache {
  private readonly resources = new Map<string, ResourceIndex>();

  get(key: StoreKey): StoredObject | undefined {
    return this.resources.get(resourceId(key.group, key.resource))?.get(objectId(key.namespace, key.name));
  }

  put(object: StoredObject): void {
    const id = resourceId(object.key.group, object.key.resource);
    let index = this.resources.get(id);
    if (!index) {
      index = new ResourceIndex();
      this.resources.set(id, index);
    }
    index.put(object);
  }

  remove(key: StoreKey): void {
    const id = resourceId(key.group, key.resource);
    const index = this.resources.get(id);
    if (!index) return;
    index.remove(objectId(key.namespace, key.name));
    if (index.size === 0) this.resources.delete(id);
  }

  count(prefix: StorePrefix): number {
    const index = this.resources.get(resourceId(prefix.group, prefix.resource));
    if (!index) return 0;
    const { start, end } = index.range(prefix.namespace);
    return end - start;
  }

  /** Objects under the prefix in key order, reported as of `revision`. */
  list(prefix: StorePrefix, options: ListOptions, revision: number): ListResult {
    const index = this.resources.get(resourceId(prefix.group, prefix.resource));
    if (!index) return { items: [], revision };
    if (options.labelEquals && options.labelEquals.length > 0) {
      const page = index.selectByLabels(
        options.labelEquals,
        prefix.namespace,
        options.continueAfter,
        options.limit ?? 0,
      );
      return { ...page, revision };
    }
    const range = index.range(prefix.namespace);
    let start = range.start;
    if (options.continueAfter !== undefined) start = Math.max(start, index.upperBound(options.continueAfter));
    const limit = options.limit ?? 0;
    const end = limit > 0 ? Math.min(range.end, start + limit) : range.end;
    const result: ListResult = { items: start < end ? index.slice(start, end) : [], revision };
    if (end < range.end) result.continueAfter = index.idAt(end - 1);
    return result;
  }
}
