/** A DaemonSet's counts — daemon_controller.go's updateDaemonSetStatus. */
import type { JsonObject } from '../../../core/index.js';
import { isPodAvailable, isPodReady, type Pod } from '../deployment/index.js';
import { nameOf } from '../../scheduler/json.js';
import { byAgeBoundFirst } from './manage.js';
import { isPodUpdated } from './new-pod.js';
import { nodeShouldRunDaemonPod } from './placement.js';
import type { DaemonSet, DaemonSetStatus } from './types.js';

/**
 * Per node that should run a pod: desired +1; with any pod there, current +1, and its oldest
 * pod decides ready, available (ready for minReadySeconds) and updated. A node that should
 * not run one but has a pod counts as misscheduled. unavailable = desired − available.
 * 3 fitting nodes, pods on two (one ready), one pod on a tainted node →
 * desired 3, current 2, ready 1, misscheduled 1, unavailable 2.
 * observedGeneration moves only when `observe` (the sync really acted on this generation).
 */
export function daemonSetStatus(
  ds: DaemonSet,
  nodes: readonly JsonObject[],
  byNode: Map<string, Pod[]>,
  hash: string,
  now: Date,
  observe = true,
): DaemonSetStatus {
  const status: DaemonSetStatus = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    updatedNumberScheduled: 0,
  };
  for (const node of nodes) {
    const pods = byNode.get(nameOf(node)) ?? [];
    if (!nodeShouldRunDaemonPod(ds, node).shouldRun) {
      if (pods.length) status.numberMisscheduled++;
      continue;
    }
    status.desiredNumberScheduled++;
    if (!pods.length) continue;
    status.currentNumberScheduled++;
    const pod = [...pods].sort(byAgeBoundFirst)[0]!;
    if (isPodReady(pod)) {
      status.numberReady++;
      if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) status.numberAvailable!++;
    }
    if (isPodUpdated(ds, pod, hash)) status.updatedNumberScheduled!++;
  }
  status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable!;
  const observed = observe ? ds.metadata.generation : ds.status?.observedGeneration;
  if (observed !== undefined) status.observedGeneration = observed;
  if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
  return status;
}
