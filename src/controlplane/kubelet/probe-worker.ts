/**
 * A periodic prober for one probe of one running container (pkg/kubelet/prober/worker.go):
 * no attempt before initialDelaySeconds, one every periodSeconds, and a result flips only
 * after successThreshold consecutive successes or failureThreshold consecutive failures.
 * Readiness and liveness wait until the container has `started` (startup probe passed);
 * the startup prober stops once it has passed. After a liveness or startup failure the
 * worker stops: the container is killed and a new worker probes its successor.
 */
import type { Clock, TimerHandle } from './clock.js';
import type { ProbeSpec } from './pod-spec.js';
import { runProbe, type ProbeTarget } from './probe.js';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

/** How a worker reads and reports container state. */
export interface ProbeHooks {
  /** Whether the container counts as started (startup probe passed or absent). */
  started(): boolean;
  /** Called when the thresholded result changes (first result included). */
  onResult(ok: boolean, message?: string): void;
}

/** Runs one probe periodically until stopped. */
export class ProbeWorker {
  private timer?: TimerHandle;
  private stopped = false;
  private result: boolean | undefined;
  private run = 0;
  private lastOk: boolean | undefined;

  constructor(
    readonly kind: ProbeKind,
    private readonly spec: ProbeSpec,
    private readonly target: ProbeTarget,
    private readonly clock: Clock,
    startedAt: number,
    private readonly hooks: ProbeHooks,
  ) {
    // Liveness starts out "alive" and readiness "not ready", as in the kubelet's results cache.
    this.result = kind === 'liveness' ? true : kind === 'readiness' ? false : undefined;
    const firstAt = startedAt + spec.initialDelaySeconds * 1000;
    this.schedule(Math.max(0, firstAt - clock.now()));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const periodMs = Math.max(1, this.spec.periodSeconds * 1000);
    if (this.kind === 'startup' && this.hooks.started()) return this.stop();
    if (this.kind !== 'startup' && !this.hooks.started()) return this.schedule(periodMs);
    const outcome = await runProbe(this.spec, this.target, this.clock);
    if (this.stopped) return;
    this.run = outcome.ok === this.lastOk ? this.run + 1 : 1;
    this.lastOk = outcome.ok;
    const threshold = outcome.ok ? this.spec.successThreshold : this.spec.failureThreshold;
    if (this.run >= threshold && this.result !== outcome.ok) {
      this.result = outcome.ok;
      this.hooks.onResult(outcome.ok, outcome.message);
      // A failed liveness or startup probe means the container is being killed.
      if (!outcome.ok && this.kind !== 'readiness') return this.stop();
      if (outcome.ok && this.kind === 'startup') return this.stop();
    }
    this.schedule(periodMs);
  }

  /** Stops probing; idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
  }
}
