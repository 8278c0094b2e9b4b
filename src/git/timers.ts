/**
 * The timers the poller and the local watcher use. `src/runtime`'s `Clock` and `FakeClock`
 * fit this shape, so the daemon passes its clock and tests drive time; `git/` itself may
 * import only `core/`, hence this minimal interface rather than the runtime's.
 */
import { setTimer } from '../core/index.js';

export interface Timers {
  now(): Date;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** Node's own timers. */
export const realTimers: Timers = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimer(fn, ms),
  clearTimeout: (timer) => globalThis.clearTimeout(timer as NodeJS.Timeout),
};
