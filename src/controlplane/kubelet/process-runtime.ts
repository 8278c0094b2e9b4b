/**
 * The kubelet's `process` runtime: runs each container of a Pod as a local child process,
 * with Kubernetes' container states, restarts, CrashLoopBackOff, probes and pod status.
 * It knows nothing of the API server: the caller feeds it pods (`syncPod`), resolves env
 * and volumes for it, and publishes the statuses it reports through `onPodStatus`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CapstanError, isJsonObject, type JsonObject } from '../../core/index.js';
import { CrashBackoff, DEFAULT_BACKOFF } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import type { ImageCommand } from './command.js';
import { followLog, readLog, logRun } from './logs.js';
import { PodWorker, type ResolvedPod, type RuntimeEvent } from './pod-worker.js';
import type { PortMapping } from './ports.js';
import { CpuRateTracker } from './cpu-rate.js';
import { readProcessTable, treeUsage, type ContainerUsage, type ProcessTable } from './usage.js';

/** Options of `ProcessRuntime`. */
export interface ProcessRuntimeOptions {
  /** Pods live under `<dataDir>/pods/<uid>/<container>/` (logs, default working directory). */
  dataDir: string;
  /** Time source; `scaledClock(n)` runs every delay n times faster (tests). */
  clock?: Clock;
  /** Commands standing in for image entrypoints, first match wins. */
  imageCommands?: ImageCommand[];
  /** Base environment of every container; default: only PATH from this process. */
  env?: Record<string, string>;
  /** Receives the pod's full `status` whenever it changed (coalesced, never repeated). */
  onPodStatus: (uid: string, status: JsonObject) => void;
  /** Receives kubelet-style events (Started, Killing, BackOff, Unhealthy). */
  onEvent?: (event: RuntimeEvent) => void;
  /** Clock milliseconds over which status changes are coalesced; default 50. */
  statusDebounceMs?: number;
  /** CrashLoopBackOff delays in clock milliseconds; default 10 s doubling to 5 min. */
  backoff?: { initialMs: number; maxMs: number };
}

/** Options of `ProcessRuntime.logs`. */
export interface LogOptions {
  /** The previous run's log (`kubectl logs --previous`). */
  previous?: boolean;
  tailLines?: number;
  /** Stream the log until the run exits (or the stream is destroyed). */
  follow?: boolean;
}

/** CPU as a rate (1e9 = one core) and resident memory of a pod's processes. */
export interface PodUsage {
  cpuNanoCores: number;
  memoryBytes: number;
}

/** Runs Pods as local processes. */
export class ProcessRuntime {
  private readonly clock: Clock;
  private readonly backoff: CrashBackoff;
  private readonly pods = new Map<string, { worker: PodWorker; chain: Promise<void> }>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly emitted = new Map<string, string>();
  private readonly cpuRates = new CpuRateTracker();
  private closing?: Promise<void>;
  private closed = false;

  constructor(private readonly opts: ProcessRuntimeOptions) {
    this.clock = opts.clock ?? systemClock;
    const b = opts.backoff ?? DEFAULT_BACKOFF;
    this.backoff = new CrashBackoff(b.initialMs, b.maxMs);
  }

