/** Helpers for the simulated runtime tests: a runtime on a fake clock, pods, status access. */
import type { JsonObject } from '../../../../src/core/index.js';
import { FakeClock } from '../../../../src/runtime/index.js';
import {
  SimulatedRuntime,
  type Clock,
  type RuntimeEvent,
  type SimulatedRuntimeOptions,
  type TimerHandle,
} from '../../../../src/controlplane/kubelet/index.js';

/** The controller FakeClock seen through the kubelet's `Clock` (numbers, not Dates). */
export function kubeletClock(fake: FakeClock): Clock {
  return {
    now: () => fake.now().getTime(),
    setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
    clearTimeout: (h: TimerHandle) => fake.clearTimeout(h as Parameters<FakeClock['clearTimeout']>[0]),
  };
}

/** A simulated runtime on a fake clock, recording every status and event it reports. */
export interface SimEnv {
  rt: SimulatedRuntime;
  clock: FakeClock;
  statuses: Array<{ uid: string; status: JsonObject }>;
  events: RuntimeEvent[];
}

export function newSim(opts: Partial<SimulatedRuntimeOptions> = {}): SimEnv {
  const clock = new FakeClock();
  const statuses: SimEnv['statuses'] = [];
  const events: RuntimeEvent[] = [];
  const rt = new SimulatedRuntime({
    clock: kubeletClock(clock),
    onPodStatus: (uid, status) => statuses.push({ uid, status }),
    onEvent: (e) => events.push(e),
    ...opts,
  });
  return { rt, clock, statuses, events };
}

let seq = 0;

/** A Pod with one container `app` (unless `spec.containers` is given) and the annotations. */
export function simPod(annotations: Record<string, string> = {}, spec: JsonObject = {}): JsonObject {
  const name = `sim${++seq}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations },
    spec: { containers: [{ name: 'app', image: 'demo/app:1' }], ...spec },
  };
}

/** The uid of a pod made by `simPod`. */
export function uidOf(p: JsonObject): string {
  return (p.metadata as JsonObject).uid as string;
}

/** Syncs `p` with nothing resolved (the simulation ignores env and volumes). */
export function sync(env: SimEnv, p: JsonObject): Promise<void> {
  return env.rt.syncPod(p, { env: {}, volumes: {} });
}

type Status = JsonObject & {
  phase?: string;
  conditions?: Array<{ type: string; status: string; reason?: string }>;
  containerStatuses?: any[];
  initContainerStatuses?: any[];
};

/** The pod's live status, typed loosely for assertions. */
export function statusOf(env: SimEnv, p: JsonObject): Status {
  return (env.rt.podStatus(uidOf(p)) ?? {}) as Status;
}

/** The status of container `name` (app or init). */
export function containerOf(env: SimEnv, p: JsonObject, name = 'app'): any {
  const s = statusOf(env, p);
  return [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])].find((c) => c.name === name);
}

/** The status of condition `type`. */
export function conditionOf(env: SimEnv, p: JsonObject, type: string) {
  return statusOf(env, p).conditions?.find((c) => c.type === type);
}
