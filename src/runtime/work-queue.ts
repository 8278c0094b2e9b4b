/**
 * The work queue of client-go (`util/workqueue`: the plain queue, the delaying queue and the
 * rate-limiting queue in one class), for string keys such as `namespace/name`.
 *
 * Guarantees, as client-go's:
 * - Fair: keys come out in the order they were first added.
 * - Stingy: a key added several times before a worker gets it is handed out once; a key is
 *   never handed to two workers at once. A key added while a worker holds it is "dirty" and
 *   queued again when that worker calls `done(key)`, so the change that came in during
 *   processing is not lost — this is what makes level-triggered controllers correct.
 * - Delays: `addAfter` queues a key later; a key already waiting keeps the earlier of its
 *   two ready times. `addRateLimited` computes the delay from the `RateLimiter`.
 *
 * Hand-written: the npm queues (p-queue, BullMQ) run jobs, not de-duplicated keys with the
 * dirty/processing bookkeeping above.
 */
import { realClock, type Clock, type Timer } from './clock.js';
import { jittered } from './jitter.js';
import { controllerRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Settings of a `WorkQueue`. */
export interface WorkQueueOptions {
  /** Drives `addAfter` and the rate limiter (default: the real clock). */
  clock?: Clock;
  /** Decides `addRateLimited` delays (default: `controllerRateLimiter(clock)`, client-go's). */
  rateLimiter?: RateLimiter;
  /** Source of randomness for `addAfterJittered` (default `Math.random`). */
  random?: () => number;
}

/** A de-duplicating, delaying, rate-limited queue of keys. */
export class WorkQueue<K extends string = string> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter;
  readonly #random: () => number;

  /** Keys ready to be handed out, in order; `#head` skips the ones already taken. */
  #queue: K[] = [];
  #head = 0;
  /** Keys that need processing: queued, or added again while being processed. */
  readonly #dirty = new Set<K>();
  /** Keys a worker holds between `get` and `done`. */
  readonly #processing = new Set<K>();
  /** Keys scheduled by `addAfter`, with when they become ready. */
  readonly #waiting = new Map<K, { readyAt: number; timer: Timer }>();
  /** Workers blocked in `get` on an empty queue, oldest first. */
  readonly #getters: ((key: K | undefined) => void)[] = [];
  readonly #drainers: (() => void)[] = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#clock = options.clock ?? realClock;
    this.#limiter = options.rateLimiter ?? controllerRateLimiter(this.#clock);
    this.#random = options.random ?? Math.random;
  }

  /** Marks `key` as needing processing. Ignored once the queue is shutting down. */
  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    // Being processed: `done` will queue it again.
    if (this.#processing.has(key)) return;
    this.#enqueue(key);
  }

  /**
   * The next key, waiting for one if the queue is empty; undefined once the queue is shut
   * down and empty. Keys queued before a shutdown are still handed out, as client-go does,
   * so workers finish what was accepted. The caller must call `done(key)` when finished.
   */
  get(): Promise<K | undefined> {
    if (this.#head < this.#queue.length) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Ends the processing of `key`; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    if (!this.#processing.delete(key)) return;
    if (this.#dirty.has(key)) this.#enqueue(key);
    this.#checkDrained();
  }

  /** Adds `key` after `ms` milliseconds (at once when `ms` ≤ 0). */
  addAfter(key: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const readyAt = this.#clock.now().getTime() + ms;
    const waiting = this.#waiting.get(key);
    // One timer per key, keeping the earlier ready time: a key waiting 10 s for a retry that
    // is asked again for 1 s comes back after 1 s, and one waiting 1 s stays at 1 s.
    if (waiting) {
      if (waiting.readyAt <= readyAt) return;
      this.#clock.clearTimeout(waiting.timer);
    }
    const timer = this.#clock.setTimeout(() => {
      this.#waiting.delete(key);
      this.add(key);
    }, ms);
    this.#waiting.set(key, { readyAt, timer });
  }

  /** `addAfter` with the delay spread over `[ms, ms × (1 + jitter))`, for periodic requeues. */
  addAfterJittered(key: K, ms: number, jitter = 0.1): void {
    this.addAfter(key, jittered(ms, jitter, this.#random));
  }

  /** Adds `key` after the delay the rate limiter gives it (a failed attempt). */
  addRateLimited(key: K): void {
    if (this.#shuttingDown) return;
    this.addAfter(key, this.#limiter.when(key));
  }

  /** Resets the failure count of `key`, so its next failure starts from the base delay. */
  forget(key: K): void {
    this.#limiter.forget(key);
  }

  /** How many times `key` was rate-limited since it was last forgotten. */
  numRequeues(key: K): number {
    return this.#limiter.numRequeues(key);
  }

  /** Number of keys ready to be handed out (not those being processed or waiting). */
  len(): number {
    return this.#queue.length - this.#head;
  }

  /** True once `shutDown` or `shutDownWithDrain` was called. */
  isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /**
   * Stops accepting keys: `add`s are ignored, delayed keys are dropped, and workers blocked in
   * `get` receive undefined. Keys already queued are still handed out. Idempotent.
   */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const { timer } of this.#waiting.values()) this.#clock.clearTimeout(timer);
    this.#waiting.clear();
    // Getters only wait on an empty queue, so none of them has a key coming.
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
    this.#checkDrained();
  }

  /**
   * `shutDown`, then resolves once every queued key was handed out and every key handed out
   * is `done` — so workers must keep running until it resolves. Unlike client-go, which
   * waits only for keys in processing, this also waits for queued ones, so no accepted
   * key is left behind by a graceful stop.
   */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#drained()) return Promise.resolve();
    return new Promise((resolve) => this.#drainers.push(resolve));
  }

  #enqueue(key: K): void {
    const getter = this.#getters.shift();
    if (getter) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      getter(key);
      return;
    }
    this.#queue.push(key);
  }

  #take(): K {
    const key = this.#queue[this.#head++];
    // Compact now and then rather than `shift()` on every take, which is O(n).
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #drained(): boolean {
    return this.#processing.size === 0 && this.len() === 0;
  }

  #checkDrained(): void {
    if (this.#shuttingDown && this.#drained()) for (const resolve of this.#drainers.splice(0)) resolve();
  }
}
