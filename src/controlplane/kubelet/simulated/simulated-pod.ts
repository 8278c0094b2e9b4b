/**
 * One simulated pod: the container state machine of pod-worker.ts (init containers in
 * order, restarts per restartPolicy with CrashLoopBackOff, sticky terminal phase, kill)
 * with timers in place of processes. Every app container starts at once and, after the
 * pod's ready delay, meets its outcome: Ready, or with `capstan.dev/simulate-fail` never
 * Ready (`readiness`), exit 1 (`crash`) or exit 0 (`exit-0`). Init containers always
 * complete at once: the annotations describe the app, and a stuck init is not simulated.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import type { CrashBackoff } from '../backoff.js';
import type { Clock, TimerHandle } from '../clock.js';
import { goDuration } from '../go-duration.js';
import { parsePod, type ContainerSpec, type PodSpecView } from '../pod-spec.js';
import {
  buildPodStatus,
  computePhase,
  type ContainerRecord,
  type PodPhase,
  type TerminatedState,
} from '../pod-status.js';
import type { RuntimeEvent } from '../pod-worker.js';
import { FAIL_ANNOTATION, readSimulation, type Simulation } from './annotations.js';

/**
 * The `imageID` of every simulated container. It marks the pod as simulated where a reader
 * (kubectl, a test) can see it while conditions stay exactly the standard ones.
 */
export const SIMULATED_IMAGE_ID = 'simulated://';

/** The `containerID` of a simulated container: `simulated://<pod uid>/<container name>`. */
export function simulatedContainerID(uid: string, container: string): string {
  return `${SIMULATED_IMAGE_ID}${uid}/${container}`;
}

/** Runtime services a simulated pod uses. */
export interface SimulatedPodContext {
  clock: Clock;
  backoff: CrashBackoff;
  /** The ready delay of pods without the annotation. */
  readyAfterMs: number;
  /** Called whenever something visible in the status may have changed. */
  changed(): void;
  event(e: RuntimeEvent): void;
}

/** One container of the pod. */
export interface SimulatedSlot {
  spec: ContainerSpec;
  init: boolean;
  rec: ContainerRecord;
  /** The spec the current run started from, to restart on a changed spec as the kubelet does. */
  runningHash?: string;
  lastExit?: TerminatedState;
  /** The one pending timer: the run's outcome, its end after a grace period, or a back-off. */
  timer?: TimerHandle;
  /** Set while a kill waits out the grace period: `now()` ends the run early. */
  stopping?: { now: () => void; done: Promise<void> };
}

const specHash = (c: ContainerSpec) => JSON.stringify(c.raw);

/** The state of one simulated pod. */
export class SimulatedPod {
  view!: PodSpecView;
  sim!: Simulation;
  readonly slots = new Map<string, SimulatedSlot>();
  private existingConditions: JsonValue[] = [];
  private previousConditions: JsonObject[] = [];
  private startTime = 0;
  private terminating = false;
  private terminalPhase?: PodPhase;

  constructor(
    readonly uid: string,
    private readonly ctx: SimulatedPodContext,
  ) {}

