/**
 * The in-process sync queue, the default when no Redis is configured.
 *
 * Hand-written rather than p-queue or runtime's `WorkQueue`: neither merges requests per key
 * (newest revision, highest priority), orders by priority *and* keeps one run per key, and
 * hands work back on shutdown — and this one must behave exactly as the BullMQ queue does.
 */
import { CapstanError } from '../../core/index.js';
import { MemorySyncStore } from './memory-store.js';
import {
  checkRequest,
  closedError,
  resolveQueueOptions,
  retryDelayMs,
  type ResolvedQueueOptions,
} from './options.js';
import type { SyncQueueOptions } from './options.js';
import { RunningSyncs, type RunningSync } from './running-syncs.js';
import type { SyncHandler, SyncQueue, SyncQueueSnapshot, SyncRequest } from './types.js';
import type { Clock } from '../../runtime/index.js';

/** Settings of `MemorySyncQueue`. */
export interface MemorySyncQueueOptions extends SyncQueueOptions {
  /**
   * The state to work on; queues sharing one store behave like replicas sharing one Redis
   * (default: a store of this queue's own, so pending work dies with the process).
   */
  store?: MemorySyncStore;
  /** Drives retry backoff and the close grace period (default: the store's clock, else the real one). */
  clock?: Clock;
}

export class MemorySyncQueue implements SyncQueue {
  readonly store: MemorySyncStore;
  readonly #clock: Clock;
  readonly #o: ResolvedQueueOptions;
  readonly #runs = new RunningSyncs();
  #handler: SyncHandler | undefined;
  #unsubscribe: (() => void) | undefined;
  #pumpQueued = false;
  #closing: Promise<void> | undefined;

  constructor(options: MemorySyncQueueOptions = {}) {
    this.#o = resolveQueueOptions(options);
    this.store = options.store ?? new MemorySyncStore({ clock: options.clock });
    this.#clock = options.clock ?? this.store.clock;
  }

  async enqueue(req: SyncRequest): Promise<void> {
    if (this.#closing) throw closedError('enqueue');
    this.store.put(checkRequest(req));
  }

  process(handler: SyncHandler): void {
    if (this.#closing) throw closedError('process');
    if (this.#handler)
      throw new CapstanError('QUEUE_ALREADY_PROCESSING', 'process() was already called on this queue');
    this.#handler = handler;
    this.#unsubscribe = this.store.subscribe(() => this.#schedulePump());
  }

  close(opts: { graceMs?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(opts.graceMs ?? this.#o.graceMs);
    return this.#closing;
  }

  async snapshot(): Promise<SyncQueueSnapshot> {
    return this.store.snapshot();
  }

  async #close(graceMs: number): Promise<void> {
    this.#unsubscribe?.();
    await this.#runs.drain(graceMs, this.#clock, async (run) => this.store.handBack(run.job));
  }

  /**
   * Starts runs on the next microtask rather than inside `enqueue`, so that a burst of
   * synchronous enqueues coalesces before the first run starts.
   */
  #schedulePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  #pump(): void {
    const handler = this.#handler;
    while (handler && !this.#closing && this.#runs.size < this.#o.concurrency) {
      const job = this.store.take();
      if (!job) return;
      const run = this.#runs.start(job, handler);
      void run.settled.then((result) => this.#finish(run, result));
    }
  }

  #finish(run: RunningSync, result: Awaited<RunningSync['settled']>): void {
    const { job } = run;
    if (result.ok || run.handedBack) {
      this.store.release(job.app);
      return;
    }
    const outcome = this.store.fail(job, this.#o.attempts, retryDelayMs(job.attempt, this.#o));
    if (outcome === 'exhausted') {
      try {
        this.#o.onFailed({ ...job }, result.error);
      } catch (e) {
        this.#o.onError(e);
      }
    }
  }
}
