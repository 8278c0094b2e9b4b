/**
 * The kubelet's `simulated` runtime, in the spirit of KWOK: pods go through the lifecycle
 * of the process runtime (Pending → Running → Ready, CrashLoopBackOff, completion, kill)
 * with no process behind them, so tests and scale benchmarks (1,000 pods) exercise the
 * control plane without forking. Its public surface is `ProcessRuntime`'s, so either can
 * sit behind the kubelet. Annotations steer each pod (see annotations.ts); every
 * container status is marked `imageID: "simulated://"`,
 * `containerID: "simulated://<uid>/<name>"`, while the pod conditions stay standard.
 * Resource usage is what the pod declares in annotations (declared-usage.ts).
 */
import { Readable } from 'node:stream';
import { CapstanError, isJsonObject, type JsonObject } from '../../../core/index.js';
import { logRun } from '../logs.js';
import { CrashBackoff, DEFAULT_BACKOFF } from '../backoff.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { ResolvedPod, RuntimeEvent } from '../pod-worker.js';
import type { PortMapping } from '../ports.js';
import type { LogOptions, PodUsage } from '../process-runtime.js';
import { MIN_RATE_WINDOW_MS, type ContainerUsage } from '../usage.js';
import { declaredShare, readDeclaredUsage, type DeclaredUsage } from './declared-usage.js';
import { simulatedLog } from './simulated-log.js';
import { SimulatedPod } from './simulated-pod.js';

/** Options of `SimulatedRuntime`. */
export interface SimulatedRuntimeOptions {
  /** Time source; tests pass a fake or `scaledClock(n)`. */
  clock?: Clock;
  /** Clock milliseconds from a container's start to Ready (or its simulated failure); default 1000. */
  readyAfterMs?: number;
  /** Receives the pod's full `status` whenever it changed (coalesced, never repeated). */
  onPodStatus: (uid: string, status: JsonObject) => void;
  /** Receives kubelet-style events (Started, Killing, BackOff, Unhealthy). */
  onEvent?: (event: RuntimeEvent) => void;
  /** Clock milliseconds over which status changes are coalesced; default 50. */
  statusDebounceMs?: number;
  /** CrashLoopBackOff delays in clock milliseconds; default 10 s doubling to 5 min. */
  backoff?: { initialMs: number; maxMs: number };
}

/** Fake host ports start here; nothing ever listens on them. */
const FIRST_PORT = 30_000;

/** Runs Pods as simulations: statuses without processes. */
export class SimulatedRuntime {
  private readonly clock: Clock;
  private readonly backoff: CrashBackoff;
  private readonly pods = new Map<
    string,
    { pod: SimulatedPod; ports: PortMapping[]; usage: DeclaredUsage }
  >();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly emitted = new Map<string, string>();
  private nextPort = FIRST_PORT;
  private closing?: Promise<void>;
  private closed = false;

  constructor(private readonly opts: SimulatedRuntimeOptions) {
    this.clock = opts.clock ?? systemClock;
    const b = opts.backoff ?? DEFAULT_BACKOFF;
    this.backoff = new CrashBackoff(b.initialMs, b.maxMs);
  }

  /**
   * Makes the simulated pod match `pod`: new containers start at once (init containers
   * complete at once, in order), a changed container restarts. `_resolved` is accepted for
   * the same signature as `ProcessRuntime.syncPod`; there is no process to give it to.
   */
  async syncPod(pod: JsonObject, _resolved: ResolvedPod): Promise<void> {
    if (this.closing) throw new CapstanError('KUBELET_CLOSED', 'the simulated runtime is closed');
    const meta = isJsonObject(pod.metadata) ? pod.metadata : {};
    const uid = typeof meta.uid === 'string' ? meta.uid : '';
    if (!/^[A-Za-z0-9._-]+$/.test(uid)) {
      throw new CapstanError(
        'KUBELET_BAD_POD',
        `pod ${String(meta.name)} has no usable metadata.uid (got ${JSON.stringify(uid)})`,
      );
    }
    let entry = this.pods.get(uid);
    if (!entry) {
      const sim = new SimulatedPod(uid, {
        clock: this.clock,
        backoff: this.backoff,
        readyAfterMs: this.opts.readyAfterMs ?? 1000,
        changed: () => this.changed(uid),
        event: (e) => this.opts.onEvent?.(e),
      });
      entry = { pod: sim, ports: [], usage: readDeclaredUsage(pod) };
      this.pods.set(uid, entry);
      entry.pod.update(pod);
      entry.ports = this.allocatePorts(entry.pod);
      return;
    }
    entry.usage = readDeclaredUsage(pod);
    entry.pod.update(pod);
  }

  /** Like ports.ts, a declared hostPort is kept; other ports get the next counter value. */
  private allocatePorts(pod: SimulatedPod): PortMapping[] {
    return [...pod.view.initContainers, ...pod.view.containers].flatMap((c) =>
      c.ports.map((p) => {
        if (this.nextPort > 65_535) this.nextPort = FIRST_PORT;
        return {
          container: c.name,
          name: p.name,
          containerPort: p.containerPort,
          protocol: p.protocol,
          hostPort: p.hostPort ?? this.nextPort++,
        };
      }),
    );
  }

