/**
 * The worker loop of kubernetes/sample-controller (`runWorker` / `processNextWorkItem`):
 * each worker takes a key, reconciles it, and lets the queue alone decide what happens next.
 *
 * | reconcile                       | queue                          | why                          |
 * |---------------------------------|--------------------------------|------------------------------|
 * | returns nothing                 | forget                         | done; the backoff resets     |
 * | returns `{ requeueAfter: ms }`  | forget, addAfter(ms)           | periodic resync, not failure |
 * | throws `WaitingError`           | forget, addAfter(its delay)    | a known wait, not failure    |
 * | throws `StalledError`           | forget, nothing queued         | retrying cannot help         |
 * | throws anything else            | addRateLimited                 | transient: back off, retry   |
 *
 * In every case the key is `done` afterwards, so an `add` that arrived during the reconcile
 * queues it again at once (the object changed while we looked at it).
 */
import { CapstanError } from '../core/index.js';
import { realClock, type Clock } from './clock.js';
import { errorOutcome, WaitingError, type ErrorOutcome } from './outcome-errors.js';
import type { WorkQueue } from './work-queue.js';

/** What a reconcile returns when it does not throw. */
export type ReconcileResult = void | {
  /** Reconcile again after this many ms (no effect when ≤ 0). */
  requeueAfter?: number;
  /** Spread the requeue over `[requeueAfter, requeueAfter × (1 + jitter))`; periodic resyncs should set it. */
  jitter?: number;
};

/** What became of one reconcile, as reported to `onDone`. */
export type ReconcileOutcome = 'success' | 'requeue' | ErrorOutcome;

/** One finished reconcile, for logs and metrics. */
export interface ReconcileReport<K extends string> {
  key: K;
  outcome: ReconcileOutcome;
  /** Wall time of the reconcile by the clock given to `runWorkers`. */
  durationMs: number;
  /** The thrown value, for the error outcomes. */
  error?: unknown;
}

/** Settings of `runWorkers`. */
export interface RunWorkersOptions<K extends string> {
  queue: WorkQueue<K>;
  /** Number of keys reconciled concurrently (default 1); never two workers on one key. */
  workers?: number;
  /** Re-reads the state behind `key` and converges it; throws an outcome error to fail. */
  reconcile: (key: K) => Promise<ReconcileResult>;
  /** Called for every thrown error with its outcome; this is where errors get logged. */
  onError?: (key: K, error: unknown, outcome: ErrorOutcome) => void;
  /** Called after every reconcile, whatever its outcome. */
  onDone?: (report: ReconcileReport<K>) => void;
  /** Times reconciles (default: the real clock). */
  clock?: Clock;
}

/** Running workers. */
export interface Workers {
  /**
   * Shuts the queue down with drain and resolves once every queued key was reconciled and
   * every worker has exited. Idempotent: later calls return the same promise.
   */
  stop(): Promise<void>;
  /** Resolves when all workers have exited (after `stop`, or a `shutDown` of the queue). */
  readonly exited: Promise<void>;
}

/** Starts `workers` loops over `queue`. */
export function runWorkers<K extends string>(options: RunWorkersOptions<K>): Workers {
  const { queue, reconcile, onError, onDone, clock = realClock } = options;
  const count = options.workers ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw new CapstanError('RUNTIME_INVALID_OPTION', `workers must be a positive integer, got ${count}`, {
      option: 'workers',
      value: count,
    });
  }

  async function processOne(key: K): Promise<void> {
    const start = clock.now().getTime();
    let outcome: ReconcileOutcome;
    let error: unknown;
    try {
      const result = await reconcile(key);
      queue.forget(key);
      const after = result ? (result.requeueAfter ?? 0) : 0;
      if (after > 0) {
        outcome = 'requeue';
        if (result && result.jitter !== undefined) queue.addAfterJittered(key, after, result.jitter);
        else queue.addAfter(key, after);
      } else {
        outcome = 'success';
      }
    } catch (e) {
      error = e;
      outcome = errorOutcome(e);
      if (outcome === 'transient') {
        queue.addRateLimited(key);
      } else {
        queue.forget(key);
        if (e instanceof WaitingError) queue.addAfter(key, e.requeueAfterMs);
      }
      const kind = outcome;
      guard(() => onError?.(key, e, kind));
    } finally {
      queue.done(key);
    }
    const report: ReconcileReport<K> = { key, outcome, durationMs: clock.now().getTime() - start };
    if (error !== undefined) report.error = error;
    guard(() => onDone?.(report));
  }

  async function loop(): Promise<void> {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      await processOne(key);
    }
  }

  const exited = Promise.all(Array.from({ length: count }, loop)).then(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    exited,
    stop() {
      stopping ??= queue.shutDownWithDrain().then(() => exited);
      return stopping;
    },
  };
}

/** Hooks are for logging and metrics: a bug in one must not stop the workers. */
function guard(fn: () => void): void {
  try {
    fn();
  } catch {
    // Deliberately ignored: see above.
  }
}