  /** Takes the latest pod object, then reconciles. */
  update(pod: JsonObject): void {
    if (!this.view) this.startTime = this.ctx.clock.now();
    this.view = parsePod(pod);
    this.sim = readSimulation(pod, this.ctx.readyAfterMs);
    const status = isJsonObject(pod.status) ? pod.status : {};
    this.existingConditions = Array.isArray(status.conditions) ? status.conditions : [];
    const hasInit = this.view.initContainers.length > 0;
    for (const [list, init] of [
      [this.view.initContainers, true],
      [this.view.containers, false],
    ] as const) {
      for (const spec of list) {
        const slot = this.slots.get(spec.name);
        if (slot) {
          slot.spec = spec;
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
        });
      }
    }
    this.reconcile();
    this.ctx.changed();
  }

  private slotsOf(init: boolean): SimulatedSlot[] {
    const names = (init ? this.view.initContainers : this.view.containers).map((c) => c.name);
    return names.map((n) => this.slots.get(n)!);
  }

  private reconcile(): void {
    if (this.terminating || this.terminalPhase) return;
    for (const slot of this.slotsOf(true)) {
      const s = slot.rec.state;
      if (s.kind !== 'terminated' || s.exitCode !== 0) this.completeInit(slot);
    }
    for (const slot of this.slotsOf(false)) {
      if (slot.rec.state.kind === 'running') this.checkSpec(slot);
      else this.startOrBackOff(slot);
    }
    this.updateTerminalPhase();
  }

  private updateTerminalPhase(): void {
    const phase = this.phase();
    if (phase === 'Succeeded' || phase === 'Failed') this.terminalPhase = phase;
  }

  private emit(slot: SimulatedSlot, type: RuntimeEvent['type'], reason: string, message: string): void {
    this.ctx.event({ uid: this.uid, container: slot.spec.name, type, reason, message });
  }

  private completeInit(slot: SimulatedSlot): void {
    this.start(slot);
    this.exit(slot, 0);
  }

  /** A running container whose spec changed is stopped and started again from the new spec. */
  private checkSpec(slot: SimulatedSlot): void {
    if (slot.stopping || slot.runningHash === specHash(slot.spec)) return;
    this.emit(slot, 'Normal', 'Killing', `Container ${slot.spec.name} definition changed, will be restarted`);
    this.exit(slot, 0);
    this.start(slot);
  }

  /** As pod-worker.ts: the first restart is immediate, later ones wait out the back-off. */
  private startOrBackOff(slot: SimulatedSlot): void {
    const exit = slot.lastExit;
    if (!exit) return this.start(slot);
    const policy = this.view.restartPolicy;
    if (!(policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0))) return;
    if (slot.timer) return;
    const key = `${this.uid}/${slot.spec.name}`;
    const wait = this.ctx.backoff.remaining(key, exit.finishedAt, this.ctx.clock.now());
    if (wait <= 0) {
      this.ctx.backoff.next(key, exit.finishedAt);
      return this.start(slot);
    }
    const v = this.view;
    const who = `${slot.spec.name} pod=${v.name}_${v.namespace}(${this.uid})`;
    if (slot.rec.state.kind !== 'waiting') {
      this.emit(slot, 'Warning', 'BackOff', `Back-off restarting failed container ${who}`);
    }
    slot.rec.lastState = exit;
    slot.rec.state = {
      kind: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDuration(this.ctx.backoff.current(key))} restarting failed container=${who}`,
    };
    slot.timer = this.ctx.clock.setTimeout(() => {
      slot.timer = undefined;
      this.reconcile();
      this.ctx.changed();
    }, wait);
  }

  private start(slot: SimulatedSlot): void {
    if (slot.lastExit) {
      slot.rec.restartCount++;
      slot.rec.lastState = slot.lastExit;
    }
    slot.runningHash = specHash(slot.spec);
    // The status shows the image of the current run, which a spec change may have replaced.
    slot.rec.image = slot.spec.image;
    slot.rec.state = { kind: 'running', startedAt: this.ctx.clock.now() };
    slot.rec.containerID = simulatedContainerID(this.uid, slot.spec.name);
    slot.rec.started = true;
    slot.rec.ready = false;
    this.emit(slot, 'Normal', 'Started', `Started container ${slot.spec.name}`);
    if (slot.init) return;
    slot.timer = this.ctx.clock.setTimeout(() => {
      slot.timer = undefined;
      this.outcome(slot);
    }, this.sim.readyAfterMs);
  }

  private outcome(slot: SimulatedSlot): void {
    const fail = this.sim.fail;
    if (fail === 'readiness') {
      // Reported once, not every probe period: 1,000 failing pods must not flood the events.
      const why = `simulated (${FAIL_ANNOTATION}: readiness)`;
      return this.emit(slot, 'Warning', 'Unhealthy', `Readiness probe failed: ${why}`);
    }
    if (fail === 'crash' || fail === 'exit-0') {
      this.exit(slot, fail === 'crash' ? 1 : 0);
      this.reconcile();
    } else {
      slot.rec.ready = true;
    }
    this.ctx.changed();
  }

  private exit(slot: SimulatedSlot, exitCode: number): void {
    const s = slot.rec.state;
    const term: TerminatedState = {
      kind: 'terminated',
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: s.kind === 'running' ? s.startedAt : this.ctx.clock.now(),
      finishedAt: this.ctx.clock.now(),
      containerID: simulatedContainerID(this.uid, slot.spec.name),
    };
    slot.rec.state = term;
    slot.lastExit = term;
    slot.rec.started = false;
    // A completed init container stays ready, as the kubelet reports it.
    slot.rec.ready = slot.init && exitCode === 0;
  }

  /** The pod phase now (sticky once Succeeded or Failed, as in the kubelet). */
  phase(): PodPhase {
    if (this.terminalPhase) return this.terminalPhase;
    const recs = (init: boolean) => this.slotsOf(init).map((s) => s.rec);
    return computePhase(this.view.restartPolicy, recs(true), recs(false), this.terminating);
  }

  /** The pod's status object, each container marked with `imageID: "simulated://"`. */
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
    for (const key of ['initContainerStatuses', 'containerStatuses']) {
      const list = status[key];
      if (Array.isArray(list)) for (const c of list) if (isJsonObject(c)) c.imageID = SIMULATED_IMAGE_ID;
    }
    return status;
  }

  /**
   * Stops restarts and outcomes, then ends every running container with exit 0: at once,
   * or after `graceMs` when the pod ignores SIGTERM. A later kill with no grace (removal)
   * cuts a pending grace period short.
   */
  async kill(graceMs: number): Promise<void> {
    this.terminating = true;
    const runs: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      const { stopping } = slot;
      if (stopping) {
        // `now()` clears `slot.stopping`, so the pending run is kept aside first.
        if (graceMs <= 0) stopping.now();
        runs.push(stopping.done);
        continue;
      }
      if (slot.timer) this.ctx.clock.clearTimeout(slot.timer);
      slot.timer = undefined;
      // A container waiting to restart shows its last run again: nothing will restart it.
      if (slot.rec.state.kind === 'waiting' && slot.lastExit) {
        slot.rec.state = slot.lastExit;
        slot.rec.lastState = undefined;
      }
      if (slot.rec.state.kind === 'running') runs.push(this.stop(slot, graceMs));
    }
    this.ctx.changed();
    await Promise.all(runs);
    this.updateTerminalPhase();
    this.ctx.changed();
  }

  private stop(slot: SimulatedSlot, graceMs: number): Promise<void> {
    this.emit(slot, 'Normal', 'Killing', `Stopping container ${slot.spec.name}`);
    if (!this.sim.ignoreSigterm || graceMs <= 0) {
      this.exit(slot, 0);
      return Promise.resolve();
    }
    let now!: () => void;
    const done = new Promise<void>((resolve) => {
      now = () => {
        if (slot.timer) this.ctx.clock.clearTimeout(slot.timer);
        slot.timer = undefined;
        slot.stopping = undefined;
        this.exit(slot, 0);
        this.ctx.changed();
        resolve();
      };
    });
    slot.stopping = { now, done };
    slot.timer = this.ctx.clock.setTimeout(now, graceMs);
    return done;
  }
}