  /**
   * Makes the pod's processes match `pod`: starts what is missing, leaves what runs,
   * restarts a container whose spec changed. Safe to call as often as wanted.
   */
  async syncPod(pod: JsonObject, resolved: ResolvedPod): Promise<void> {
    if (this.closing) throw new CapstanError('KUBELET_CLOSED', 'the process runtime is closed');
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
      const worker = new PodWorker(uid, {
        dataDir: this.opts.dataDir,
        clock: this.clock,
        imageCommands: this.opts.imageCommands ?? [],
        baseEnv: this.opts.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        backoff: this.backoff,
        changed: () => this.changed(uid),
        event: (e) => this.opts.onEvent?.(e),
      });
      entry = { worker, chain: Promise.resolve() };
      this.pods.set(uid, entry);
    }
    const { worker } = entry;
    // Updates of one pod run one at a time: the first allocates ports before any start.
    const run = entry.chain.then(() => worker.update(pod, resolved));
    entry.chain = run.catch(() => undefined);
    await run;
  }

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
    if (!entry?.worker.view) return;
    const status = entry.worker.status();
    const text = JSON.stringify(status);
    if (this.emitted.get(uid) === text) return;
    this.emitted.set(uid, text);
    try {
      this.opts.onPodStatus(uid, status);
    } catch {
      // The listener's failure must not stop the runtime; it gets the next change anyway.
    }
  }

  private worker(uid: string): PodWorker {
    const w = this.pods.get(uid)?.worker;
    if (!w?.view)
      throw new CapstanError('KUBELET_POD_NOT_FOUND', `pod ${uid} is not running on this node`, { uid });
    return w;
  }

  /**
   * Stops the pod: no more restarts or probes, SIGTERM to every container, SIGKILL to
   * those still running after `gracePeriodSeconds` (clock seconds). The exits are recorded
   * and the pod ends Succeeded (all exited 0) or Failed. Unknown pods are ignored.
   */
  async killPod(uid: string, gracePeriodSeconds: number): Promise<void> {
    const entry = this.pods.get(uid);
    if (!entry) return;
    await entry.chain;
    await entry.worker.kill(Math.max(0, gracePeriodSeconds) * 1000);
  }

  /** Kills the pod at once if needed, forgets it and deletes its directory (logs included). */
  async removePod(uid: string): Promise<void> {
    const entry = this.pods.get(uid);
    if (!entry) return;
    await this.killPod(uid, 0);
    this.pods.delete(uid);
    const timer = this.timers.get(uid);
    if (timer) this.clock.clearTimeout(timer);
    this.timers.delete(uid);
    this.emitted.delete(uid);
    this.cpuRates.forget(`${uid}/`);
    this.backoff.forget(`${uid}/`);
    await fs.promises.rm(path.join(this.opts.dataDir, 'pods', uid), { recursive: true, force: true });
  }

  /** The pod's current status, or undefined for a pod this runtime does not run. */
  podStatus(uid: string): JsonObject | undefined {
    const w = this.pods.get(uid)?.worker;
    return w?.view ? w.status() : undefined;
  }

  /** Which host port each declared container port of the pod was given. */
  portMap(uid: string): PortMapping[] {
    return this.pods.get(uid)?.worker.ports.map((p) => ({ ...p })) ?? [];
  }

  /** Uids of the pods this runtime knows. */
  podUids(): string[] {
    return [...this.pods.keys()];
  }

  /**
   * A container's log: the text (optionally only its last lines), or with `follow` a
   * stream that ends when that run exits. Errors (with the kubelet's wording) for an
   * unknown container, or `previous` when there was no earlier run.
   */
  logs(uid: string, container: string, opts: LogOptions & { follow: true }): Promise<Readable>;
  logs(uid: string, container: string, opts?: LogOptions & { follow?: false }): Promise<string>;
  async logs(uid: string, container: string, opts: LogOptions = {}): Promise<string | Readable> {
    const w = this.worker(uid);
    const { slot, run } = logRun(w.slots, w.view.name, uid, container, opts.previous);
    const file = path.join(slot.dir, `${run}.log`);
    if (!opts.follow) return readLog(file, opts.tailLines);
    const proc = slot.proc;
    // A previous run, or one that never started, has nothing more to write.
    const done = () => opts.previous === true || !proc || proc.done || slot.proc !== proc;
    return followLog(file, { tailLines: opts.tailLines, done });
  }

  /**
   * CPU rate and resident memory of the pod's processes: the sum of `containerUsage`.
   * Errors for a pod this runtime does not run.
   */
  usage(uid: string): PodUsage {
    this.worker(uid);
    const containers = this.containerUsage([uid]).get(uid) ?? [];
    return {
      cpuNanoCores: containers.reduce((n, c) => n + c.cpuNanoCores, 0),
      memoryBytes: containers.reduce((n, c) => n + c.memoryBytes, 0),
    };
  }

  /**
   * Usage of each running container (init containers first, in spec order) of every pod
   * in `uids` that this runtime runs; pods it does not run are left out. One read of
   * /proc serves them all (see usage.ts). Each container's CPU rate is measured between
   * calls at least 1 s apart; the first call for a run gives its average since it started
   * (see cpu-rate.ts).
   */
  containerUsage(uids: readonly string[]): Map<string, ContainerUsage[]> {
    const out = new Map<string, ContainerUsage[]>();
    // read when a running container needs it: a node without pods costs nothing
    let table: ProcessTable | undefined | null = null;
    let atNs = 0n;
    for (const uid of uids) {
      const w = this.pods.get(uid)?.worker;
      if (!w?.view) continue;
      const containers: ContainerUsage[] = [];
      for (const [name, slot] of w.slots) {
        const proc = slot.proc;
        if (!proc || proc.done || !proc.pid) continue;
        if (table === null) {
          table = readProcessTable();
          atNs = process.hrtime.bigint();
        }
        const tree = treeUsage(table, proc.pid);
        const cpu = this.cpuRates.rate(`${uid}/${name}`, proc.containerID, tree.cpuNs, tree.ranNs, atNs);
        containers.push({
          name,
          cpuNanoCores: cpu.cpuNanoCores,
          memoryBytes: tree.memoryBytes,
          windowMs: cpu.windowMs,
        });
      }
      out.set(uid, containers);
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
        [...this.pods.values()].map(async ({ worker, chain }) => {
          await chain;
          if (!worker.view) return;
          await worker.kill((gracePeriodSeconds ?? worker.view.terminationGracePeriodSeconds) * 1000);
        }),
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
