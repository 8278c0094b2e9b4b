/**
 * DELETE as kube-apiserver does it: preconditions, finalizers (an object with
 * finalizers only gets a deletionTimestamp until they are removed), propagation policy
 * (Foreground and Orphan become finalizers the garbage collector acts on), graceful
 * deletion of pods bound to a node, and the namespace's own spec.finalizers.
 */
import { isJsonObject, type JsonObject } from '../../../core/index.js';
import { ApiError, conflict, notFound } from '../errors.js';
import type { DeleteOptions, ListOptions, ResourceType } from '../types.js';
import { copy, keyOf } from './convert.js';
import { metaOf, timestamp } from './object-meta.js';
import type { Store } from '../../store/types.js';
import { apiVersionOf } from './type-registry.js';

/** What deletion needs of the registry (an interface, so the two files do not import each other). */
export interface DeleteHooks {
  registry: {
    store: Store;
    now(): Date;
    list(
      gvr: { group: string; version: string; resource: string },
      namespace: string | undefined,
      options: ListOptions,
    ): JsonObject;
    hasSpecFinalizers(type: ResourceType, obj: JsonObject): boolean;
    storeError(e: unknown, type: ResourceType, name: string): Error;
    committed(type: ResourceType, before: JsonObject | undefined, after: JsonObject | undefined): void;
  };
}

function successStatus(type: ResourceType, name: string, uid: unknown): JsonObject {
  const details: JsonObject = { name, kind: type.resource };
  if (type.group) details.group = type.group;
  if (typeof uid === 'string') details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** Pods bound to a node are deleted gracefully: the kubelet confirms with a zero grace period. */
function gracePeriod(type: ResourceType, obj: JsonObject, options: DeleteOptions): number {
  if (type.group !== '' || type.resource !== 'pods') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  if (!spec.nodeName) return 0;
  const grace = options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, grace);
}

/**
 * Deletes one object. Like kube-apiserver's delete, a write that lands between the read and
 * this delete (a controller's status write) makes it read again and retry, unless the
 * caller pinned a resourceVersion: a precondition must fail, a race should not.
 */
export async function deleteObject(
  hooks: DeleteHooks,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions,
): Promise<JsonObject> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deleteOnce(hooks, type, namespace, name, options);
    } catch (e) {
      const raced =
        e instanceof ApiError && e.reason === 'Conflict' && !options.preconditions?.resourceVersion;
      if (raced && attempt < 5) continue;
      throw e;
    }
  }
}

async function deleteOnce(
  hooks: DeleteHooks,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions,
): Promise<JsonObject> {
  const reg = hooks.registry;
  const old = reg.store.get(keyOf(type, namespace, name));
  if (!old) throw notFound(type.group, type.resource, name);
  const oldMeta = metaOf(old.value);
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== oldMeta.uid) {
    throw conflict(
      type.group,
      type.resource,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(oldMeta.uid)}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== String(old.revision)) {
    throw conflict(
      type.group,
      type.resource,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.revision}`,
    );
  }
  const obj = copy(old.value);
  const meta = metaOf(obj);
  const finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as string[]).slice() : [];
  if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
    finalizers.push('foregroundDeletion');
  if (options.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
  const grace = gracePeriod(type, obj, options);
  const namespaceFinalizers = reg.hasSpecFinalizers(type, obj);
  const waits = finalizers.length > 0 || grace > 0 || namespaceFinalizers;

  if (!waits) {
    if (options.dryRun) return old.value;
    try {
      await reg.store.delete(old.key, old.revision);
    } catch (e) {
      throw reg.storeError(e, type, name);
    }
    reg.committed(type, old.value, undefined);
    return type.group === '' && type.resource === 'pods' ? old.value : successStatus(type, name, oldMeta.uid);
  }

  const alreadyDeleting = meta.deletionTimestamp !== undefined;
  if (finalizers.length > 0) meta.finalizers = finalizers;
  if (!alreadyDeleting) {
    const at = new Date(reg.now().getTime() + grace * 1000);
    meta.deletionTimestamp = timestamp(at);
    meta.deletionGracePeriodSeconds = grace;
    if (namespaceFinalizers && isJsonObject(obj.status)) obj.status.phase = 'Terminating';
    else if (namespaceFinalizers) obj.status = { phase: 'Terminating' };
  } else if (grace < Number(meta.deletionGracePeriodSeconds ?? 0)) {
    // a shorter grace period (e.g. the kubelet's 0) moves the deadline closer
    meta.deletionTimestamp = timestamp(new Date(reg.now().getTime() + grace * 1000));
    meta.deletionGracePeriodSeconds = grace;
  }
  if (options.dryRun) return obj;
  if (grace === 0 && finalizers.length === 0 && !namespaceFinalizers) {
    await reg.store.delete(old.key, old.revision).catch((e) => {
      throw reg.storeError(e, type, name);
    });
    reg.committed(type, old.value, undefined);
    return old.value;
  }
  try {
    const stored = await reg.store.update(old.key, obj, old.revision);
    reg.committed(type, old.value, stored.value);
    return stored.value;
  } catch (e) {
    throw reg.storeError(e, type, name);
  }
}

export async function deleteCollection(
  hooks: DeleteHooks,
  type: ResourceType,
  namespace: string | undefined,
  list: ListOptions,
  options: DeleteOptions,
): Promise<JsonObject> {
  const gvr = { group: type.group, version: type.version, resource: type.resource };
  const found = hooks.registry.list(gvr, namespace, {
    labelSelector: list.labelSelector,
    fieldSelector: list.fieldSelector,
  });
  const items = (found.items ?? []) as JsonObject[];
  const deleted: JsonObject[] = [];
  for (const item of items) {
    const meta = metaOf(item);
    try {
      deleted.push(
        await deleteObject(hooks, type, meta.namespace as string | undefined, String(meta.name), options),
      );
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }
  return { kind: type.listKind, apiVersion: apiVersionOf(type), metadata: {}, items: deleted };
}
