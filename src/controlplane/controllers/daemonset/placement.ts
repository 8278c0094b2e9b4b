/**
 * Which nodes a DaemonSet runs on — daemon_controller.go's NodeShouldRunDaemonPod and
 * predicates, daemon/util's AddOrUpdateDaemonPodTolerations and GetTargetNodeName. The
 * scheduler's matchers decide node affinity and tolerations, so both agree by construction.
 */
import type { JsonObject } from '../../../core/index.js';
import type { Pod } from '../deployment/index.js';
import { nameOf, obj, objs, str, strMap, labelsOf, has } from '../../scheduler/json.js';
import { nodeSelectorMatches, taintsOf, tolerated } from '../../scheduler/selectors.js';
import type { DaemonSet } from './types.js';

const exists = (key: string, effect: string): JsonObject => ({ key, operator: 'Exists', effect });

/**
 * The tolerations every daemon pod gets, so a node's own trouble never evicts or blocks its
 * daemons: not-ready and unreachable (NoExecute); disk, memory and pid pressure and
 * unschedulable (NoSchedule); network-unavailable too for host-network pods.
 */
export function daemonTolerations(podSpec: JsonObject): JsonObject[] {
  const extra = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (podSpec.hostNetwork === true)
    extra.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  // AddOrUpdateTolerationInPodSpec: one with the same key, operator, value and effect is replaced
  const same = (a: JsonObject, b: JsonObject) =>
    str(a.key) === str(b.key) &&
    str(a.effect) === str(b.effect) &&
    (str(a.operator) || 'Equal') === str(b.operator);
  const own = objs(podSpec.tolerations).filter((t) => !extra.some((e) => same(t, e)));
  return [...own, ...extra];
}

export interface NodeVerdict {
  /** a daemon pod should be created here */
  shouldRun: boolean;
  /** an existing daemon pod may stay (it tolerates the node's NoExecute taints) */
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod. A node fails outright on the template's `nodeName`, its
 * `nodeSelector` or required node affinity; an untolerated NoSchedule or NoExecute taint
 * only stops new pods — a pod already there stays unless a NoExecute taint is untolerated.
 * `spec.unschedulable` is not consulted: daemons tolerate the unschedulable taint.
 * Node tainted `dedicated=gpu:NoSchedule`, no toleration → {false, true}: keep, don't add.
 */
export function nodeShouldRunDaemonPod(ds: DaemonSet, node: JsonObject): NodeVerdict {
  const spec = (ds.spec.template.spec ?? {}) as JsonObject;
  const name = nameOf(node);
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (str(spec.nodeName) !== '' && str(spec.nodeName) !== name) return no;
  if (!matchesRequiredAffinity(spec, node)) return no;
  const tolerations = daemonTolerations(spec);
  const untolerated = (effects: string[]) =>
    taintsOf(node).some((t) => effects.includes(t.effect) && !tolerated(tolerations, t));
  if (!untolerated(['NoSchedule', 'NoExecute'])) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untolerated(['NoExecute']) };
}

/** Names of the nodes a daemon pod should be created on, in the given order. */
export function nodesShouldRun(ds: DaemonSet, nodes: readonly JsonObject[]): string[] {
  return nodes.filter((n) => nodeShouldRunDaemonPod(ds, n).shouldRun).map(nameOf);
}

// GetRequiredNodeAffinity(pod).Match(node): every nodeSelector label, and any required term.
function matchesRequiredAffinity(spec: JsonObject, node: JsonObject): boolean {
  const labels = labelsOf(node);
  const selector = strMap(spec.nodeSelector);
  if (!Object.entries(selector).every(([k, v]) => has(labels, k) && labels[k] === v)) return false;
  const required = obj(obj(obj(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  if (!('nodeSelectorTerms' in required)) return true;
  return nodeSelectorMatches(required, labels, nameOf(node));
}

/**
 * The node a daemon pod is for: `spec.nodeName` once bound, else the `metadata.name In
 * [node]` match field the controller pinned it with; undefined if neither.
 */
export function targetNodeName(pod: Pod): string | undefined {
  const spec = (pod.spec ?? {}) as JsonObject;
  if (str(spec.nodeName)) return str(spec.nodeName);
  const required = obj(obj(obj(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  for (const term of objs(required.nodeSelectorTerms))
    for (const f of objs(term.matchFields)) {
      if (str(f.key) !== 'metadata.name' || str(f.operator) !== 'In') continue;
      const values = Array.isArray(f.values) ? f.values : [];
      return values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
    }
  return undefined;
}
