/**
 * The syncs one queue instance is running, and the graceful stop both implementations share:
 * wait up to the grace period, then hand back what still runs and abort it.
 */
import { CapstanError } from '../../core/index.js';
import type { Clock } from '../../runtime/index.js';
import type { SyncHandler, SyncJob } from './types.js';

/** One sync in progress on this instance. */
export interface RunningSync {
  readonly job: SyncJob;
  readonly controller: AbortController;
  /** Set once `close()` gave the request back: its outcome no longer counts. */
  handedBack: boolean;
  /** Settles when the handler has returned or thrown; never rejects. */
  readonly settled: Promise<{ ok: true } | { ok: false; error: unknown }>;
}

export class RunningSyncs {
  readonly #runs = new Map<string, RunningSync>();

  get size(): number {
    return this.#runs.size;
  }

  jobs(): SyncJob[] {
    return [...this.#runs.values()].map((r) => r.job);
  }

  /** Starts `handler` on `job`; the entry leaves the set when the handler settles. */
  start(job: SyncJob, handler: SyncHandler): RunningSync {
    const controller = new AbortController();
    const settled = Promise.resolve()
      .then(() => handler({ ...job }, controller.signal))
      .then(
        () => ({ ok: true }) as const,
        (error: unknown) => ({ ok: false, error }) as const,
      );
    const run: RunningSync = { job, controller, handedBack: false, settled };
    this.#runs.set(job.app, run);
    void settled.then(() => this.#runs.delete(job.app));
    return run;
  }

  /**
   * Waits up to `graceMs` for every run to settle; then, for each run still going, calls
   * `handBack` (which must make the request pending again) and aborts its signal, and waits
   * for those handlers to return. Handing back before aborting means a handler that reacts to
   * the abort at once cannot race the request's return to the queue.
   */
  async drain(graceMs: number, clock: Clock, handBack: (run: RunningSync) => Promise<void>): Promise<void> {
    const settledAll = () => Promise.all([...this.#runs.values()].map((r) => r.settled));
    if (this.#runs.size === 0) return;
    let timer;
    const graceOver = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, graceMs)));
    await Promise.race([settledAll(), graceOver]);
    if (timer) clock.clearTimeout(timer);
    const left = [...this.#runs.values()];
    for (const run of left) {
      run.handedBack = true;
      await handBack(run);
      run.controller.abort(
        new CapstanError(
          'QUEUE_SHUTDOWN',
          `the sync queue closed while ${run.job.app} was syncing: handed back`,
          {
            app: run.job.app,
          },
        ),
      );
    }
    await Promise.all(left.map((r) => r.settled));
  }
}
