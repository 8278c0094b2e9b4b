/**
 * Time source for the kubelet. Every duration in the runtime (probe periods and timeouts,
 * CrashLoopBackOff, grace periods) goes through a Clock, so tests can run the same code
 * faster with `scaledClock` instead of waiting minutes of real time.
 */
import { setTimer } from '../../core/index.js';

/** An opaque timer handle returned by `Clock.setTimeout`. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Wall-clock time and timers; all values in milliseconds of the clock's own time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimer(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A clock that runs `factor` times faster than real time: with factor 50, the 10 s first
 * CrashLoopBackOff delay passes in 200 ms of real time, and `now()` advances 50 s for
 * every real second (so status timestamps stay consistent with the delays).
 */
export function scaledClock(factor: number): Clock {
  if (!(factor > 0)) throw new RangeError(`scaledClock: factor must be > 0, got ${factor}`);
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * factor,
    setTimeout: (fn, ms) => setTimer(fn, ms / factor),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}
