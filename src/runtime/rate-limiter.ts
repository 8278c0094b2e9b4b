/**
 * How long a failed key waits before its next attempt — the rate limiters of client-go's
 * `util/workqueue/default_rate_limiters.go`, with the same arithmetic, driven by a `Clock`.
 * Written here because no maintained npm package offers client-go's per-item limiters.
 */
import type { Clock } from './clock.js';

/** Decides the delay of a key's next retry and remembers its failures. */
export interface RateLimiter {
  /** Delay in ms before `key` may be retried; counts as one more failure of `key`. */
  when(key: string): number;
  /** Clears what is remembered about `key` (it succeeded, or is dropped). */
  forget(key: string): void;
  /** How many times `key` has failed since it was last forgotten. */
  numRequeues(key: string): number;
}

/**
 * Per-key exponential backoff: `base * 2^failures`, capped at `max`.
 * With client-go's controller defaults (5 ms, 1000 s) a key waits 5, 10, 20, 40 ms, …;
 * the 18th retry would be 5 ms × 2^17 = 655.36 s and the 19th 1310.72 s, so from the 19th
 * on it waits the 1000 s cap.
 */
export class ItemExponentialRateLimiter implements RateLimiter {
  readonly #failures = new Map<string, number>();

  constructor(
    readonly baseMs: number,
    readonly maxMs: number,
  ) {}

  when(key: string): number {
    const exp = this.#failures.get(key) ?? 0;
    this.#failures.set(key, exp + 1);
    // 2^exp grows past any cap long before it overflows a double (2^1024), so comparing
    // after multiplying is safe; Infinity also compares greater than `max`.
    const backoff = this.baseMs * 2 ** exp;
    return backoff > this.maxMs ? this.maxMs : backoff;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * One token bucket for all keys (golang.org/x/time/rate's `Reserve().Delay()`): the bucket
 * holds up to `burst` tokens and refills at `qps` per second; each retry takes a token, and
 * when none is left the retry is scheduled for when its token will have been refilled.
 * With 10 qps and a burst of 100, 100 retries at one instant go at once, the 101st waits
 * 100 ms, the 102nd 200 ms; one second later 10 tokens are back.
 */
export class BucketRateLimiter implements RateLimiter {
  #tokens: number;
  #last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.#tokens = burst;
    this.#last = clock.now().getTime();
  }

  when(): number {
    const now = this.clock.now().getTime();
    // Tokens may be negative: reservations not yet covered by the refill. x/time/rate only
    // moves `last` forward, so a clock that steps back refills nothing.
    const elapsed = Math.max(0, now - this.#last);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1000) * this.qps);
    this.#last = Math.max(this.#last, now);
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.qps) * 1000;
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/**
 * The longest delay any of `limiters` asks for. Every limiter is consulted on each call, so
 * each records the failure (the bucket spends a token even when the backoff is longer).
 */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    let delay = 0;
    for (const limiter of this.#limiters) delay = Math.max(delay, limiter.when(key));
    return delay;
  }

  forget(key: string): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(key));
    return n;
  }
}

/** Settings of `controllerRateLimiter`; the defaults are client-go's. */
export interface ControllerRateLimiterOptions {
  /** First per-key backoff (5 ms). */
  baseDelayMs?: number;
  /** Per-key backoff cap (1000 s). */
  maxDelayMs?: number;
  /** Overall refill rate of the bucket, in retries per second (10). */
  qps?: number;
  /** Overall bucket size (100). */
  burst?: number;
}

/** client-go's `DefaultControllerRateLimiter`: per-key 5 ms→1000 s backoff, and 10 qps / 100 burst overall. */
export function controllerRateLimiter(clock: Clock, options: ControllerRateLimiterOptions = {}): RateLimiter {
  const { baseDelayMs = 5, maxDelayMs = 1_000_000, qps = 10, burst = 100 } = options;
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter(baseDelayMs, maxDelayMs),
    new BucketRateLimiter(qps, burst, clock),
  );
}
