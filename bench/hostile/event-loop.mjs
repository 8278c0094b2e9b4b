// Shared by the hostile benches: how long a piece of work holds the event loop.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs `work`, watching the event loop: the longest gap between ticks of a 1 ms interval, and perf_hooks' delay. */
export async function measure(work) {
  let last = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 1);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  await sleep(20);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  await sleep(20);
  loop.disable();
  clearInterval(ticker);
  const delay = `event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms`;
  return { result, figures: `${ms.toFixed(0)} ms; longest stall ${longestGap.toFixed(0)} ms; ${delay}` };
}