  // Coalescing as in ProcessRuntime: one timer per pod, one report per distinct status.
  private changed(uid: string): void {
    if (this.closed || this.timers.has(uid)) return;
    const ms = this.opts.statusDebounceMs ?? 50;
    this.timers.set(
      uid,
      this.clock.setTimeout(() => {
        this.timers.delete(uid);
        this.flush(uid);
      }, ms),
    );
  }

  private flush(uid: string): void {
    const entry = this.pods.get(uid);
    if (!entry) return;
    const status = entry.pod.status();
    const text = JSON.stringify(status);
    if (this.emitted.get(uid) === text) return;
    this.emitted.set(uid, text);
    try {
      this.opts.onPodStatus(uid, status);
    } catch {
      // The listener's failure must not stop the runtime; it gets the next change anyway.
    }
  }

  private pod(uid: string): SimulatedPod {
    const p = this.pods.get(uid)?.pod;
    if (!p)
      throw new CapstanError('KUBELET_POD_NOT_FOUND', `pod ${uid} is not running on this node`, { uid });
    return p;
  }

  /**
   * Stops the pod: no more restarts, every running container exits 0 — at once, or after
   * `gracePeriodSeconds` (clock seconds) when the pod has `capstan.dev/simulate-ignore-sigterm`.
   * The pod ends Succeeded or Failed as computePhase decides. Unknown pods are ignored.
   */
  async killPod(uid: string, gracePeriodSeconds: number): Promise<void> {
    await this.pods.get(uid)?.pod.kill(Math.max(0, gracePeriodSeconds) * 1000);
  }

  /** Kills the pod at once if needed and forgets it. */
  async removePod(uid: string): Promise<void> {
    if (!this.pods.has(uid)) return;
    await this.killPod(uid, 0);
    this.pods.delete(uid);
    const timer = this.timers.get(uid);
    if (timer) this.clock.clearTimeout(timer);
    this.timers.delete(uid);
    this.emitted.delete(uid);
    this.backoff.forget(`${uid}/`);
  }

  /** The pod's current status, or undefined for a pod this runtime does not run. */
  podStatus(uid: string): JsonObject | undefined {
    return this.pods.get(uid)?.pod.status();
  }

  /** The fake host port each declared container port was given (never listened on). */
  portMap(uid: string): PortMapping[] {
    return this.pods.get(uid)?.ports.map((p) => ({ ...p })) ?? [];
  }

  /** Uids of the pods this runtime knows. */
  podUids(): string[] {
    return [...this.pods.keys()];
  }

  /**
   * A short synthetic log saying the container is simulated, with the process runtime's
   * errors for an unknown container or a missing previous run. With `follow` the stream
   * ends at once: nothing more will ever be written.
   */
  logs(uid: string, container: string, opts: LogOptions & { follow: true }): Promise<Readable>;
  logs(uid: string, container: string, opts?: LogOptions & { follow?: false }): Promise<string>;
  async logs(uid: string, container: string, opts: LogOptions = {}): Promise<string | Readable> {
    const p = this.pod(uid);
    const { slot, run } = logRun(p.slots, p.view.name, uid, container, opts.previous);
    const text = simulatedLog(p, slot, run, opts.tailLines);
    return opts.follow ? Readable.from([text]) : text;
  }

  /**
   * The pod's declared usage (zero when it declares none): the sum of `containerUsage`.
   * Errors for an unknown pod, as ProcessRuntime does.
   */
  usage(uid: string): PodUsage {
    this.pod(uid);
    const containers = this.containerUsage([uid]).get(uid) ?? [];
    return {
      cpuNanoCores: containers.reduce((n, c) => n + c.cpuNanoCores, 0),
      memoryBytes: containers.reduce((n, c) => n + c.memoryBytes, 0),
    };
  }

  /**
   * Each running app container's declared share (declared-usage.ts) for every pod in
   * `uids` this runtime runs, as ProcessRuntime.containerUsage reports measured usage. The
   * window is the process runtime's shortest: a declared rate holds over any window.
   */
  containerUsage(uids: readonly string[]): Map<string, ContainerUsage[]> {
    const out = new Map<string, ContainerUsage[]>();
    for (const uid of uids) {
      const entry = this.pods.get(uid);
      if (!entry) continue;
      const names = entry.pod.view.containers.map((c) => c.name);
      const running = names.filter((n) => entry.pod.slots.get(n)?.rec.state.kind === 'running');
      out.set(
        uid,
        running.map((name) => ({
          name,
          ...declaredShare(entry.usage, names, name),
          windowMs: MIN_RATE_WINDOW_MS,
        })),
      );
    }
    return out;
  }

  /**
   * Kills every pod (each with its own terminationGracePeriodSeconds unless
   * `gracePeriodSeconds` is given), reports their final statuses and stops reporting.
   * Idempotent.
   */
  close(gracePeriodSeconds?: number): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(
        [...this.pods.values()].map(({ pod }) =>
          pod.kill((gracePeriodSeconds ?? pod.view.terminationGracePeriodSeconds) * 1000),
        ),
      );
      for (const t of this.timers.values()) this.clock.clearTimeout(t);
      this.timers.clear();
      // The final statuses (every container terminated) go out now, nothing after.
      for (const uid of this.pods.keys()) this.flush(uid);
      this.closed = true;
    })();
    return this.closing;
  }
}
