/**
 * The `kubectl get pods` row as kube-apiserver v1.32 computes it server-side
 * (pkg/printers/internalversion/printers.go, printPod): READY counts ready containers plus
 * started sidecars, STATUS walks init containers then containers (last one wins), RESTARTS
 * shows "N (age ago)" of the most recent restart.
 */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { PrintColumn } from '../../types.js';
import { age } from '../print-util.js';
import { str } from '../validation.js';
import { obj, objs, since } from './util.js';

/** The pod columns; IP and later appear with `-o wide` (priority 1). */
export const podColumns: PrintColumn[] = [
  { name: 'Name', type: 'string', format: 'name', priority: 0 },
  {
    name: 'Ready',
    type: 'string',
    priority: 0,
    description: 'The aggregate readiness state of this pod for accepting traffic.',
  },
  {
    name: 'Status',
    type: 'string',
    priority: 0,
    description: 'The aggregate status of the containers in this pod.',
  },
  {
    name: 'Restarts',
    type: 'string',
    priority: 0,
    description:
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
  },
  { name: 'Age', type: 'string', priority: 0 },
  { name: 'IP', type: 'string', priority: 1 },
  { name: 'Node', type: 'string', priority: 1 },
  { name: 'Nominated Node', type: 'string', priority: 1 },
  { name: 'Readiness Gates', type: 'string', priority: 1 },
];

// a sidecar: an init container with restartPolicy Always keeps running beside the app
function isSidecar(c: JsonObject | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function finishedAt(status: JsonObject): number {
  const t = obj(obj(status.lastState)?.terminated)?.finishedAt;
  return typeof t === 'string' ? Date.parse(t) || 0 : 0;
}

function hasCondition(status: JsonObject, type: string): boolean {
  return objs(status.conditions).some((c) => c.type === type && c.status === 'True');
}

// a terminated state without a reason shows its signal or exit code
function terminatedReason(t: JsonObject, prefix: string): string {
  if (str(t.reason)) return prefix + str(t.reason);
  if (typeof t.signal === 'number' && t.signal !== 0) return `${prefix}Signal:${t.signal}`;
  return `${prefix}ExitCode:${typeof t.exitCode === 'number' ? t.exitCode : 0}`;
}

/** The cells of one pod (always all nine: the server fills wide columns too). */
export function printPod(pod: JsonObject, now: Date): JsonValue[] {
  const spec = obj(pod.spec) ?? {};
  const status = obj(pod.status) ?? {};
  const initSpecs = objs(spec.initContainers);
  const initByName = new Map(initSpecs.map((c) => [str(c.name), c]));
  // sidecars count as containers: they run for the pod's whole life
  const total = objs(spec.containers).length + initSpecs.filter(isSidecar).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason = str(status.reason) || str(status.phase);
  for (const c of objs(status.conditions))
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = objs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const restartCount = typeof cs.restartCount === 'number' ? cs.restartCount : 0;
    restarts += restartCount;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const sidecar = isSidecar(initByName.get(str(cs.name)));
    if (sidecar) {
      sidecarRestarts += restartCount;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    const state = obj(cs.state) ?? {};
    const terminated = obj(state.terminated);
    const waiting = obj(state.waiting);
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing')
      reason = `Init:${str(waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    // walked backwards so that the first container's state wins, as kubectl shows it
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += typeof cs.restartCount === 'number' ? cs.restartCount : 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const state = obj(cs.state) ?? {};
      const waiting = obj(state.waiting);
      const terminated = obj(state.terminated);
      if (waiting && str(waiting.reason)) reason = str(waiting.reason);
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (cs.ready === true && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    // a pod whose first container completed but another still runs is not "Completed"
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const meta = obj(pod.metadata) ?? {};
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (meta.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (meta.deletionTimestamp && !terminal) reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart > 0)
    restartsCell = `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`;

  const podIp = str(obj(objs(status.podIPs)[0])?.ip) || '<none>';
  const gates = objs(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length > 0) {
    const conditions = objs(status.conditions);
    const trueCount = gates.filter(
      (g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True',
    ).length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [
    str(meta.name),
    `${ready}/${total}`,
    reason,
    restartsCell,
    age(pod, now),
    podIp,
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    readinessGates,
  ];
}
