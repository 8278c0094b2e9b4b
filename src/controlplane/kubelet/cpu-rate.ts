/**
 * CPU rates from cumulative CPU time, per container run, as metrics-server derives them
 * from two kubelet scrapes: rate = ΔCPU time / Δwall time, and the window is Δwall time.
 * Worked example: 1.2 s of CPU at t=10 s and 1.7 s at t=11 s → 0.5 s / 1 s = 500,000,000
 * nano-cores over a 1 s window.
 *
 * - The first reading of a run (or the first after a restart, seen as a new run id or a
 *   CPU time that went down) has no previous one: it gives the average since the process
 *   started, so `kubectl top` shows something at once instead of waiting for a second
 *   scrape.
 * - Readings closer than MIN_RATE_WINDOW_MS to the last kept one return the last rate
 *   unchanged, so two callers polling at once (kubectl, the HPA) do not shrink each
 *   other's window to a few noisy milliseconds.
 */
import { MIN_RATE_WINDOW_MS } from './usage.js';

interface Sample {
  run: string;
  cpuNs: number;
  atNs: bigint;
  rate: number;
  windowNs: number;
}

/** A CPU rate and the window it was measured over. */
export interface CpuRate {
  cpuNanoCores: number;
  windowMs: number;
}

/** The smallest "since start" window: /proc start times have a 10 ms resolution. */
const MIN_SINCE_START_NS = 10_000_000;

/** Remembers the last reading of each container to turn the next one into a rate. */
export class CpuRateTracker {
  private readonly samples = new Map<string, Sample>();

  /**
   * The rate of the container `key` (`<pod uid>/<container>`) given its run id, its CPU
   * time so far and how long the run has lasted, read at monotonic time `atNs`.
   */
  rate(key: string, run: string, cpuNs: number, ranNs: number, atNs: bigint): CpuRate {
    const prev = this.samples.get(key);
    let sample: Sample;
    if (!prev || prev.run !== run || cpuNs < prev.cpuNs) {
      const windowNs = Math.max(MIN_SINCE_START_NS, ranNs);
      sample = { run, cpuNs, atNs, rate: cpuNs / (windowNs / 1e9), windowNs };
    } else {
      const elapsedNs = Number(atNs - prev.atNs);
      if (elapsedNs < MIN_RATE_WINDOW_MS * 1e6) return result(prev);
      sample = { run, cpuNs, atNs, rate: (cpuNs - prev.cpuNs) / (elapsedNs / 1e9), windowNs: elapsedNs };
    }
    this.samples.set(key, sample);
    return result(sample);
  }

  /** Forgets every container of a pod (`<pod uid>/`). */
  forget(prefix: string): void {
    for (const key of this.samples.keys()) if (key.startsWith(prefix)) this.samples.delete(key);
  }
}

function result(s: Sample): CpuRate {
  return { cpuNanoCores: Math.round(s.rate), windowMs: Math.round(s.windowNs / 1e6) };
}
