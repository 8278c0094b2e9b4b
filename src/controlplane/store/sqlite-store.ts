/**
 * The `Store` over SQLite: reads from the in-memory cache, writes queued and committed
 * in groups, watches fed from the event history.
 *
 * Group commit: a write only queues a request; one flush per event-loop turn (setImmediate,
 * so writes arriving from several I/O callbacks share it) plans every queued request and
 * commits them in ONE SQLite transaction — one fsync for the lot — on the database's own
 * thread (database-thread.ts), so the loop serves reads and queues more writes meanwhile.
 * One batch is in flight at a time: writes queued during its COMMIT form the next batch,
 * planned only once the first is settled. When COMMIT returns, the cache, the revision
 * counter and the history change in one synchronous step (atomically as far as any reader
 * can tell), events are published and the promises settled.
 */
import { CapstanError, type JsonObject } from '../../core/index.js';
import { DatabaseThread } from './database-thread.js';
import { closed, expired, invalidArgument } from './errors.js';
import { EventHistory } from './history.js';
import { checkKey, checkPrefix, underPrefix } from './keys.js';
import { ObjectCache } from './object-cache.js';
import { deepFreeze, ownCopy } from './values.js';
import { WatcherRegistry } from './watchers.js';
import { planBatch, type BatchPlan, type OwnedWrite, type WriteRequest } from './write-batch.js';
import type {
  ListOptions,
  ListResult,
  Store,
  StoredObject,
  StoreEvent,
  StoreKey,
  StoreOptions,
  StorePrefix,
  StoreWatch,
  StoreWrite,
  WatchOptions,
} from './types.js';

/** Events retained for watches from an old revision when `historySize` is not given. */
export const DEFAULT_HISTORY_SIZE = 10_000;

/** The SQLite-backed store; build it with `openStore`. */
export class SqliteStore implements Store {
  private readonly db: DatabaseThread;
  private readonly cache = new ObjectCache();
  private readonly history: EventHistory;
  private readonly watchers = new WatcherRegistry();
  private queue: WriteRequest[] = [];
  private flushScheduled = false;
  /** the batch whose COMMIT is running, settled before the next is planned */
  private inFlight: Promise<void> | undefined;
  private current: number;
  private closing: Promise<void> | undefined;

