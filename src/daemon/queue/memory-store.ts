/**
 * The state behind `MemorySyncQueue`: what Redis holds for `BullMqSyncQueue`, kept in this
 * process. Several queue instances may share one store, as several replicas share one Redis;
 * then each application still runs on one instance at a time, and a request handed back by a
 * closing instance is run by another. Every method is synchronous, so each is atomic, like
 * the Lua scripts of the BullMQ queue.
 */
import { realClock, type Clock, type Timer } from '../../runtime/index.js';
import { PRIORITY_RANK, higherPriority } from './options.js';
import type { SyncJob, SyncQueueSnapshot, SyncRequest } from './types.js';

interface Pending {
  job: SyncJob;
  /** Not to run before this time (ms): set while a failed request waits for its backoff. */
  notBefore: number;
  /** Position among waiting applications of one priority: the earlier, the sooner. */
  seq: number;
}

/** What became of a failed run. */
export type FailOutcome = 'superseded' | 'retry' | 'exhausted';

export class MemorySyncStore {
  readonly clock: Clock;
  readonly #pending = new Map<string, Pending>();
  readonly #running = new Map<string, SyncJob>();
  /** Instances to wake when work may be available; the store runs nothing itself. */
  readonly #listeners = new Set<() => void>();
  #seq = 0;
  #timer: { at: number; handle: Timer } | undefined;

  constructor(options: { clock?: Clock } = {}) {
    this.clock = options.clock ?? realClock;
  }

  /** Makes `req` the application's pending request (see `SyncQueue` for the merge rules). */
  put(req: SyncRequest): void {
    const old = this.#pending.get(req.app);
    const priority = old ? higherPriority(old.job.priority, req.priority) : req.priority;
    // A newer request also cancels the backoff of a failed one: it runs as soon as it can.
    // It keeps its place in line unless it moved up a priority or out of a backoff: then it
    // joins the end of its priority's line, as a BullMQ job does when re-prioritized or promoted.
    const keepPlace = old && old.job.priority === priority && old.notBefore === 0;
    this.#pending.set(req.app, {
      job: { ...req, priority, attempt: 1 },
      notBefore: 0,
      seq: keepPlace ? old.seq : ++this.#seq,
    });
    this.#changed();
  }

  /**
   * Takes the request that should run next — the highest priority, then the longest waiting,
   * among applications that are not running and not backing off — and marks it running.
   */
  take(): SyncJob | undefined {
    const now = this.#now();
    let best: Pending | undefined;
    for (const p of this.#pending.values()) {
      if (p.notBefore > now || this.#running.has(p.job.app)) continue;
      if (!best || before(p, best)) best = p;
    }
    if (!best) return undefined;
    this.#pending.delete(best.job.app);
    this.#running.set(best.job.app, best.job);
    return { ...best.job };
  }

  /** Ends a run that succeeded or was handed back. */
  release(app: string): void {
    this.#running.delete(app);
    this.#changed();
  }

  /**
   * Ends a failed run: a newer pending request supersedes it; otherwise it waits `delayMs` and
   * runs again as attempt + 1, unless that would exceed `attempts`.
   */
  fail(job: SyncJob, attempts: number, delayMs: number): FailOutcome {
    this.#running.delete(job.app);
    let outcome: FailOutcome;
    if (this.#pending.has(job.app)) outcome = 'superseded';
    else if (job.attempt >= attempts) outcome = 'exhausted';
    else {
      this.#pending.set(job.app, {
        job: { ...job, attempt: job.attempt + 1 },
        notBefore: this.#now() + delayMs,
        seq: ++this.#seq,
      });
      outcome = 'retry';
    }
    this.#changed();
    return outcome;
  }

  /** Makes a running request pending again, unless a newer one is; the run stays marked running. */
  handBack(job: SyncJob): void {
    if (this.#pending.has(job.app)) return;
    this.#pending.set(job.app, { job: { ...job }, notBefore: 0, seq: ++this.#seq });
  }

  snapshot(): SyncQueueSnapshot {
    return {
      pending: [...this.#pending.values()].sort((a, b) => (before(a, b) ? -1 : 1)).map((p) => ({ ...p.job })),
      running: [...this.#running.values()].map((j) => ({ ...j })),
    };
  }

  /** `wake` is called whenever work may have become available. */
  subscribe(wake: () => void): () => void {
    this.#listeners.add(wake);
    this.#changed();
    return () => {
      this.#listeners.delete(wake);
      // Nobody left to run a delayed retry: drop the timer so that it does not keep the
      // process alive; the next subscriber sets it again.
      if (this.#listeners.size === 0) this.#clearTimer();
    };
  }

  #now(): number {
    return this.clock.now().getTime();
  }

  #changed(): void {
    this.#armTimer();
    for (const wake of [...this.#listeners]) wake();
  }

  /** Keeps one timer, for the earliest retry still backing off. */
  #armTimer(): void {
    if (this.#listeners.size === 0) return;
    const now = this.#now();
    let at = Infinity;
    for (const p of this.#pending.values()) if (p.notBefore > now && p.notBefore < at) at = p.notBefore;
    if (this.#timer?.at === at) return;
    this.#clearTimer();
    if (at === Infinity) return;
    this.#timer = {
      at,
      handle: this.clock.setTimeout(() => {
        this.#timer = undefined;
        this.#changed();
      }, at - now),
    };
  }

  #clearTimer(): void {
    if (this.#timer) this.clock.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
  }
}

function before(a: Pending, b: Pending): boolean {
  const ra = PRIORITY_RANK[a.job.priority];
  const rb = PRIORITY_RANK[b.job.priority];
  return ra !== rb ? ra > rb : a.seq < b.seq;
}
