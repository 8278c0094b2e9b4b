/**
 * The in-process API: Kubernetes semantics over the durable store (kube-apiserver's
 * generic registry). Every verb resolves the resource type, applies the type's
 * defaults and validation, keeps server-owned metadata, records managedFields, and
 * maps store outcomes to Kubernetes errors. Objects returned are shared with the
 * store's cache: treat them as read-only (copy before changing, as controllers do).
 */
import { isDeepStrictEqual } from 'node:util';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import type { Store, StoredObject } from '../../store/types.js';
import { ApiError, alreadyExists, badRequest, conflict, invalid, notFound } from '../errors.js';
import type {
  Api,
  ApiWatch,
  ApiWatchEvent,
  DeleteOptions,
  Gvr,
  ListOptions,
  PatchType,
  ResourceType,
  WatchOptions,
  WriteOptions,
} from '../types.js';
import { asVersion, checkNamespace, checkTypeMeta, copy, keyOf } from './convert.js';
import { compileFieldSelector } from './field-selector.js';
import { compileLabelFilter } from './label-filter.js';
import { generateName, metaOf, prepareCreateMeta, prepareUpdateMeta, timestamp } from './object-meta.js';
import { applyPatch } from './patching.js';
import { checkIntegerFields } from './integer-fields.js';
import { checkResourceVersion } from './resource-version.js';
import { fromScale, toScale } from './scale.js';
import { apiVersionOf, TypeRegistry } from './type-registry.js';
import { startWatch } from './watching.js';
import { deleteObject, deleteCollection, type DeleteHooks } from './deleting.js';
import { recordCreate, recordUpdate } from './managed-fields.js';
import { ServiceAllocator } from './service-allocation.js';
import { computedGet, computedList, refuseComputed } from './computed.js';

export interface RegistryOptions {
  store: Store;
  types: TypeRegistry;
  now?: () => Date;
}

/** A committed change, for in-process consumers (garbage collector, namespace controller). */
export type ChangeListener = (
  type: ResourceType,
  before: JsonObject | undefined,
  after: JsonObject | undefined,
) => void;

export class Registry implements Api {
  readonly store: Store;
  readonly types: TypeRegistry;
  readonly now: () => Date;
  /** cluster IPs and node ports of Services */
  private readonly services = new ServiceAllocator();
  private readonly listeners: ChangeListener[] = [];

  constructor(options: RegistryOptions) {
    this.store = options.store;
    this.types = options.types;
    this.now = options.now ?? (() => new Date());
    this.services.restore(this.store.list({ group: '', resource: 'services' }).items.map((o) => o.value));
    this.reloadCrds();
  }

  /** Calls `listener` after every committed write (create, update, delete). */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  resourceTypes(): ResourceType[] {
    return this.types.all();
  }

  lookup(gvr: Gvr): ResourceType | undefined {
    return this.types.lookup(gvr);
  }

