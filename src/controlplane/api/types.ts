/**
 * The contract between the parts of the embedded API server: the resource types it
 * serves (kinds/), the in-process API that implements Kubernetes semantics over the store
 * (registry), and the HTTP layer that speaks the Kubernetes REST conventions (http/).
 */
import type { JsonObject, JsonValue } from '../../core/index.js';

/** A column of `kubectl get` output (server-side printing, meta.k8s.io/v1 Table). */
export interface PrintColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 = shown by default, >0 = only with `-o wide` */
  priority: number;
}

/** A field error, reported as a Status cause (reason FieldValueInvalid, FieldValueRequired, …). */
export interface FieldCause {
  reason: string;
  message: string;
  field: string;
}

/** One resource the server serves: what discovery, routing, defaulting, validation and printing need. */
export interface ResourceType {
  group: string;
  version: string;
  /** plural, lower case: `deployments` */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** the status subresource: updates to the main resource ignore status, and vice versa */
  status?: boolean;
  /** the scale subresource: paths of replicas in spec and status, and of the label selector */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** sets the defaults a real API server sets (mutating the object in place) */
  defaults?: (obj: JsonObject) => void;
  /** validates an object about to be stored; `old` is set on update */
  validate?: (obj: JsonObject, old?: JsonObject) => FieldCause[];
  /** false for kinds whose objects carry no metadata.generation (core/v1 kinds, RBAC, Leases, …) */
  generation?: boolean;
  /** the fields whose change bumps metadata.generation (default: everything but metadata and status) */
  specFields?: (obj: JsonObject) => JsonValue;
  /** columns and cells for `kubectl get`; `now` is for AGE */
  printColumns?: PrintColumn[];
  printRow?: (obj: JsonObject, now: Date) => JsonValue[];
  /** field selectors this kind supports besides metadata.name and metadata.namespace */
  selectableFields?: (obj: JsonObject) => Record<string, string>;
  /** set for kinds defined by a CustomResourceDefinition */
  custom?: boolean;
  /** a custom kind's openAPIV3Schema: /openapi/v3 publishes it, so `kubectl explain` knows its fields */
  schema?: JsonObject;
  /**
   * Set for kinds whose objects are computed on request instead of stored (metrics.k8s.io,
   * as metrics-server serves them): get and list ask it, every other verb is refused with
   * 405 MethodNotAllowed, and `verbs` should say `get` and `list` only.
   */
  computed?: ComputedObjects;
}

/** The source of a computed (never stored) kind. */
export interface ComputedObjects {
  /** One object; throws ApiError (NotFound, …) when there is none. */
  get(namespace: string | undefined, name: string): JsonObject;
  /**
   * The objects of a namespace (undefined: all namespaces) whose source object (the pod,
   * the node) `select` accepts: the label and field selectors of the request, which read
   * only metadata, so they give the same answer on the source as on what is computed
   * from it — and nothing is computed for what they leave out.
   */
  list(namespace: string | undefined, select: (source: JsonObject) => boolean): JsonObject[];
}

/** Identifies a resource in a request. */
export interface Gvr {
  group: string;
  version: string;
  resource: string;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** for PATCH with type apply: take ownership of conflicting fields */
  force?: boolean;
  /** status or scale */
  subresource?: 'status' | 'scale';
  /** strict or warn field validation (unknown fields); unset = ignore */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** start after this resourceVersion; '' or '0' or undefined: send the current state first as ADDED events */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** close the watch after this many seconds */
  timeoutSeconds?: number;
  /** send an initial-events-end bookmark after the synthetic ADDED events (sendInitialEvents) */
  sendInitialEvents?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ApiWatchEvent {
  type: WatchEventType;
  object: JsonObject;
}

export interface ApiWatch {
  stop(): void;
}

/**
 * The in-process API: Kubernetes semantics (uid, generation, resourceVersion,
 * defaults, validation, finalizers, optimistic concurrency, patches, subresources).
 * Every method throws ApiError on failure.
 */
export interface Api {
  resourceTypes(): ResourceType[];
  /** the type for a request path's group/version/resource, or undefined */
  lookup(gvr: Gvr): ResourceType | undefined;
  get(gvr: Gvr, namespace: string | undefined, name: string, subresource?: 'status' | 'scale'): JsonObject;
  list(gvr: Gvr, namespace: string | undefined, options?: ListOptions): JsonObject;
  create(
    gvr: Gvr,
    namespace: string | undefined,
    body: JsonObject,
    options?: WriteOptions,
  ): Promise<JsonObject>;
  update(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    body: JsonObject,
    options?: WriteOptions,
  ): Promise<JsonObject>;
  patch(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: JsonValue,
    options?: WriteOptions,
  ): Promise<JsonObject>;
  delete(gvr: Gvr, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<JsonObject>;
  /**
   * A dry-run server-side apply of `body` as a new object that does not need its namespace
   * to exist (objects of a namespace a client is about to create); writes nothing.
   */
  validateApply?(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    body: JsonObject,
    options?: WriteOptions,
  ): Promise<JsonObject>;
  deleteCollection(
    gvr: Gvr,
    namespace: string | undefined,
    list: ListOptions,
    options?: DeleteOptions,
  ): Promise<JsonObject>;
  watch(
    gvr: Gvr,
    namespace: string | undefined,
    options: WatchOptions,
    onEvent: (e: ApiWatchEvent) => void,
  ): ApiWatch;
}