  constructor(options: StoreOptions) {
    const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isSafeInteger(historySize) || historySize < 0) {
      throw invalidArgument(`historySize must be a whole number ≥ 0, not ${String(historySize)}`);
    }
    if (typeof options.dataDir !== 'string' || options.dataDir === '') {
      throw invalidArgument('dataDir must name the directory of the store');
    }
    this.db = new DatabaseThread(options.dataDir);
    try {
      const { rows, revision } = this.db.loaded;
      for (const row of rows) {
        const value = deepFreeze(JSON.parse(row.json) as JsonObject);
        this.cache.put(Object.freeze({ key: Object.freeze(row.key), revision: row.revision, value }));
      }
      this.current = revision;
    } catch (e) {
      void this.db.close();
      throw new CapstanError(
        'STORE_OPEN_FAILED',
        `cannot load the store in ${options.dataDir}: ${(e as Error).message}`,
        { dataDir: options.dataDir },
        e,
      );
    }
    this.history = new EventHistory(historySize, this.current);
  }

  get revision(): number {
    return this.current;
  }

  get oldestWatchableRevision(): number {
    return this.history.oldestWatchable;
  }

  get(key: StoreKey): StoredObject | undefined {
    this.checkOpen();
    checkKey(key);
    return this.cache.get(key);
  }

  /** Items are the cached, deep-frozen records themselves: copy one before changing it. */
  list(prefix: StorePrefix, options: ListOptions = {}): ListResult {
    this.checkOpen();
    checkPrefix(prefix);
    if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 0)) {
      throw invalidArgument(`list limit must be a whole number ≥ 0, not ${String(options.limit)}`);
    }
    const equalities = options.labelEquals;
    if (
      equalities !== undefined &&
      !(
        Array.isArray(equalities) &&
        equalities.every((e) => typeof e?.key === 'string' && typeof e?.value === 'string')
      )
    ) {
      throw invalidArgument('list labelEquals must be an array of { key, value } strings');
    }
    return this.cache.list(prefix, options, this.current);
  }

  count(prefix: StorePrefix): number {
    this.checkOpen();
    checkPrefix(prefix);
    return this.cache.count(prefix);
  }

  async create(key: StoreKey, value: JsonObject): Promise<StoredObject> {
    return (await this.submit([{ op: 'create', key, value }], false))[0];
  }

  async update(key: StoreKey, value: JsonObject, expectedRevision?: number): Promise<StoredObject> {
    return (await this.submit([{ op: 'update', key, value, expectedRevision }], false))[0];
  }

  async delete(key: StoreKey, expectedRevision?: number): Promise<StoredObject> {
    return (await this.submit([{ op: 'delete', key, expectedRevision }], false))[0];
  }

  transaction(writes: StoreWrite[]): Promise<StoredObject[]> {
    return this.submit(writes, true);
  }

  watch(prefix: StorePrefix, options: WatchOptions, onEvent: (e: StoreEvent) => void): StoreWatch {
    this.checkOpen();
    checkPrefix(prefix);
    const from = options.fromRevision;
    if (from === undefined) return this.watchers.add(prefix, this.current, [], onEvent);
    if (!Number.isSafeInteger(from) || from < 0) {
      throw invalidArgument(`fromRevision must be a whole number ≥ 0, not ${String(from)}`);
    }
    if (from < this.history.oldestWatchable) throw expired(from, this.history.oldestWatchable);
    // Replay and registration happen in this one synchronous call, so no commit can fall
    // between the last replayed event and the first live one.
    const replay = this.history.since(from, (e) => underPrefix(e.key, prefix));
    return this.watchers.add(prefix, from, replay, onEvent);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Writes queued before close() settle before close() resolves.
      while (this.inFlight || this.queue.length > 0) await (this.inFlight ?? this.flush());
      await this.db.close();
      // Events of the last flush were queued for delivery before this microtask; stop
      // the watches after them.
      queueMicrotask(() => this.watchers.stopAll());
    })();
    return this.closing;
  }

  private checkOpen(): void {
    if (this.closing) throw closed();
  }

  /** Validates and copies the writes, then queues them for the next flush. */
  private submit(writes: StoreWrite[], transaction: boolean): Promise<StoredObject[]> {
    if (this.closing) return Promise.reject(closed());
    let owned: OwnedWrite[];
    try {
      if (!Array.isArray(writes)) throw invalidArgument('a transaction takes an array of writes');
      owned = writes.map(ownWrite);
    } catch (e) {
      return Promise.reject(e);
    }
    if (owned.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ writes: owned, transaction, resolve, reject });
      if (this.flushScheduled || this.inFlight) return;
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  /** Commits every queued request in one transaction, then makes the outcome visible. */
  private flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.inFlight) return this.inFlight;
    const requests = this.queue;
    if (requests.length === 0) return Promise.resolve();
    this.queue = [];
    const plan = planBatch(requests, (key) => this.cache.get(key), this.current);
    const committing = plan.rows.length > 0 ? this.db.commit(plan.rows, plan.revision) : Promise.resolve();
    this.inFlight = committing.then(
      () => this.settle(requests, plan),
      (e: unknown) => this.settle(requests, plan, e),
    );
    return this.inFlight;
  }

  /** Makes a batch's outcome visible (or fails all of it), then starts the next batch. */
  private settle(requests: WriteRequest[], plan: BatchPlan, failure?: unknown): void {
    this.inFlight = undefined;
    try {
      if (failure === undefined) this.apply(requests, plan);
      else {
        const e = failure as Error;
        // Rolled back: nothing of the batch is on disk or visible, so all of it fails.
        const error = new CapstanError(
          'STORE_WRITE_FAILED',
          `the store could not commit to ${this.db.dataDir}: ${e.message}`,
          { dataDir: this.db.dataDir },
          e,
        );
        for (const r of requests) r.reject(error);
      }
    } finally {
      // writes queued during the COMMIT: the next batch, at once (they waited already)
      if (this.queue.length > 0 && !this.closing) void this.flush();
    }
  }

  private apply(requests: WriteRequest[], plan: BatchPlan): void {
    this.current = plan.revision;
    requests.forEach((request, i) => {
      const outcome = plan.outcomes[i];
      if (!outcome.ok) return request.reject(outcome.error);
      for (const { result, event } of outcome.applied) {
        if (event.type === 'DELETED') this.cache.remove(result.key);
        else this.cache.put(result);
        this.history.append(event);
        this.watchers.publish(event);
      }
      request.resolve(outcome.applied.map((a) => a.result));
    });
  }
}

/** Checks one write and takes the store's own copy of its value. */
function ownWrite(write: StoreWrite): OwnedWrite {
  checkKey(write.key);
  const { group, resource, namespace, name } = write.key;
  const key = Object.freeze({ group, resource, namespace, name });
  const expected = write.op === 'create' ? undefined : write.expectedRevision;
  if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw invalidArgument(`expectedRevision must be a whole number ≥ 0, not ${String(expected)}`);
  }
  switch (write.op) {
    case 'create':
      return { op: 'create', key, value: ownCopy(write.value) };
    case 'update':
      return { op: 'update', key, value: ownCopy(write.value), expectedRevision: expected };
    case 'delete':
      return { op: 'delete', key, expectedRevision: expected };
    default:
      throw invalidArgument(`unknown write op ${JSON.stringify((write as { op?: unknown }).op)}`);
  }
}