  /** The type of a request, or 404 as kube-apiserver answers for an unknown resource. */
  typeOf(gvr: Gvr): ResourceType {
    const t = this.types.lookup(gvr);
    if (!t)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {
        group: gvr.group,
        kind: gvr.resource,
      });
    return t;
  }

  /** The type of a request that writes or watches: computed kinds answer only get and list. */
  private storedTypeOf(gvr: Gvr): ResourceType {
    const type = this.typeOf(gvr);
    refuseComputed(type);
    return type;
  }

  get(gvr: Gvr, namespace: string | undefined, name: string, subresource?: 'status' | 'scale'): JsonObject {
    const type = this.typeOf(gvr);
    if (type.computed) return computedGet(type, type.computed, namespace, name, subresource);
    const found = this.store.get(keyOf(type, namespace, name));
    if (!found) throw notFound(type.group, type.resource, name);
    if (subresource === 'scale') return toScale(type, found.value);
    return asVersion(type, found.value);
  }

  list(gvr: Gvr, namespace: string | undefined, options: ListOptions = {}): JsonObject {
    const type = this.typeOf(gvr);
    const labels = compileLabelFilter(options.labelSelector);
    const fields = compileFieldSelector(type, options.fieldSelector);
    if (type.computed)
      return computedList(type, type.computed, namespace, (o) => labels.matches(o) && fields(o));
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    let after: string | undefined;
    if (options.continue) {
      try {
        after = JSON.parse(Buffer.from(options.continue, 'base64url').toString('utf8')).start;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
    }
    const prefix = {
      group: type.group,
      resource: type.resource,
      namespace: type.namespaced ? namespace : undefined,
    };
    // `k=v` requirements narrow the store's answer to the objects labelled so (its label
    // index); the whole selector and the field selector still check each of them
    const all = this.store.list(prefix, { continueAfter: after, labelEquals: labels.equalities });
    const items: JsonObject[] = [];
    let continueToken: string | undefined;
    const matching = all.items.filter((o) => labels.matches(o.value) && fields(o.value));
    for (let i = 0; i < matching.length; i++) {
      if (limit && items.length === limit) {
        const last = matching[i - 1];
        continueToken = Buffer.from(JSON.stringify({ rv: all.revision, start: keyString(last) })).toString(
          'base64url',
        );
        break;
      }
      items.push(asVersion(type, matching[i].value));
    }
    const metadata: JsonObject = { resourceVersion: String(all.revision) };
    if (continueToken) {
      metadata.continue = continueToken;
      metadata.remainingItemCount = matching.length - items.length;
    }
    return { kind: type.listKind, apiVersion: apiVersionOf(type), metadata, items };
  }

  async create(
    gvr: Gvr,
    namespace: string | undefined,
    body: JsonObject,
    options: WriteOptions = {},
  ): Promise<JsonObject> {
    const type = this.storedTypeOf(gvr);
    if (options.subresource) {
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    }
    return this.insert(type, namespace, copy(body), options, false);
  }

  /**
   * A dry-run server-side apply of `body` as a new object, whether or not its namespace
   * exists (or an object of that name does): what a client needs to check the objects of a
   * namespace it is about to create, which kube-apiserver answers NotFound for the
   * namespace before validating. Defaults, admission and validation run as on create.
   */
  async validateApply(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    body: JsonObject,
    options: WriteOptions = {},
  ): Promise<JsonObject> {
    const type = this.storedTypeOf(gvr);
    const created = applyPatch(type, undefined, 'apply', body, options, this.now(), name, namespace);
    return this.insert(type, namespace, created, { ...options, dryRun: true }, true, false);
  }

  /**
   * Stores a new object (create, or a server-side apply of a missing one, whose
   * managedFields the apply already wrote).
   */
  private async insert(
    type: ResourceType,
    namespace: string | undefined,
    obj: JsonObject,
    options: WriteOptions,
    applied: boolean,
    /** false: validate only, as if neither the namespace nor the object were a question */
    checkExisting = true,
  ): Promise<JsonObject> {
    checkTypeMeta(type, obj);
    const ns = checkNamespace(type, namespace, obj);
    const meta = metaOf(obj);
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName)
      meta.name = generateName(meta.generateName);
    if (typeof meta.name !== 'string' || meta.name === '') {
      throw invalid(type.group, type.kind, '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
          field: 'metadata.name',
        },
      ]);
    }
    const name = meta.name;
    if (ns !== undefined && checkExisting) this.requireNamespace(type, ns, name);
    prepareCreateMeta(type, obj, this.now());
    if (type.status) delete obj.status;
    type.defaults?.(obj);
    // the cluster IP and node ports are part of what validation checks
    const allocation = isServices(type) ? this.services.allocateCreate(obj) : undefined;
    try {
      this.validate(type, obj, undefined, name);
      if (!applied) recordCreate(obj, options.fieldManager, type, this.now());
      if (options.dryRun) {
        allocation?.revert();
        if (checkExisting && this.store.get(keyOf(type, ns, name)))
          throw alreadyExists(type.group, type.resource, name);
        return obj;
      }
      const stored = await this.store.create(keyOf(type, ns, name), obj);
      this.committed(type, undefined, stored.value);
      return asVersion(type, stored.value);
    } catch (e) {
      allocation?.revert();
      throw this.storeError(e, type, name);
    }
  }

  async update(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    body: JsonObject,
    options: WriteOptions = {},
  ): Promise<JsonObject> {
    const type = this.storedTypeOf(gvr);
    const old = this.store.get(keyOf(type, namespace, name));
    if (!old) throw notFound(type.group, type.resource, name);
    if (options.subresource === 'scale') {
      return toScale(
        type,
        await this.writeUpdate(type, old, fromScale(type, old.value, body, name), options, true),
      );
    }
    const obj = copy(body);
    checkTypeMeta(type, obj);
    checkNamespace(type, namespace, obj);
    const meta = metaOf(obj);
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    meta.name = name;
    checkResourceVersion(type, name, meta.resourceVersion, old.revision);
    return asVersion(type, await this.writeUpdate(type, old, obj, options, false));
  }

  async patch(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: JsonValue,
    options: WriteOptions = {},
  ): Promise<JsonObject> {
    const type = this.storedTypeOf(gvr);
    if (patchType === 'strategic' && type.custom) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    // like kube-apiserver's GuaranteedUpdate: re-read and retry when a concurrent write wins
    for (let attempt = 0; ; attempt++) {
      const old = this.store.get(keyOf(type, namespace, name));
      if (!old) {
        if (patchType !== 'apply' || options.subresource) throw notFound(type.group, type.resource, name);
        const created = applyPatch(type, undefined, patchType, body, options, this.now(), name, namespace);
        return this.insert(type, namespace, created, options, true);
      }
      const current = options.subresource === 'scale' ? toScale(type, old.value) : old.value;
      const patched = applyPatch(type, current, patchType, body, options, this.now(), name, namespace);
      // what the patch left in metadata.resourceVersion is the update's precondition
      // (a Scale's is checked by fromScale)
      if (options.subresource !== 'scale')
        checkResourceVersion(type, name, metaOf(patched).resourceVersion, old.revision);
      try {
        if (options.subresource === 'scale') {
          return toScale(
            type,
            await this.writeUpdate(type, old, fromScale(type, old.value, patched, name), options, true),
          );
        }
        metaOf(patched).resourceVersion = String(old.revision);
        return asVersion(type, await this.writeUpdate(type, old, patched, options, patchType === 'apply'));
      } catch (e) {
        // a concurrent write won: re-read and patch again (a patch that sets a
        // resourceVersion then fails its precondition, as it should)
        if (e instanceof ApiError && e.reason === 'Conflict' && attempt < 5) continue;
        throw e;
      }
    }
  }

  async delete(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<JsonObject> {
    const type = this.storedTypeOf(gvr);
    return deleteObject(this.hooks(), type, namespace, name, options);
  }

  async deleteCollection(
    gvr: Gvr,
    namespace: string | undefined,
    list: ListOptions,
    options: DeleteOptions = {},
  ): Promise<JsonObject> {
    const type = this.storedTypeOf(gvr);
    return deleteCollection(this.hooks(), type, namespace, list, options);
  }

  watch(
    gvr: Gvr,
    namespace: string | undefined,
    options: WatchOptions,
    onEvent: (e: ApiWatchEvent) => void,
  ): ApiWatch {
    const type = this.storedTypeOf(gvr);
    return startWatch(
      this.store,
      type,
      namespace,
      options,
      compileLabelFilter(options.labelSelector),
      compileFieldSelector(type, options.fieldSelector),
      onEvent,
    );
  }

  /**
   * Writes an updated object: keeps server-owned metadata and (per subresource) either
   * the status or everything but the status, defaults, validates, records the manager,
   * and finishes a deletion whose last finalizer is gone.
   */
  async writeUpdate(
    type: ResourceType,
    old: StoredObject,
    incoming: JsonObject,
    options: WriteOptions,
    managedByApply: boolean,
    /** controllers inside the control plane may write spec and status at once */
    wholeObject = false,
  ): Promise<JsonObject> {
    let obj: JsonObject;
    if (wholeObject) {
      obj = incoming;
    } else if (options.subresource === 'status') {
      obj = copy(old.value);
      obj.status = copy(incoming.status ?? {});
    } else {
      obj = incoming;
      if (type.status && old.value.status !== undefined) obj.status = copy(old.value.status);
      else if (type.status) delete obj.status;
    }
    const name = String(metaOf(old.value).name);
    prepareUpdateMeta(type, obj, old.value);
    // a Service's spec: wipe what a type change made obsolete, keep what was allocated
    const serviceSpec = isServices(type) && options.subresource !== 'status';
    if (serviceSpec) this.services.prepareUpdate(obj, old.value);
    // a namespace's spec.finalizers change only through its finalize path (the namespace
    // controller); defaults must not put `kubernetes` back either
    const nsFinalizers = this.isNamespaces(type)
      ? copy(((wholeObject ? obj : old.value).spec as JsonObject | undefined)?.finalizers ?? [])
      : undefined;
    type.defaults?.(obj);
    if (nsFinalizers !== undefined) {
      if (!isJsonObject(obj.spec)) obj.spec = {};
      (obj.spec as JsonObject).finalizers = nsFinalizers;
    }
    const allocation = serviceSpec ? this.services.allocateUpdate(obj, old.value) : undefined;
    let written: JsonObject;
    try {
      written = await this.storeUpdate(type, old, obj, options, managedByApply, name);
    } catch (e) {
      allocation?.revert();
      throw e;
    }
    if (options.dryRun) allocation?.revert();
    else allocation?.commit();
    return written;
  }

  /** validates, records the manager and stores (or deletes) an updated object */
  private async storeUpdate(
    type: ResourceType,
    old: StoredObject,
    obj: JsonObject,
    options: WriteOptions,
    managedByApply: boolean,
    name: string,
  ): Promise<JsonObject> {
    this.validate(type, obj, old.value, name);
    if (!managedByApply)
      recordUpdate(old.value, obj, options.fieldManager, type, this.now(), options.subresource);
    if (options.dryRun) return obj;
    if (isDeepStrictEqual(stripRv(obj), stripRv(old.value))) return old.value; // a no-op write keeps the resourceVersion
    const meta = metaOf(obj);
    const finalizers = meta.finalizers;
    try {
      if (
        meta.deletionTimestamp &&
        (!Array.isArray(finalizers) || finalizers.length === 0) &&
        !this.hasSpecFinalizers(type, obj)
      ) {
        const gone = await this.store.delete(old.key, old.revision);
        this.committed(type, old.value, undefined);
        return gone.value;
      }
      const stored = await this.store.update(old.key, obj, old.revision);
      this.committed(type, old.value, stored.value);
      return stored.value;
    } catch (e) {
      throw this.storeError(e, type, name);
    }
  }

  private isNamespaces(type: ResourceType): boolean {
    return type.group === '' && type.resource === 'namespaces';
  }

  /**
   * Binds a pending pod to a node (the pods/binding subresource): sets spec.nodeName,
   * which no update may change, and the PodScheduled condition.
   */
  async bindPod(namespace: string, name: string, nodeName: string): Promise<JsonObject> {
    const type = this.typeOf({ group: '', version: 'v1', resource: 'pods' });
    const old = this.store.get(keyOf(type, namespace, name));
    if (!old) throw notFound('', 'pods', name);
    const spec = old.value.spec as JsonObject | undefined;
    if (spec?.nodeName) {
      throw conflict('', 'pods', name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
    }
    if (metaOf(old.value).deletionTimestamp) throw conflict('', 'pods', name, 'pod is being deleted');
    const obj = copy(old.value);
    (obj.spec as JsonObject).nodeName = nodeName;
    const status = (isJsonObject(obj.status) ? obj.status : (obj.status = {})) as JsonObject;
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter(
      (c) => !(isJsonObject(c) && c.type === 'PodScheduled'),
    );
    conditions.push({
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: timestamp(this.now()),
    });
    status.conditions = conditions;
    try {
      const stored = await this.store.update(old.key, obj, old.revision);
      this.committed(type, old.value, stored.value);
      return stored.value;
    } catch (e) {
      throw this.storeError(e, type, name);
    }
  }

  /** Namespaces keep their own finalizers in spec.finalizers (the namespace controller clears them). */
  hasSpecFinalizers(type: ResourceType, obj: JsonObject): boolean {
    if (!this.isNamespaces(type)) return false;
    const f = (obj.spec as { finalizers?: unknown[] } | undefined)?.finalizers;
    return Array.isArray(f) && f.length > 0;
  }

  committed(type: ResourceType, before: JsonObject | undefined, after: JsonObject | undefined): void {
    if (isServices(type) && before && !after) this.services.released(before);
    if (type.group === 'apiextensions.k8s.io' && type.resource === 'customresourcedefinitions')
      this.reloadCrds();
    for (const l of this.listeners) {
      try {
        l(type, before, after);
      } catch {
        // a listener's failure must not fail the write that already committed
      }
    }
  }

  storeError(e: unknown, type: ResourceType, name: string): Error {
    if (e instanceof ApiError) return e;
    const reason = (e as { reason?: string }).reason;
    if (reason === 'AlreadyExists') return alreadyExists(type.group, type.resource, name);
    if (reason === 'NotFound') return notFound(type.group, type.resource, name);
    if (reason === 'Conflict') {
      return conflict(
        type.group,
        type.resource,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    return new ApiError(
      500,
      'InternalError',
      `Internal error occurred: ${(e as Error).message ?? String(e)}`,
    );
  }

  private hooks(): DeleteHooks {
    return { registry: this };
  }

  private validate(type: ResourceType, obj: JsonObject, old: JsonObject | undefined, name: string): void {
    checkIntegerFields(type, obj);
    const causes = type.validate?.(obj, old) ?? [];
    if (causes.length > 0) throw invalid(type.group, type.kind, name, causes);
  }

  private requireNamespace(type: ResourceType, ns: string, name: string): void {
    const found = this.store.get({ group: '', resource: 'namespaces', namespace: '', name: ns });
    if (!found) throw notFound('', 'namespaces', ns);
    if (metaOf(found.value).deletionTimestamp) {
      const gk = type.group ? `${type.resource}.${type.group}` : type.resource;
      throw new ApiError(
        403,
        'Forbidden',
        `${gk} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { name, group: type.group, kind: type.resource },
      );
    }
  }

  private reloadCrds(): void {
    const crds = this.store.list({
      group: 'apiextensions.k8s.io',
      resource: 'customresourcedefinitions',
    }).items;
    this.types.setCrds(
      crds
        .map((o) => o.value)
        .filter((crd) => {
          const conds = (crd.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)
            ?.conditions;
          return conds?.some((c) => c.type === 'Established' && c.status === 'True');
        }),
    );
  }
}

function isServices(type: ResourceType): boolean {
  return type.group === '' && type.resource === 'services';
}

function keyString(o: StoredObject): string {
  return `${o.key.namespace}/${o.key.name}`;
}

function stripRv(obj: JsonObject): JsonObject {
  const meta = { ...(obj.metadata as JsonObject) };
  delete meta.resourceVersion;
  delete meta.managedFields;
  return { ...obj, metadata: meta };
}
