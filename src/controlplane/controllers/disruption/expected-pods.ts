/**
 * How many pods a budget expects and how many of them must stay healthy, as
 * kube-controller-manager's disruption controller (pkg/controller/disruption,
 * getExpectedPodCount) works them out:
 *
 * - `minAvailable: 2` (an integer) expects the pods it selects now and wants 2 of them
 *   healthy; no controller is looked up.
 * - `minAvailable: "50%"` expects the sum of the scales of the selected pods' controllers
 *   and wants 50% of that, rounded up: a Deployment of 3 → ceil(1.5) = 2.
 * - `maxUnavailable: "50%"` (or an integer) expects the same sum and wants that many minus
 *   the allowance, where a percentage rounds up too: 3 pods, 50% → 3 − ceil(1.5) = 1;
 *   never below 0.
 * - neither: nothing expected, nothing wanted.
 */
import { scaledValue } from '../deployment/index.js';
import type { ControllerScale, Pod, PodDisruptionBudget, ScaleFinder } from './types.js';

export interface ExpectedPods {
  expectedCount: number;
  desiredHealthy: number;
  /** selected pods without a controller: a percentage or maxUnavailable cannot count them */
  unmanagedPods: string[];
}

/** Throws (the budget's sync fails) when a selected pod's controller or its scale cannot be found. */
export function expectedPods(
  pdb: PodDisruptionBudget,
  pods: readonly Pod[],
  find: ScaleFinder,
): ExpectedPods {
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = expectedScale(pods, find);
    const desiredHealthy = Math.max(0, expectedCount - scaledValue(maxUnavailable, expectedCount, true));
    return { expectedCount, desiredHealthy, unmanagedPods };
  }
  if (typeof minAvailable === 'number') {
    return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
  }
  if (typeof minAvailable === 'string') {
    const { expectedCount, unmanagedPods } = expectedScale(pods, find);
    return { expectedCount, desiredHealthy: scaledValue(minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

/**
 * The sum of the scales of the controllers of `pods`, each controller counted once: three
 * pods of one Deployment of 3 and one pod of a StatefulSet of 2 expect 5. Pods without a
 * controller are left out and reported (upstream logs them rather than failing the sync).
 */
function expectedScale(
  pods: readonly Pod[],
  find: ScaleFinder,
): { expectedCount: number; unmanagedPods: string[] } {
  /** controller uid → scale; a Deployment's pods reach it through each of its ReplicaSets */
  const scales = new Map<string, number>();
  const seenRefs = new Set<string>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name ?? '');
      continue;
    }
    if (seenRefs.has(ref.uid)) continue;
    seenRefs.add(ref.uid);
    const found: ControllerScale | undefined = find(ref, pod.metadata.namespace ?? '');
    if (!found) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata.name)}`);
    scales.set(found.uid, found.replicas);
  }
  let expectedCount = 0;
  for (const n of scales.values()) expectedCount += n;
  return { expectedCount, unmanagedPods };
}
