/** Pod readiness and availability, as k8s.io/kubernetes/pkg/api/v1/pod's helpers. */
import type { Pod } from '../types.js';

const readyCondition = (pod: Pod) => pod.status?.conditions?.find((c) => c.type === 'Ready');

/** The Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became ready (the Ready condition's lastTransitionTime), if it is ready. */
export function podReadyTime(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime);
}

/**
 * Ready for more than `minReadySeconds` — IsPodAvailable. The comparison is strict:
 * minReadySeconds 10, ready at 12:00:00 → available from just after 12:00:10, not at it.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now.getTime();
}

/** Not finished and not being deleted — controller.IsPodActive. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}
