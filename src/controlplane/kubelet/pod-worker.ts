/**
 * Runs one pod: init containers one after another to completion, then the app containers,
 * restarting per restartPolicy with CrashLoopBackOff, probing, and killing on request.
 * Like the kubelet's syncPod it is level-triggered: `reconcile()` looks at every container
 * and does what is missing, whatever event called it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/index.js';
import type { CrashBackoff } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import { noCommandMessage, resolveCommand, type ImageCommand } from './command.js';
import { buildEnv } from './container-env.js';
import { startProbes } from './container-probes.js';
import { ContainerProcess, type ExitInfo } from './container-process.js';
import { goDuration } from './go-duration.js';
import { parsePod, type ContainerSpec, type PodSpecView } from './pod-spec.js';
import {
  buildPodStatus,
  computePhase,
  type ContainerRecord,
  type PodPhase,
  type TerminatedState,
} from './pod-status.js';
import { allocatePorts, hostPortFor, type PortMapping } from './ports.js';
import type { ProbeWorker } from './probe-worker.js';

/** What the caller resolved for the pod: env per container, host directory per volume. */
export interface ResolvedPod {
  env: Record<string, Record<string, string>>;
  volumes: Record<string, string>;
}

/** Shared runtime services a pod worker uses. */
export interface PodWorkerContext {
  dataDir: string;
  clock: Clock;
  imageCommands: readonly ImageCommand[];
  baseEnv: Record<string, string>;
  backoff: CrashBackoff;
  /** Called whenever something visible in the status may have changed. */
  changed(): void;
  /** Reports what the kubelet would record as an Event (Started, Killing, BackOff, Unhealthy). */
  event(e: RuntimeEvent): void;
}

/** A kubelet-style event about one container of a pod. */
export interface RuntimeEvent {
  uid: string;
  container: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** One container of the pod and its current run. */
export interface Slot {
  spec: ContainerSpec;
  init: boolean;
  rec: ContainerRecord;
  proc?: ContainerProcess;
  /** The spec the current run was started from, to restart on a changed spec. */
  runningHash?: string;
  /** Set when the current run is killed for a new spec: restart at once, no backoff. */
  replace?: boolean;
  lastExit?: TerminatedState;
  probes: ProbeWorker[];
  backoffTimer?: TimerHandle;
  /** Directory holding `<restartCount>.log` and the default working directory. */
  dir: string;
}

const specHash = (c: ContainerSpec) => JSON.stringify(c.raw);

/** The runtime state of one pod. */
export class PodWorker {
  view!: PodSpecView;
  ports: PortMapping[] = [];
  readonly slots = new Map<string, Slot>();
  private resolved: ResolvedPod = { env: {}, volumes: {} };
  private existingConditions: JsonValue[] = [];
  private previousConditions: JsonObject[] = [];
  private startTime = 0;
  private terminating = false;
  private terminalPhase?: PodPhase;
  private initialized = false;

  constructor(
    readonly uid: string,
    private readonly ctx: PodWorkerContext,
  ) {}

  /** Takes the latest pod object and resolved inputs, then reconciles. */
  async update(pod: JsonObject, resolved: ResolvedPod): Promise<void> {
    this.view = parsePod(pod);
    this.resolved = resolved;
    const status = isJsonObject(pod.status) ? pod.status : {};
    this.existingConditions = Array.isArray(status.conditions) ? status.conditions : [];
    if (!this.initialized) {
      this.initialized = true;
      this.startTime = this.ctx.clock.now();
      this.ports = await allocatePorts([...this.view.initContainers, ...this.view.containers]);
    }
    const hasInit = this.view.initContainers.length > 0;
    for (const [list, init] of [
      [this.view.initContainers, true],
      [this.view.containers, false],
    ] as const) {
      for (const spec of list) {
        const slot = this.slots.get(spec.name);
        if (slot) {
          slot.spec = spec;
          slot.rec.image = spec.image; // a spec change restarts the container with the new image
          continue;
        }
        const reason = init || hasInit ? 'PodInitializing' : 'ContainerCreating';
        this.slots.set(spec.name, {
          spec,
          init,
          rec: {
            name: spec.name,
            image: spec.image,
            state: { kind: 'waiting', reason },
            restartCount: 0,
            ready: false,
            started: false,
          },
          probes: [],
          dir: path.join(this.ctx.dataDir, 'pods', this.uid, spec.name),
        });
      }
    }
    this.reconcile();
    this.ctx.changed();
  }

