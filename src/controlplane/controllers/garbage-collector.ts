/**
 * Garbage collection by ownerReferences, as kube-controller-manager's garbage collector:
 * - Background: once every owner of an object is gone, the object is deleted;
 * - Foreground: an owner with the `foregroundDeletion` finalizer waits until its
 *   dependents are gone (they are deleted first), then loses the finalizer;
 * - Orphan: an owner with the `orphan` finalizer has its ownerReferences removed from
 *   its dependents, then loses the finalizer.
 * Dependents are indexed by owner uid, so a deletion only looks at its own dependents.
 */
import { isJsonObject, type JsonObject } from '../../core/index.js';
import type { Registry } from '../api/registry/registry.js';
import type { ResourceType } from '../api/types.js';

interface Ref {
  type: ResourceType;
  namespace: string | undefined;
  name: string;
}

const refKey = (r: Ref) => `${r.type.group}/${r.type.resource}/${r.namespace ?? ''}/${r.name}`;

function ownerUids(obj: JsonObject): string[] {
  const refs = (obj.metadata as JsonObject | undefined)?.ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.flatMap((r) => (isJsonObject(r) && typeof r.uid === 'string' ? [r.uid] : []));
}

export class GarbageCollector {
  /** owner uid → dependents */
  private readonly dependents = new Map<string, Map<string, Ref>>();
  /** objects that exist, by uid */
  private readonly live = new Map<string, Ref>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly registry: Registry) {
    for (const type of registry.resourceTypes()) {
      if (registry.types.versions(type.group, type.resource)[0] !== type) continue;
      for (const o of registry.store.list({ group: type.group, resource: type.resource }).items)
        this.track(type, undefined, o.value);
    }
    registry.onChange((type, before, after) => {
      this.track(type, before, after);
      this.enqueue(type, before, after);
    });
  }

  close(): void {
    this.closed = true;
  }

  /** Resolves when the work queued so far is done (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private track(type: ResourceType, before: JsonObject | undefined, after: JsonObject | undefined): void {
    const ref = (o: JsonObject): Ref => {
      const m = o.metadata as JsonObject;
      return {
        type,
        namespace: typeof m.namespace === 'string' ? m.namespace : undefined,
        name: String(m.name),
      };
    };
    if (before) {
      for (const uid of ownerUids(before)) this.dependents.get(uid)?.delete(refKey(ref(before)));
      const uid = (before.metadata as JsonObject).uid;
      if (!after && typeof uid === 'string') this.live.delete(uid);
    }
    if (after) {
      for (const uid of ownerUids(after)) {
        let m = this.dependents.get(uid);
        if (!m) this.dependents.set(uid, (m = new Map()));
        m.set(refKey(ref(after)), ref(after));
      }
      const uid = (after.metadata as JsonObject).uid;
      if (typeof uid === 'string') this.live.set(uid, ref(after));
    }
  }

  private enqueue(type: ResourceType, before: JsonObject | undefined, after: JsonObject | undefined): void {
    const subject = after ?? before;
    if (!subject) return;
    const uid = String((subject.metadata as JsonObject).uid);
    this.queue = this.queue.then(() => this.process(type, uid, after)).catch(() => undefined);
    if (after || !before) return;
    // a dependent went away: an owner waiting in foreground deletion may now finish
    for (const ownerUid of ownerUids(before)) {
      const owner = this.live.get(ownerUid);
      if (!owner) continue;
      this.queue = this.queue
        .then(() => {
          const found = this.get(owner);
          return found ? this.process(owner.type, ownerUid, found.value) : undefined;
        })
        .catch(() => undefined);
    }
  }

  private async process(type: ResourceType, uid: string, after: JsonObject | undefined): Promise<void> {
    if (this.closed) return;
    const deps = [...(this.dependents.get(uid)?.values() ?? [])];
    if (!after) {
      // the owner is gone: dependents with no live owner left go too
      for (const d of deps) await this.collectIfOrphaned(d, uid);
      return;
    }
    const meta = after.metadata as JsonObject;
    if (!meta.deletionTimestamp || !Array.isArray(meta.finalizers)) return;
    if (meta.finalizers.includes('orphan')) {
      for (const d of deps) await this.dropOwnerRef(d, uid);
      await this.removeFinalizer(type, after, 'orphan');
    } else if (meta.finalizers.includes('foregroundDeletion')) {
      const remaining = deps.filter((d) => this.get(d));
      for (const d of remaining) {
        await this.registry
          .delete(
            { group: d.type.group, version: d.type.version, resource: d.type.resource },
            d.namespace,
            d.name,
            {
              propagationPolicy: 'Foreground',
            },
          )
          .catch(() => undefined);
      }
      if (remaining.every((d) => !this.get(d))) await this.removeFinalizer(type, after, 'foregroundDeletion');
    }
  }

  private get(d: Ref) {
    return this.registry.store.get({
      group: d.type.group,
      resource: d.type.resource,
      namespace: d.namespace ?? '',
      name: d.name,
    });
  }

  private async collectIfOrphaned(d: Ref, deadOwner: string): Promise<void> {
    const found = this.get(d);
    if (!found) return;
    const owners = ownerUids(found.value);
    if (owners.some((u) => u !== deadOwner && this.live.has(u))) {
      await this.dropOwnerRef(d, deadOwner);
      return;
    }
    await this.registry
      .delete(
        { group: d.type.group, version: d.type.version, resource: d.type.resource },
        d.namespace,
        d.name,
        {
          propagationPolicy: 'Background',
        },
      )
      .catch(() => undefined);
  }

  private async dropOwnerRef(d: Ref, ownerUid: string): Promise<void> {
    const found = this.get(d);
    if (!found) return;
    const next = structuredClone(found.value);
    const meta = next.metadata as JsonObject;
    const refs = (meta.ownerReferences as JsonObject[]).filter((r) => r.uid !== ownerUid);
    if (refs.length > 0) meta.ownerReferences = refs;
    else delete meta.ownerReferences;
    await this.registry
      .writeUpdate(d.type, found, next, { fieldManager: 'garbage-collector' }, false)
      .catch(() => undefined);
  }

  private async removeFinalizer(type: ResourceType, obj: JsonObject, finalizer: string): Promise<void> {
    const meta = obj.metadata as JsonObject;
    const found = this.registry.store.get({
      group: type.group,
      resource: type.resource,
      namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
      name: String(meta.name),
    });
    if (!found) return;
    const next = structuredClone(found.value);
    const nm = next.metadata as JsonObject;
    nm.finalizers = ((nm.finalizers as string[]) ?? []).filter((f) => f !== finalizer);
    if ((nm.finalizers as string[]).length === 0) delete nm.finalizers;
    await this.registry.writeUpdate(type, found, next, { fieldManager: 'garbage-collector' }, false);
  }
}
