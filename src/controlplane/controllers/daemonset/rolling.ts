/**
 * RollingUpdate for DaemonSets — update.go's rollingUpdate, updatedDesiredNodeCounts and
 * findUpdatedPodsOnNode. Runs only when the placement step had nothing to do, as Kubernetes
 * waits for its create/delete expectations first; new pods come from the next placement step.
 */
import type { JsonObject } from '../../../core/index.js';
import { isPodAvailable, scaledValue, type Pod } from '../deployment/index.js';
import { nameOf } from '../../scheduler/json.js';
import { isPodUpdated } from './new-pod.js';
import { nodeShouldRunDaemonPod } from './placement.js';
import type { DaemonSet } from './types.js';

/**
 * maxSurge and maxUnavailable against the number of nodes that should run a pod, percentages
 * rounded up: 10 nodes, maxUnavailable "25%" → 3. If both come out 0 on a non-empty set,
 * unavailable becomes 1 so the update can move at all. Defaults: unavailable 1, surge 0.
 */
export function fenceposts(ds: DaemonSet, desired: number): { surge: number; unavailable: number } {
  const s = ds.spec.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { surge: 0, unavailable: 0 };
  const surge = scaledValue(s?.rollingUpdate?.maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(s?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
  if (desired > 0 && surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

// The live current and old pod on a node; undefined when there are several of one kind
// (the placement step prunes those first).
function split(
  ds: DaemonSet,
  pods: readonly Pod[],
  hash: string,
): { newPod?: Pod; oldPod?: Pod } | undefined {
  const out: { newPod?: Pod; oldPod?: Pod } = {};
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const key = isPodUpdated(ds, pod, hash) ? 'newPod' : 'oldPod';
    if (out[key]) return undefined;
    out[key] = pod;
  }
  return out;
}

/**
 * One rolling step. Nodes are visited in `nodes` order, then nodes known only from pods.
 *
 * Without surge: every node lacking an available current pod counts as unavailable; old
 * pods that are themselves unavailable are replaced at once, and available old pods only
 * while the count stays under maxUnavailable. 5 nodes, maxUnavailable 2, all old and
 * available → delete the pods on the first two nodes; next step, with those two replaced
 * but not yet available → nothing.
 *
 * With surge: a node with an unavailable old pod gets a new pod at once; others get one
 * while fewer than maxSurge nodes are mid-surge; an old pod goes once the new one beside it
 * is available. Old pods on nodes the set no longer fits go only as other nodes' pods
 * become available beyond the desired count, so availability never dips.
 */
export function rollingUpdate(
  ds: DaemonSet,
  nodes: readonly JsonObject[],
  byNode: Map<string, Pod[]>,
  hash: string,
  now: Date,
): { create: string[]; delete: string[] } {
  const min = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, min, now);
  const nodeByName = new Map(nodes.map((n) => [nameOf(n), n]));
  const shouldRun = (name: string) => {
    const node = nodeByName.get(name);
    return node !== undefined && nodeShouldRunDaemonPod(ds, node).shouldRun;
  };
  // every node that should run a pod is visited, with or without pods
  const visit = new Map<string, Pod[]>();
  let desired = 0;
  for (const n of nodes)
    if (shouldRun(nameOf(n))) {
      desired++;
      visit.set(nameOf(n), byNode.get(nameOf(n)) ?? []);
    }
  for (const [name, pods] of byNode) if (!visit.has(name)) visit.set(name, pods);
  const { surge: maxSurge, unavailable: maxUnavailable } = fenceposts(ds, desired);

  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: string[] = [];
    const candidates: string[] = [];
    for (const pods of visit.values()) {
      const s = split(ds, pods, hash);
      if (!s || !s.oldPod === !s.newPod) unavailable++;
      else if (s.newPod) unavailable += available(s.newPod) ? 0 : 1;
      else if (!available(s.oldPod!)) {
        replace.push(s.oldPod!.metadata.name ?? '');
        unavailable++;
      } else if (unavailable < maxUnavailable) candidates.push(s.oldPod!.metadata.name ?? '');
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    return { create: [], delete: [...replace, ...candidates.slice(0, room)] };
  }

  const del: string[] = [];
  const misplaced: string[] = [];
  const allowed: string[] = [];
  const candidates: string[] = [];
  let surging = 0;
  let availableCount = 0;
  for (const [node, pods] of visit) {
    const s = split(ds, pods, hash);
    if (!s) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = s;
    if (oldPod ? available(oldPod) : newPod && available(newPod)) availableCount++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(node)) del.push(oldPod.metadata.name ?? '');
        else allowed.push(node);
      } else if (!shouldRun(node)) misplaced.push(oldPod.metadata.name ?? '');
      else if (surging < maxSurge) candidates.push(node);
    } else if (!available(newPod)) surging++;
    else del.push(oldPod.metadata.name ?? '');
  }
  // misplaced old pods go only as far as availability beyond `desired` allows
  del.push(...misplaced.slice(0, Math.max(0, availableCount - desired)));
  const room = Math.min(Math.max(0, maxSurge - surging), candidates.length);
  return { create: [...allowed, ...candidates.slice(0, room)], delete: del };
}