  private slotsOf(init: boolean): Slot[] {
    const names = (init ? this.view.initContainers : this.view.containers).map((c) => c.name);
    return names.map((n) => this.slots.get(n)!);
  }

  private running(slot: Slot): boolean {
    return !!slot.proc && !slot.proc.done;
  }

  /** Starts, restarts or replaces whatever the spec says should run and does not. */
  reconcile(): void {
    if (this.terminating || this.terminalPhase) return;
    for (const slot of this.slotsOf(true)) {
      const s = slot.rec.state;
      if (s.kind === 'terminated' && s.exitCode === 0) continue;
      if (this.running(slot)) return this.checkSpec(slot);
      // The pod's Always is OnFailure for init containers: they must end successfully once.
      if (slot.lastExit && this.view.restartPolicy === 'Never') return;
      this.startOrBackOff(slot, 'OnFailure');
      return;
    }
    for (const slot of this.slotsOf(false)) {
      if (this.running(slot)) this.checkSpec(slot);
      else this.startOrBackOff(slot, this.view.restartPolicy);
    }
    this.updateTerminalPhase();
  }

  private updateTerminalPhase(): void {
    const phase = this.phase();
    if (phase === 'Succeeded' || phase === 'Failed') this.terminalPhase = phase;
  }

  /** A running container whose spec changed is killed and started again from the new spec. */
  private checkSpec(slot: Slot): void {
    if (slot.replace || slot.runningHash === specHash(slot.spec)) return;
    slot.replace = true;
    void slot.proc!.kill(this.graceMs());
  }

  private graceMs(probeGrace?: number): number {
    return (probeGrace ?? this.view.terminationGracePeriodSeconds) * 1000;
  }

  private startOrBackOff(slot: Slot, policy: string): void {
    const exit = slot.lastExit;
    if (!exit) return this.start(slot);
    if (slot.replace) {
      slot.replace = false;
      return this.start(slot);
    }
    if (!(policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0))) return;
    if (slot.backoffTimer) return;
    const key = `${this.uid}/${slot.spec.name}`;
    const now = this.ctx.clock.now();
    const wait = this.ctx.backoff.remaining(key, exit.finishedAt, now);
    if (wait <= 0) {
      this.ctx.backoff.next(key, exit.finishedAt);
      return this.start(slot);
    }
    const v = this.view;
    if (slot.rec.state.kind !== 'waiting') {
      this.emit(
        slot,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${slot.spec.name} in pod ${v.name}_${v.namespace}(${this.uid})`,
      );
    }
    slot.rec.lastState = exit;
    slot.rec.state = {
      kind: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDuration(this.ctx.backoff.current(key))} restarting failed container=${slot.spec.name} pod=${v.name}_${v.namespace}(${this.uid})`,
    };
    slot.backoffTimer = this.ctx.clock.setTimeout(() => {
      slot.backoffTimer = undefined;
      this.reconcile();
      this.ctx.changed();
    }, wait);
  }

  private emit(slot: Slot, type: RuntimeEvent['type'], reason: string, message: string): void {
    this.ctx.event({ uid: this.uid, container: slot.spec.name, type, reason, message });
  }

  private waiting(slot: Slot, reason: string, message: string): void {
    // A container that ran before keeps showing its last run as lastState.
    if (slot.lastExit) slot.rec.lastState = slot.lastExit;
    slot.rec.state = { kind: 'waiting', reason, message };
  }

