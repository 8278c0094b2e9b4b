/**
 * The embedded control plane's durable store: a key-value store of JSON objects with
 * one monotonically increasing revision (Kubernetes' resourceVersion) and ordered watch
 * events, like etcd under a real API server. It knows nothing of Kubernetes semantics
 * (defaults, uid, generation): the API layer adds those.
 */
import type { JsonObject, LabelEquality } from '../../core/index.js';

export type { LabelEquality } from '../../core/index.js';

/** Where an object lives. `namespace` is '' for cluster-scoped objects. */
export interface StoreKey {
  /** API group ('' for core) */
  group: string;
  /** plural resource name, e.g. `deployments` */
  resource: string;
  namespace: string;
  name: string;
}

/** A set of keys to list or watch: one resource, optionally one namespace. */
export interface StorePrefix {
  group: string;
  resource: string;
  /** undefined: all namespaces */
  namespace?: string;
}

export interface StoredObject {
  key: StoreKey;
  /** the revision of the write that produced this value */
  revision: number;
  /** the object; the store sets `metadata.resourceVersion` to String(revision) */
  value: JsonObject;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  key: StoreKey;
  /** revision of this event (for DELETED: the revision of the delete) */
  revision: number;
  /** the object after the change; for DELETED, its last value with resourceVersion = the delete's revision */
  value: JsonObject;
  /** the value before the change (MODIFIED and DELETED) */
  previous?: JsonObject;
}

export interface ListOptions {
  /** at most this many items (0 or undefined: all) */
  limit?: number;
  /** continue after this key (exclusive), as returned in `ListResult.continueAfter` */
  continueAfter?: string;
  /**
   * Only objects whose `metadata.labels` hold every one of these `key=value` pairs (limit
   * and continueAfter count those). Answered from a label index: the cost follows the
   * objects of the rarest pair, not the resource's size.
   */
  labelEquals?: readonly LabelEquality[];
}

export interface ListResult {
  items: StoredObject[];
  /** the store's revision when the list was taken */
  revision: number;
  /** set when `limit` cut the list: pass it back as `continueAfter` */
  continueAfter?: string;
}

/** One write of a transaction; `expectedRevision` makes it conditional (optimistic concurrency). */
export type StoreWrite =
  | { op: 'create'; key: StoreKey; value: JsonObject }
  | { op: 'update'; key: StoreKey; value: JsonObject; expectedRevision?: number }
  | { op: 'delete'; key: StoreKey; expectedRevision?: number };

export interface WatchOptions {
  /**
   * Deliver events after this revision (exclusive). Undefined: from now on. A revision
   * older than the retained history fails with StoreError `Expired`.
   */
  fromRevision?: number;
}

export interface StoreWatch {
  /** stops delivery; idempotent */
  stop(): void;
}

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'Closed';

export interface StoreOptions {
  /** directory holding the database file; created if missing */
  dataDir: string;
  /** events kept for watches from an old revision (default 10,000) */
  historySize?: number;
}

/**
 * The store. Reads are synchronous and see only committed writes. Writes are
 * asynchronous and resolve only after their transaction is durably on disk; writes
 * issued close together are committed together (group commit), each keeping its own
 * atomicity and order.
 */
export interface Store {
  readonly revision: number;
  get(key: StoreKey): StoredObject | undefined;
  list(prefix: StorePrefix, options?: ListOptions): ListResult;
  count(prefix: StorePrefix): number;
  create(key: StoreKey, value: JsonObject): Promise<StoredObject>;
  update(key: StoreKey, value: JsonObject, expectedRevision?: number): Promise<StoredObject>;
  delete(key: StoreKey, expectedRevision?: number): Promise<StoredObject>;
  /** Applies several writes atomically (all or none), in order; resolves with one result each. */
  transaction(writes: StoreWrite[]): Promise<StoredObject[]>;
  /**
   * Calls `onEvent` for every change under `prefix`, in revision order, none lost or
   * repeated. Events are delivered asynchronously after commit.
   */
  watch(prefix: StorePrefix, options: WatchOptions, onEvent: (e: StoreEvent) => void): StoreWatch;
  /** the oldest revision a watch may start from */
  readonly oldestWatchableRevision: number;
  /** flushes pending writes and closes the database; idempotent */
  close(): Promise<void>;
}
