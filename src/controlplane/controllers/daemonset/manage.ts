/**
 * The placement half of a DaemonSet sync — daemon_controller.go's manage and
 * podsShouldBeOnNode: one daemon pod on every node that should run one, none elsewhere.
 */
import type { JsonObject } from '../../../core/index.js';
import { isPodAvailable, isPodReady, type Pod } from '../deployment/index.js';
import { nameOf } from '../../scheduler/json.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './placement.js';
import { CONTROLLER_REVISION_HASH_LABEL, type DaemonSet } from './types.js';

/**
 * The DaemonSet's pods by the node they are for. Pods that finished and are being deleted
 * are left out (they only wait on a finalizer); so are pods naming no node.
 */
export function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if ((phase === 'Succeeded' || phase === 'Failed') && pod.metadata.deletionTimestamp) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    out.set(node, [...(out.get(node) ?? []), pod]);
  }
  return out;
}

/** Oldest first, bound pods before unbound ones, then by name (podByCreationTimestampAndPhase). */
export function byAgeBoundFirst(a: Pod, b: Pod): number {
  const bound = (p: Pod) => (p.spec?.nodeName ? 0 : 1);
  const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return (
    bound(a) - bound(b) ||
    created(a) - created(b) ||
    ((a.metadata.name ?? '') < (b.metadata.name ?? '')
      ? -1
      : (a.metadata.name ?? '') > (b.metadata.name ?? '')
        ? 1
        : 0)
  );
}

/** Whether maxSurge allows a second pod per node (SurgeCount(ds, 1) ≠ 0). */
export function allowsSurge(ds: DaemonSet): boolean {
  const s = ds.spec.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const v = s?.rollingUpdate?.maxSurge;
  return typeof v === 'number' ? v !== 0 : typeof v === 'string' && !/^0+%$/.test(v);
}

export interface NodeActions {
  create: boolean;
  delete: string[];
}

/**
 * What one node needs (podsShouldBeOnNode):
 * - should run, no pod → create one;
 * - may keep running → delete failed and succeeded pods; without surge keep only the oldest
 *   live pod; with surge keep the oldest current and oldest old pod, and of those drop the
 *   old one once it is not ready or the current one is available — a surge is over;
 *   should run but nothing live is left (surge) → create one;
 * - may not keep running → delete every pod here.
 * Kubernetes backs off before deleting a failed pod again on the same node; a pure planner
 * cannot remember, so callers wanting that delay must hold the deletion themselves.
 */
export function podsShouldBeOnNode(
  ds: DaemonSet,
  node: JsonObject,
  pods: readonly Pod[] | undefined,
  hash: string,
  now: Date,
): NodeActions {
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(ds, node);
  const out: NodeActions = { create: false, delete: [] };
  const name = (p: Pod) => p.metadata.name ?? '';
  if (shouldRun && !pods) {
    out.create = true;
  } else if (shouldContinueRunning) {
    const running: Pod[] = [];
    for (const pod of pods ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      const phase = pod.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') out.delete.push(name(pod));
      else running.push(pod);
    }
    running.sort(byAgeBoundFirst);
    if (!allowsSurge(ds)) {
      out.delete.push(...running.slice(1).map(name));
    } else if (running.length === 0) {
      out.create = shouldRun;
    } else if (running.length > 1) {
      // the oldest pod of each kind survives; running is sorted oldest first
      let newPod: Pod | undefined;
      let oldPod: Pod | undefined;
      for (const pod of running) {
        const current = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
        if (current && !newPod) newPod = pod;
        else if (!current && !oldPod) oldPod = pod;
        else out.delete.push(name(pod));
      }
      if (
        newPod &&
        oldPod &&
        (!isPodReady(oldPod) || isPodAvailable(newPod, ds.spec.minReadySeconds ?? 0, now))
      )
        out.delete.push(name(oldPod));
    }
  } else if (pods) {
    out.delete.push(...pods.filter((p) => !p.metadata.deletionTimestamp).map(name));
  }
  return out;
}

/**
 * manage: every node's actions, plus unbound pods pinned to nodes that no longer exist.
 * Returns the nodes to create a pod on and the pods to delete.
 */
export function manage(
  ds: DaemonSet,
  nodes: readonly JsonObject[],
  byNode: Map<string, Pod[]>,
  hash: string,
  now: Date,
): { create: string[]; delete: string[] } {
  const create: string[] = [];
  const del: string[] = [];
  for (const node of nodes) {
    const a = podsShouldBeOnNode(ds, node, byNode.get(nameOf(node)), hash, now);
    if (a.create) create.push(nameOf(node));
    del.push(...a.delete);
  }
  const known = new Set(nodes.map(nameOf));
  for (const [node, pods] of byNode)
    if (!known.has(node))
      del.push(...pods.filter((p) => !p.spec?.nodeName).map((p) => p.metadata.name ?? ''));
  return { create, delete: del };
}
