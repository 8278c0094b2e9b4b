/**
 * Sorting a Job's pods into what the controller counts, after job_controller.go's syncJob:
 * active (not finished, not being deleted), terminating (being deleted, not finished),
 * succeeded and failed (by phase). A pod being deleted is never active.
 */
import { isPodReady } from '../../deployment/index.js';
import { JOB_COMPLETION_INDEX, type Job, type Pod } from '../types.js';

export interface PodCensus {
  active: Pod[];
  terminating: Pod[];
  succeeded: Pod[];
  failed: Pod[];
  /** active pods whose Ready condition is True */
  ready: number;
}

const finished = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Splits `pods` into active, terminating, succeeded and failed. */
export function censusOf(pods: readonly Pod[]): PodCensus {
  const census: PodCensus = { active: [], terminating: [], succeeded: [], failed: [], ready: 0 };
  for (const p of pods) {
    if (p.status?.phase === 'Succeeded') census.succeeded.push(p);
    else if (p.status?.phase === 'Failed') census.failed.push(p);
    else if (p.metadata.deletionTimestamp) census.terminating.push(p);
    else {
      census.active.push(p);
      if (isPodReady(p)) census.ready++;
    }
  }
  return census;
}

/**
 * An Indexed Job pod's completion index from its annotation, or undefined when missing or
 * not a non-negative integer (getCompletionIndex): `"3"` → 3, `"-1"`, `"x"` → undefined.
 */
export function completionIndexOf(pod: Pod): number | undefined {
  const v = pod.metadata.annotations?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const i = Number(v);
  return Number.isSafeInteger(i) ? i : undefined;
}

/**
 * When a finished pod finished (getFinishedTime): the latest container `finishedAt` if every
 * container terminated, else the Ready=False transition, else deletion time minus grace
 * period, else creation time. Milliseconds since the epoch; 0 when nothing is known.
 */
export function finishedAt(pod: Pod): number {
  const statuses = (pod.status?.containerStatuses ?? []) as {
    state?: { terminated?: { finishedAt?: string } };
  }[];
  if (statuses.length > 0) {
    let latest = 0;
    for (const s of statuses) {
      const t = s.state?.terminated?.finishedAt;
      if (!t) {
        latest = 0;
        break;
      }
      latest = Math.max(latest, Date.parse(t));
    }
    if (latest) return latest;
  }
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'False' && ready.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (pod.metadata.deletionTimestamp) {
    const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0);
    return Date.parse(pod.metadata.deletionTimestamp) - grace * 1000;
  }
  return pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : 0;
}

/**
 * Container restarts of running and pending pods (pastBackoffLimitOnFailure): with
 * `restartPolicy: OnFailure` the kubelet retries in place, so restarts stand in for failed
 * pods. backoffLimit 0 fails on the first restart; otherwise on reaching the limit —
 * limit 3, restarts 1 + 2 → failed.
 */
export function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[], backoffLimit: number): boolean {
  if (job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (finished(p) || (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending')) continue;
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])])
      restarts += s.restartCount ?? 0;
  }
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}
