/**
 * Time as a dependency. Controllers, queues and recorders take a `Clock` instead of calling
 * `Date.now()`/`setTimeout` so that tests drive time with `FakeClock` and never sleep: a
 * 1000-second backoff is checked by `clock.advance(1_000_000)`, not by waiting.
 *
 * Hand-written rather than a fake-timers library (sinon, @sinonjs/fake-timers): those patch
 * the globals of the whole process, while an injected clock touches only the code under test.
 */

import { setTimer, sleep } from '../core/index.js';

declare const timerBrand: unique symbol;

/** An opaque handle returned by `Clock.setTimeout`, only good for `Clock.clearTimeout`. */
export type Timer = { readonly [timerBrand]: true };

/** The source of time for controller machinery. */
export interface Clock {
  /** The current time. */
  now(): Date;
  /** Runs `fn` once after `ms` milliseconds; negative delays count as 0. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Cancels a timer; a timer that already fired or was cleared is ignored. */
  clearTimeout(timer: Timer): void;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock and Node's timers. */
export const realClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimer(fn, ms) as unknown as Timer,
  clearTimeout: (timer) => globalThis.clearTimeout(timer as unknown as NodeJS.Timeout),
  sleep,
};

interface FakeTimer {
  due: number;
  /** Creation order: timers due at the same instant fire in the order they were set, as Node's do. */
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires every timer that falls due on the
 * way, in due order, with `now()` reading each timer's due time while it runs: timers set to
 * 10 ms and 5 ms fire as 5 then 10, and a timer set from inside the 5 ms callback for +3 ms
 * fires at 8, within the same `advance(10)`.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<Timer, FakeTimer>();

  /** Starts at `start` (a fixed instant by default, so output is reproducible). */
  constructor(start: Date | number = Date.UTC(2024, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const handle = {} as Timer;
    this.#timers.set(handle, { due: this.#now + Math.max(0, ms), seq: this.#seq++, fn });
    return handle;
  }

  clearTimeout(timer: Timer): void {
    this.#timers.delete(timer);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Number of timers set and not yet fired or cleared. */
  pending(): number {
    return this.#timers.size;
  }

  /** Milliseconds until the earliest pending timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    const next = this.#earliest();
    return next === undefined ? undefined : next[1].due - this.#now;
  }

  /** Moves time forward by `ms`, synchronously firing every timer that falls due. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (let next = this.#earliest(); next && next[1].due <= target; next = this.#earliest()) {
      this.#fire(next);
    }
    this.#now = target;
  }

  /**
   * Like `advance`, but lets promise callbacks run after each timer, so that async work a
   * timer starts (a worker picking up a delayed key, reconciling and requeueing it) can set
   * further timers that still fall within this window.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await this.tick();
    for (let next = this.#earliest(); next && next[1].due <= target; next = this.#earliest()) {
      this.#fire(next);
      await this.tick();
    }
    this.#now = target;
  }

  /**
   * Lets every pending promise callback run without moving time. One macrotask turn is
   * enough: Node drains the whole microtask queue, including callbacks queued by callbacks,
   * before it runs the next macrotask.
   */
  tick(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  #earliest(): [Timer, FakeTimer] | undefined {
    let best: [Timer, FakeTimer] | undefined;
    for (const entry of this.#timers) {
      const [, t] = entry;
      if (!best || t.due < best[1].due || (t.due === best[1].due && t.seq < best[1].seq)) best = entry;
    }
    return best;
  }

  #fire([handle, timer]: [Timer, FakeTimer]): void {
    this.#timers.delete(handle);
    this.#now = Math.max(this.#now, timer.due);
    timer.fn();
  }
}

/**
 * A Kubernetes `metav1.Time` string: RFC 3339 in UTC with whole seconds, as the API server
 * serializes it (`2024-01-01T00:00:05Z`, never `…:05.250Z`).
 */
export function toKubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
