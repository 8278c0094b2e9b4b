/**
 * Pure computation of a Pod's status from the state of its containers, following
 * pkg/kubelet/kubelet_pods.go (getPhase, convertToAPIContainerStatuses) and
 * pkg/kubelet/status/generate.go (the Initialized, ContainersReady and Ready conditions).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/index.js';
import type { PodSpecView, RestartPolicy } from './pod-spec.js';

/** A terminated container run. */
export interface TerminatedState {
  kind: 'terminated';
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

/** The state of a container, as in the API's ContainerState (times in clock ms). */
export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: number }
  | TerminatedState;

/** What the runtime knows of one container. */
export interface ContainerRecord {
  name: string;
  image: string;
  state: ContainerState;
  lastState?: TerminatedState;
  restartCount: number;
  ready: boolean;
  started: boolean;
  containerID?: string;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** RFC 3339 with second precision, as the API serializes metav1.Time. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The pod phase. A container waiting after a previous run (CrashLoopBackOff) counts as
 * stopped, not waiting, so a crash-looping pod with restartPolicy Always is Running.
 * `terminal` is set once the pod was killed: then nothing restarts and the phase is
 * Succeeded only if every container exited 0.
 */
export function computePhase(
  policy: RestartPolicy,
  init: readonly ContainerRecord[],
  main: readonly ContainerRecord[],
  terminal: boolean,
): PodPhase {
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of init) {
    const s = c.state;
    if (s.kind === 'terminated') {
      if (s.exitCode !== 0) failedInit++;
    } else if (s.kind === 'waiting' && c.lastState) {
      if (c.lastState.exitCode !== 0) failedInit++;
    } else {
      pendingInit++;
    }
  }
  if (failedInit > 0 && (policy === 'Never' || terminal)) return 'Failed';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of main) {
    const s = c.state;
    if (s.kind === 'running') running++;
    else if (s.kind === 'terminated') {
      stopped++;
      if (s.exitCode === 0) succeeded++;
    } else if (c.lastState) {
      stopped++;
      if (c.lastState.exitCode === 0) succeeded++;
    } else waiting++;
  }
  if (pendingInit > 0 || failedInit > 0 || waiting > 0)
    return terminal && running === 0 ? 'Failed' : 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return policy === 'Never' ? 'Failed' : 'Running';
}

function stateJson(s: ContainerState): JsonObject {
  if (s.kind === 'waiting')
    return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
  if (s.kind === 'running') return { running: { startedAt: rfc3339(s.startedAt) } };
  const t: JsonObject = { exitCode: s.exitCode };
  if (s.signal !== undefined) t.signal = s.signal;
  t.reason = s.reason;
  if (s.message) t.message = s.message;
  t.startedAt = rfc3339(s.startedAt);
  t.finishedAt = rfc3339(s.finishedAt);
  t.containerID = s.containerID;
  return { terminated: t };
}

/** A container status as the API shows it. */
export function containerStatusJson(c: ContainerRecord): JsonObject {
  const out: JsonObject = {
    name: c.name,
    state: stateJson(c.state),
    lastState: c.lastState ? stateJson(c.lastState) : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: '',
  };
  if (c.containerID) out.containerID = c.containerID;
  out.started = c.started;
  return out;
}

/** The QoS class the kubelet reports, from the containers' requests and limits. */
export function qosClass(pod: PodSpecView): string {
  const all = [...pod.initContainers, ...pod.containers];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const res = isJsonObject(c.raw.resources) ? c.raw.resources : {};
    const req = isJsonObject(res.requests) ? res.requests : {};
    const lim = isJsonObject(res.limits) ? res.limits : {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      // Requests default to limits, so a missing request with a limit still counts as equal.
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r])))
        guaranteed = false;
    }
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Inputs of `buildPodStatus`. */
export interface StatusInputs {
  pod: PodSpecView;
  init: readonly ContainerRecord[];
  main: readonly ContainerRecord[];
  phase: PodPhase;
  startTime: number;
  now: number;
  /** The pod's current status.conditions, for PodScheduled and readiness gates. */
  existing: readonly JsonValue[];
  /** The conditions this runtime reported last, to keep lastTransitionTime on no change. */
  previous: readonly JsonObject[];
}

/** The full `status` of the pod. */
export function buildPodStatus(i: StatusInputs): JsonObject {
  const prevOf = (type: string) => i.previous.find((c) => c.type === type);
  const cond = (type: string, ok: boolean, reason?: string, message?: string): JsonObject => {
    const status = ok ? 'True' : 'False';
    const prev = prevOf(type);
    const c: JsonObject = {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: prev && prev.status === status ? (prev.lastTransitionTime ?? null) : rfc3339(i.now),
    };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  };
  const completed = i.phase === 'Succeeded';
  const incomplete = i.init
    .filter((c) => !(c.state.kind === 'terminated' && c.state.exitCode === 0))
    .map((c) => c.name);
  const initialized =
    incomplete.length === 0 || completed
      ? cond('Initialized', true, completed && incomplete.length > 0 ? 'PodCompleted' : undefined)
      : cond(
          'Initialized',
          false,
          'ContainersNotInitialized',
          `containers with incomplete status: [${incomplete.join(' ')}]`,
        );
  const unready = i.main.filter((c) => !c.ready).map((c) => c.name);
  const unreadyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const containersReady = completed
    ? cond('ContainersReady', false, 'PodCompleted')
    : unready.length
      ? cond('ContainersReady', false, 'ContainersNotReady', unreadyMsg)
      : cond('ContainersReady', true);
  const gateProblems = i.pod.readinessGates.flatMap((g) => {
    const c = i.existing.find((x) => isJsonObject(x) && x.type === g) as JsonObject | undefined;
    if (!c) return [`corresponding condition of pod readiness gate "${g}" does not exist.`];
    return c.status === 'True'
      ? []
      : [`the status of pod readiness gate "${g}" is not "True", but ${String(c.status)}`];
  });
  let ready: JsonObject;
  if (completed) ready = cond('Ready', false, 'PodCompleted');
  else if (unready.length)
    ready = cond('Ready', false, 'ContainersNotReady', [unreadyMsg, ...gateProblems].join('; '));
  else if (gateProblems.length)
    ready = cond('Ready', false, 'ReadinessGatesNotReady', gateProblems.join('; '));
  else ready = cond('Ready', true);
  // The scheduler owns PodScheduled; keep its condition when the pod carries one.
  const scheduled =
    (i.existing.find((x) => isJsonObject(x) && x.type === 'PodScheduled') as JsonObject | undefined) ??
    cond('PodScheduled', true);
  const status: JsonObject = {
    phase: i.phase,
    conditions: [initialized, ready, containersReady, scheduled],
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    podIP: '127.0.0.1',
    podIPs: [{ ip: '127.0.0.1' }],
    startTime: rfc3339(i.startTime),
  };
  if (i.init.length) status.initContainerStatuses = i.init.map(containerStatusJson);
  status.containerStatuses = i.main.map(containerStatusJson);
  status.qosClass = qosClass(i.pod);
  return status;
}
