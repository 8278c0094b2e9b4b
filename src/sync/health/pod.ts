/**
 * Pod health, as gitops-engine's health_pod.go decides it:
 * - restartPolicy Always (the default) and a container waiting for a reason that means it
 *   cannot run (CrashLoopBackOff, ImagePullBackOff, ErrImagePull, InvalidImageName,
 *   CreateContainerConfigError, …): Degraded, whatever the phase. Pods with OnFailure or
 *   Never are hooks and Jobs' pods: a missing image may still appear, and failing them early
 *   would fail the hook before it ran, so they stay Progressing (Argo CD's reasoning).
 *   Init containers count too, where Argo CD looks at app containers only: a pod stuck in
 *   `Init:CrashLoopBackOff` is as broken as one crash-looping in its app container.
 * - Pending (or no phase yet): Progressing. Succeeded: Healthy. Failed: Degraded, with the
 *   pod's message or the first failed container's.
 * - Running with restartPolicy Always: Healthy when Ready; Degraded when not Ready and a
 *   container has terminated before (it restarted and has not come back); else Progressing.
 *   Running with OnFailure or Never: Progressing, it runs to completion.
 * The `cause` names the pod, the container and, when the status shows it, the probe.
 */
import { isJsonObject, type JsonObject, type KubeObject } from '../../core/index.js';
import { diagnosePod, isFailingWaitingReason } from './container-cause.js';
import { arr, conditionsOf, findCondition, num, objAt, str } from './read.js';
import type { HealthCode, HealthStatus } from './types.js';
import { verdict } from './verdict.js';

function containerStatuses(status: JsonObject): JsonObject[] {
  return [...arr(status.initContainerStatuses), ...arr(status.containerStatuses)].filter(isJsonObject);
}

/** gitops-engine's message for a failed container: its own message, OOMKilled, or its exit code. */
function failMessage(cs: JsonObject): string | undefined {
  const t = objAt(cs, 'state', 'terminated');
  if (!Object.keys(t).length) return undefined;
  if (str(t.message)) return str(t.message);
  if (str(t.reason) === 'OOMKilled') return 'OOMKilled';
  const code = num(t.exitCode);
  return code !== 0 ? `container "${str(cs.name) ?? ''}" failed with exit code ${code}` : undefined;
}

export function podHealth(pod: KubeObject): HealthStatus {
  const status = objAt(pod, 'status');
  const policy = str(objAt(pod, 'spec').restartPolicy) ?? 'Always';
  const statuses = containerStatuses(status);
  const cause = diagnosePod(pod)?.cause;
  const result = (code: HealthCode, message?: string): HealthStatus =>
    verdict(code, message, code === 'Healthy' ? undefined : cause);
  if (policy === 'Always') {
    const failing = statuses.flatMap((cs) => {
      const w = objAt(cs, 'state', 'waiting');
      const reason = str(w.reason);
      return isFailingWaitingReason(reason)
        ? [str(w.message) || `container "${str(cs.name)}": ${reason}`]
        : [];
    });
    if (failing.length) return result('Degraded', failing.join(', '));
  }
  const conditions = conditionsOf(status);
  const podMessage = str(status.message);
  // The API server sets phase Pending on creation; a status without one has simply not
  // been written yet, which is Pending too (Argo CD would say Unknown).
  switch (str(status.phase) ?? 'Pending') {
    case 'Pending': {
      const unscheduled = findCondition(conditions, 'PodScheduled');
      return result(
        'Progressing',
        podMessage || (unscheduled?.status === 'False' ? unscheduled.message : undefined),
      );
    }
    case 'Succeeded':
      return result('Healthy', podMessage);
    case 'Failed':
      return result('Degraded', podMessage || statuses.map(failMessage).find((m) => m));
    case 'Running': {
      if (policy !== 'Always') return result('Progressing', podMessage);
      const ready = findCondition(conditions, 'Ready');
      if (ready?.status === 'True') return result('Healthy', podMessage);
      const message = podMessage || ready?.message;
      // App containers only: an init container that failed once and then completed is done.
      const restarted = arr(status.containerStatuses).some(
        (cs) => Object.keys(objAt(cs, 'lastState', 'terminated')).length > 0,
      );
      return result(restarted ? 'Degraded' : 'Progressing', message);
    }
    default:
      return result('Unknown', podMessage);
  }
}
