/**
 * CustomResourceDefinitions become servable: a new or changed CRD gets the
 * NamesAccepted and Established conditions and its acceptedNames (then the registry
 * serves its kind); a CRD being deleted first has all its custom resources deleted,
 * then loses the `customresourcecleanup.apiextensions.k8s.io` finalizer.
 */
import { isDeepStrictEqual } from 'node:util';
import { isJsonObject, type JsonObject } from '../../core/index.js';
import { timestamp } from '../api/registry/object-meta.js';
import type { Registry } from '../api/registry/registry.js';

const CLEANUP = 'customresourcecleanup.apiextensions.k8s.io';
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };

export class CrdController {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly registry: Registry) {
    registry.onChange((type, _before, after) => {
      if (type.group === CRDS.group && type.resource === CRDS.resource && after) {
        const name = String((after.metadata as JsonObject).name);
        this.queue = this.queue.then(() => this.sync(name)).catch(() => undefined);
      }
    });
  }

  /** Brings every stored CRD up to date (at start). */
  start(): void {
    for (const o of this.registry.store.list({ group: CRDS.group, resource: CRDS.resource }).items) {
      const name = String((o.value.metadata as JsonObject).name);
      this.queue = this.queue.then(() => this.sync(name)).catch(() => undefined);
    }
  }

  idle(): Promise<void> {
    return this.queue;
  }

  private async sync(name: string): Promise<void> {
    const found = this.registry.store.get({
      group: CRDS.group,
      resource: CRDS.resource,
      namespace: '',
      name,
    });
    if (!found) return;
    const crd = found.value;
    const meta = crd.metadata as JsonObject;
    const type = this.registry.lookup(CRDS)!;
    if (meta.deletionTimestamp) {
      await this.cleanUp(crd);
      const next = structuredClone(crd);
      const nm = next.metadata as JsonObject;
      nm.finalizers = ((nm.finalizers as string[]) ?? []).filter((f) => f !== CLEANUP);
      await this.registry.writeUpdate(type, found, next, { fieldManager: 'apiextensions-controller' }, false);
      return;
    }
    const next = structuredClone(crd);
    const nm = next.metadata as JsonObject;
    const finalizers = Array.isArray(nm.finalizers) ? (nm.finalizers as string[]) : [];
    if (!finalizers.includes(CLEANUP)) nm.finalizers = [...finalizers, CLEANUP];
    const spec = crd.spec as JsonObject;
    const status = (isJsonObject(next.status) ? next.status : (next.status = {})) as JsonObject;
    status.acceptedNames = structuredClone(spec.names ?? {});
    status.storedVersions = ((spec.versions as JsonObject[]) ?? [])
      .filter((v) => v.storage)
      .map((v) => v.name as string);
    const now = timestamp(this.registry.now());
    const old = (Array.isArray(status.conditions) ? status.conditions : []) as JsonObject[];
    const cond = (t: string, reason: string, message: string): JsonObject => {
      const prev = old.find((c) => c.type === t);
      return {
        type: t,
        status: 'True',
        reason,
        message,
        lastTransitionTime: prev?.status === 'True' ? (prev.lastTransitionTime as string) : now,
      };
    };
    status.conditions = [
      cond('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ];
    if (isDeepStrictEqual(next, crd)) return;
    await this.registry.writeUpdate(
      type,
      found,
      next,
      { fieldManager: 'apiextensions-controller' },
      false,
      true,
    );
  }

  private async cleanUp(crd: JsonObject): Promise<void> {
    const spec = crd.spec as { group: string; names: { plural: string }; versions: Array<{ name: string }> };
    const version = spec.versions?.[0]?.name;
    if (!version) return;
    const gvr = { group: spec.group, version, resource: spec.names.plural };
    if (!this.registry.lookup(gvr)) return;
    for (const o of this.registry.store.list({ group: spec.group, resource: spec.names.plural }).items) {
      const m = o.value.metadata as JsonObject;
      await this.registry
        .delete(gvr, typeof m.namespace === 'string' ? m.namespace : undefined, String(m.name), {})
        .catch(() => undefined);
    }
  }
}
