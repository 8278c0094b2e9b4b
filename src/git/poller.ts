import { gitError, isTransientGitError } from './errors.js';
import { realTimers, type Timers } from './timers.js';

/** Argo CD's default: look at the remote every 3 minutes. */
export const DEFAULT_POLL_INTERVAL_MS = 180_000;

export interface PollerOptions {
  /** The cheap check: resolves to the revision's current id (e.g. `GitSource.check()`'s commit). */
  check: () => Promise<string>;
  /** Time between checks while the remote answers (default 3 minutes). */
  intervalMs?: number;
  /** Each delay is spread by ±this fraction (default 0.1), so sources started together do not poll together. */
  jitter?: number;
  /** First retry delay after a transient failure (default 5 s), doubled per failure... */
  backoffInitialMs?: number;
  /** ...up to this (default 10 minutes). */
  backoffMaxMs?: number;
  /** The revision already synced; the first check reports only a different one. */
  initialRevision?: string;
  /** Called when a check finds a revision different from the last one seen. */
  onRevision?: (revision: string, previous: string | undefined) => void;
  /** Called on every failed check, with the count of consecutive failures. */
  onError?: (error: unknown, failures: number) => void;
  /** Called on the first success after failures. */
  onRecovered?: (failures: number) => void;
  timers?: Timers;
  random?: () => number;
}

/** What the poller knows, for status and tests. */
export interface PollerState {
  revision?: string;
  /** Consecutive failed checks (0 when the last one succeeded). */
  failures: number;
  lastError?: unknown;
  /** The delay before the next check, as scheduled. */
  nextDelayMs?: number;
}

/**
 * Polls one source: runs the cheap check every interval (jittered) and reports new
 * revisions. While the check fails with a transient error (the server is unreachable or
 * answers 5xx) it retries sooner and backs off exponentially, capped, and goes back to the
 * normal interval by itself once the server answers. Other errors (bad credentials, unknown
 * revision) need a user to act: they are reported and retried at the normal interval.
 *
 * Worked example with the defaults, server down at t=0: retries after 5 s, 10 s, 20 s, 40 s,
 * 80 s, 160 s, 320 s, then every 600 s (each ±10%); the first check that succeeds reports
 * recovery and the poller is back to every 180 s.
 */
export class Poller {
  readonly #opts: PollerOptions;
  readonly #intervalMs: number;
  readonly #jitter: number;
  readonly #backoffInitialMs: number;
  readonly #backoffMaxMs: number;
  readonly #timers: Timers;
  readonly #random: () => number;
  #state: PollerState;
  #timer: unknown;
  #running?: Promise<void>;
  /** the check that follows the running one, for pollNow calls made while it runs */
  #again?: Promise<void>;
  #started = false;
  #closed = false;

  constructor(options: PollerOptions) {
    this.#opts = options;
    this.#intervalMs = positive('intervalMs', options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.#backoffInitialMs = positive('backoffInitialMs', options.backoffInitialMs ?? 5_000);
    this.#backoffMaxMs = positive('backoffMaxMs', options.backoffMaxMs ?? 600_000);
    this.#jitter = options.jitter ?? 0.1;
    if (!(this.#jitter >= 0 && this.#jitter < 1)) {
      throw gitError('GIT_INVALID_OPTION', `poll jitter must be in [0, 1), got ${options.jitter}`, {
        jitter: options.jitter,
      });
    }
    this.#timers = options.timers ?? realTimers;
    this.#random = options.random ?? Math.random;
    this.#state = { revision: options.initialRevision, failures: 0 };
  }

  get state(): PollerState {
    return { ...this.#state };
  }

  /** Starts polling: the first check runs at once. Idempotent. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#schedule(0);
  }

  /**
   * Checks now (a webhook said "look again", or a user asked) and restarts the interval from
   * here. A check already running may have read the refs before the push that prompted
   * this call: one more check follows it, shared by every call made meanwhile.
   */
  async pollNow(): Promise<void> {
    if (this.#closed) return;
    if (this.#running) {
      this.#again ??= this.#running.then(() => {
        this.#again = undefined;
        return this.pollNow();
      });
      return this.#again;
    }
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#run();
  }

  /** Stops polling; a check in flight finishes but reports nothing. Idempotent. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delay: number): void {
    if (this.#closed) return;
    this.#state.nextDelayMs = delay;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, delay);
  }

  #run(): Promise<void> {
    const run = this.#check().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #check(): Promise<void> {
    let revision: string;
    try {
      revision = await this.#opts.check();
    } catch (error) {
      if (this.#closed) return;
      const failures = ++this.#state.failures;
      this.#state.lastError = error;
      this.#opts.onError?.(error, failures);
      this.#schedule(this.#spread(isTransientGitError(error) ? this.#backoff(failures) : this.#intervalMs));
      return;
    }
    if (this.#closed) return;
    const failures = this.#state.failures;
    this.#state.failures = 0;
    this.#state.lastError = undefined;
    if (failures > 0) this.#opts.onRecovered?.(failures);
    const previous = this.#state.revision;
    this.#state.revision = revision;
    if (revision !== previous) this.#opts.onRevision?.(revision, previous);
    this.#schedule(this.#spread(this.#intervalMs));
  }

  /** The n-th consecutive failure waits initial × 2^(n-1), capped: 5 s, 10 s, 20 s, … 600 s. */
  #backoff(failures: number): number {
    return Math.min(this.#backoffMaxMs, this.#backoffInitialMs * 2 ** Math.min(failures - 1, 30));
  }

  /** ±jitter around `ms`: 180 s with 0.1 lands in [162 s, 198 s]. */
  #spread(ms: number): number {
    return Math.round(ms * (1 + this.#jitter * (2 * this.#random() - 1)));
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw gitError(
      'GIT_INVALID_OPTION',
      `poller ${name} must be a positive number of milliseconds, got ${value}`,
      {
        [name]: value,
      },
    );
  }
  return value;
}