  private start(slot: Slot): void {
    const c = slot.spec;
    const built = buildEnv(c, {
      base: this.ctx.baseEnv,
      podName: this.view.name,
      ports: this.ports,
      volumes: this.resolved.volumes,
      resolved: this.resolved.env[c.name] ?? {},
    });
    if ('error' in built) return this.waiting(slot, 'CreateContainerConfigError', built.error);
    const argv = resolveCommand(c, this.ctx.imageCommands, built.env);
    if (!argv) return this.waiting(slot, 'NoCommand', noCommandMessage(c));
    fs.mkdirSync(slot.dir, { recursive: true });
    // Host directories stand in for the image's filesystem: a workingDir that does not exist
    // here (typical of manifests written for real images) falls back to the container's own.
    const cwd = c.workingDir && fs.existsSync(c.workingDir) ? c.workingDir : path.join(slot.dir, 'work');
    fs.mkdirSync(cwd, { recursive: true });
    if (slot.lastExit) {
      slot.rec.restartCount++;
      slot.rec.lastState = slot.lastExit;
    }
    const logPath = path.join(slot.dir, `${slot.rec.restartCount}.log`);
    fs.writeFileSync(logPath, '');
    const proc = ContainerProcess.start({ argv, cwd, env: built.env, logPath, clock: this.ctx.clock });
    slot.proc = proc;
    slot.runningHash = specHash(c);
    slot.rec.state = { kind: 'running', startedAt: proc.startedAt };
    slot.rec.containerID = proc.containerID;
    slot.rec.started = !c.startupProbe;
    slot.rec.ready = !slot.init && slot.rec.started && !c.readinessProbe;
    if (!slot.init) {
      slot.probes = startProbes({
        spec: c,
        rec: slot.rec,
        target: { env: built.env, cwd, hostPort: (port) => hostPortFor(this.ports, c.name, port) },
        clock: this.ctx.clock,
        startedAt: proc.startedAt,
        alive: () => slot.proc === proc && !proc.done,
        kill: (grace) => void proc.kill(this.graceMs(grace)),
        emit: (type, reason, message) => this.emit(slot, type, reason, message),
        changed: () => this.ctx.changed(),
      });
    }
    this.emit(slot, 'Normal', 'Started', `Started container ${c.name}`);
    void proc.exited.then((info) => this.onExit(slot, proc, info));
  }

  private onExit(slot: Slot, proc: ContainerProcess, info: ExitInfo): void {
    if (slot.proc !== proc) return;
    for (const p of slot.probes) p.stop();
    slot.probes = [];
    const term: TerminatedState = {
      kind: 'terminated',
      exitCode: info.exitCode,
      ...(info.signal !== undefined ? { signal: info.signal } : {}),
      reason: info.reason,
      ...(info.message ? { message: info.message } : {}),
      startedAt: proc.startedAt,
      finishedAt: info.finishedAt,
      containerID: proc.containerID,
    };
    slot.rec.state = term;
    slot.lastExit = term;
    slot.rec.started = false;
    // A completed init container stays ready, as the kubelet reports it.
    slot.rec.ready = slot.init && info.exitCode === 0;
    this.reconcile();
    this.ctx.changed();
  }

  /** The pod phase now (sticky once Succeeded or Failed, as in the kubelet). */
  phase(): PodPhase {
    if (this.terminalPhase) return this.terminalPhase;
    const recs = (init: boolean) => this.slotsOf(init).map((s) => s.rec);
    return computePhase(this.view.restartPolicy, recs(true), recs(false), this.terminating);
  }

  /** The pod's status object. */
  status(): JsonObject {
    const status = buildPodStatus({
      pod: this.view,
      init: this.slotsOf(true).map((s) => s.rec),
      main: this.slotsOf(false).map((s) => s.rec),
      phase: this.phase(),
      startTime: this.startTime,
      now: this.ctx.clock.now(),
      existing: this.existingConditions,
      previous: this.previousConditions,
    });
    this.previousConditions = status.conditions as JsonObject[];
    return status;
  }

  /** Stops all restarts and probes, then SIGTERM → grace → SIGKILL for every container. */
  async kill(graceMs: number): Promise<void> {
    this.terminating = true;
    const runs: Promise<unknown>[] = [];
    for (const slot of this.slots.values()) {
      if (slot.backoffTimer) this.ctx.clock.clearTimeout(slot.backoffTimer);
      slot.backoffTimer = undefined;
      for (const p of slot.probes) p.stop();
      // A container waiting to restart shows its last run again: nothing will restart it.
      if (slot.rec.state.kind === 'waiting' && slot.lastExit) {
        slot.rec.state = slot.lastExit;
        slot.rec.lastState = undefined;
      }
      if (this.running(slot)) runs.push(slot.proc!.kill(graceMs));
    }
    this.ctx.changed();
    await Promise.all(runs);
    this.updateTerminalPhase();
    this.ctx.changed();
  }

  /** Whether any container process of the pod is still running. */
  get active(): boolean {
    return [...this.slots.values()].some((s) => this.running(s));
  }
}
