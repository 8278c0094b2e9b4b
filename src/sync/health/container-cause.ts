/**
 * What a pod's status says is wrong with it: the container at fault, the kubelet's reason,
 * and — when the status shows it — the probe that fails. Only the status and spec are read
 * (no Events), so the same diagnosis works on the embedded control plane and on any cluster.
 *
 * How the probe is read from a container status (kubelet semantics, pkg/kubelet/prober):
 * - running with `started: false`: the startup probe has not passed yet (without a startup
 *   probe the kubelet marks a container started as soon as it runs);
 * - running and started but `ready: false`: the readiness probe is not passing (without one,
 *   a started container is ready at once);
 * - last run ended by SIGKILL or SIGTERM (exit code 137 = 128 + 9, 143 = 128 + 15) and not
 *   OOMKilled, in a container with exactly one of a liveness or a startup probe: that probe
 *   killed it. With both, or neither, the status cannot tell, and `probe` stays unset.
 */
import { isJsonObject, type JsonObject, type KubeObject } from '../../core/index.js';
import { arr, conditionsOf, findCondition, num, objAt, str } from './read.js';
import type { HealthCause, ProbeKind } from './types.js';

/** How bad a pod's trouble is, to pick the most telling pod among many. */
export const Severity = {
  /** Starting normally (ContainerCreating, PodInitializing): nothing is wrong yet. */
  Waiting: 1,
  /** Not ready (a probe not passing) or not schedulable: may clear up, or may not. */
  NotReady: 2,
  /** Crashing, cannot pull its image, exited with an error, killed by a probe. */
  Failed: 3,
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface PodDiagnosis {
  cause: HealthCause;
  severity: Severity;
}

/**
 * Waiting reasons that mean the container cannot run as it is: gitops-engine's pattern
 * (`Err…`, `…Error`, `…BackOff`), plus `InvalidImageName` (a reference that can never be
 * pulled) and Capstan's `NoCommand` (a container the embedded kubelet has nothing to run for).
 */
export function isFailingWaitingReason(reason: string | undefined): boolean {
  if (!reason) return false;
  return (
    reason.startsWith('Err') ||
    reason.endsWith('Error') ||
    reason.endsWith('BackOff') ||
    reason === 'InvalidImageName' ||
    reason === 'NoCommand'
  );
}

/** The probe that killed a run ending in `terminated`, when the status and spec say so. */
export function killedByProbe(spec: JsonObject | undefined, terminated: JsonObject): ProbeKind | undefined {
  if (!spec || str(terminated.reason) === 'OOMKilled') return undefined;
  const code = num(terminated.exitCode, -1);
  const signal = num(terminated.signal, 0);
  if (!(code === 137 || code === 143 || signal === 9 || signal === 15)) return undefined;
  const liveness = isJsonObject(spec.livenessProbe);
  const startup = isJsonObject(spec.startupProbe);
  if (liveness && !startup) return 'liveness';
  if (startup && !liveness) return 'startup';
  return undefined;
}

function specsByName(pod: KubeObject, key: 'containers' | 'initContainers'): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const c of arr(objAt(pod, 'spec')[key])) {
    if (isJsonObject(c) && typeof c.name === 'string') out.set(c.name, c);
  }
  return out;
}

/** The trouble of one container, or undefined when it is fine (ready, or an init container done). */
function diagnoseContainer(
  cs: JsonObject,
  spec: JsonObject | undefined,
  init: boolean,
): PodDiagnosis | undefined {
  const container = str(cs.name);
  const state = objAt(cs, 'state');
  const last = objAt(cs, 'lastState', 'terminated');
  const hasLast = Object.keys(last).length > 0;
  const make = (severity: Severity, fields: Omit<HealthCause, 'pod' | 'container'>): PodDiagnosis => ({
    severity,
    cause: compact({ container, ...fields }),
  });
  if (isJsonObject(state.waiting)) {
    const reason = str(state.waiting.reason);
    const message = str(state.waiting.message);
    if (!isFailingWaitingReason(reason))
      return make(Severity.Waiting, { reason: reason ?? 'Waiting', message });
    return make(Severity.Failed, {
      reason,
      message,
      probe: hasLast ? killedByProbe(spec, last) : undefined,
      exitCode: hasLast ? num(last.exitCode) : undefined,
    });
  }
  if (isJsonObject(state.terminated)) {
    const t = state.terminated;
    const exitCode = num(t.exitCode);
    if (exitCode === 0) return undefined; // completed (an init container, or a finished run)
    return make(Severity.Failed, {
      reason: str(t.reason) ?? 'Error',
      exitCode,
      message: str(t.message),
      probe: killedByProbe(spec, t),
    });
  }
  if (init || cs.ready === true) return undefined;
  if (isJsonObject(state.running)) {
    // Killed by its liveness (or startup) probe before, and not ready again since: the
    // probe keeps failing, which matters more than the readiness of this run.
    const killer = hasLast && num(cs.restartCount) > 0 ? killedByProbe(spec, last) : undefined;
    if (killer)
      return make(Severity.Failed, { probe: killer, reason: 'Unhealthy', exitCode: num(last.exitCode) });
    const probe: ProbeKind = cs.started === false ? 'startup' : 'readiness';
    return make(Severity.NotReady, { probe, reason: 'NotReady' });
  }
  return make(Severity.Waiting, { reason: 'NotReady' });
}

/** Drops undefined fields, so that causes compare and print cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The trouble of `pod`, or undefined when it is Ready or has completed. Within a pod the
 * most severe container wins, init containers first on a tie (they run first).
 */
export function diagnosePod(pod: KubeObject): PodDiagnosis | undefined {
  const name = pod.metadata?.name;
  const status = objAt(pod, 'status');
  const phase = str(status.phase);
  if (phase === 'Succeeded') return undefined;
  const conditions = conditionsOf(status);
  if (phase === 'Running' && findCondition(conditions, 'Ready')?.status === 'True') return undefined;
  const withPod = (d: PodDiagnosis): PodDiagnosis => ({
    severity: d.severity,
    cause: compact({ pod: name, ...d.cause }),
  });
  // An evicted or timed-out pod says so itself, better than any of its containers.
  if (phase === 'Failed' && str(status.reason)) {
    return withPod({
      severity: Severity.Failed,
      cause: compact({ reason: str(status.reason), message: str(status.message) }),
    });
  }
  let worst: PodDiagnosis | undefined;
  for (const [key, init] of [
    ['initContainerStatuses', true],
    ['containerStatuses', false],
  ] as const) {
    const specs = specsByName(pod, init ? 'initContainers' : 'containers');
    for (const cs of arr(status[key])) {
      if (!isJsonObject(cs)) continue;
      const d = diagnoseContainer(cs, specs.get(str(cs.name) ?? ''), init);
      if (d && (!worst || d.severity > worst.severity)) worst = d;
    }
  }
  if (worst && worst.severity > Severity.Waiting) return withPod(worst);
  const scheduled = findCondition(conditions, 'PodScheduled');
  if (scheduled?.status === 'False') {
    const cause = compact({ reason: scheduled.reason ?? 'Unschedulable', message: scheduled.message });
    return withPod({ severity: Severity.NotReady, cause });
  }
  if (worst) return withPod(worst);
  if (phase === 'Failed')
    return withPod({
      severity: Severity.Failed,
      cause: compact({ reason: 'Failed', message: str(status.message) }),
    });
  const ready = findCondition(conditions, 'Ready');
  return withPod({
    severity: Severity.Waiting,
    cause: compact({ reason: ready?.reason ?? phase ?? 'Pending', message: ready?.message }),
  });
}
