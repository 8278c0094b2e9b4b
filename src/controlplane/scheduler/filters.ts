/**
 * The Filter plugins of kube-scheduler's default profile that apply without volumes, in the
 * profile's order (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
 * NodeResourcesFit, InterPodAffinity) and with their exact reason strings
 * (https://github.com/kubernetes/kubernetes/tree/master/pkg/scheduler/framework/plugins).
 * The first failing plugin decides a node's reasons, as in `RunFilterPlugins`.
 *
 * `resolvable` mirrors the status code: `Unschedulable` failures (resources, ports,
 * anti-affinity) might be cured by preempting a pod, `UnschedulableAndUnresolvable` ones not.
 */
import type { JsonObject } from '../../core/index.js';
import { has, labelsOf, nameOf, obj, objs, str, strMap } from './json.js';
import type { PodAffinityCheck } from './pod-affinity.js';
import type { Amounts } from './resources.js';
import { allocatableOf, isScalarResource, requestAmounts } from './resources.js';
import type { Taint } from './selectors.js';
import { nodeSelectorMatches, taintsOf, tolerated } from './selectors.js';

/** What the scheduler cache's NodeInfo holds: the node and the sums over its live pods. */
export interface NodeInfo {
  node: JsonObject;
  name: string;
  labels: Record<string, string>;
  allocatable: Amounts;
  requested: Amounts;
  /** cpu/memory summed with the scoring defaults for containers without requests */
  nonZeroRequested: Amounts;
  podCount: number;
  /** `ip protocol port` of every host port in use */
  usedPorts: HostPort[];
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A node's verdict: undefined when it fits. */
export type FilterResult = { reasons: string[]; resolvable: boolean } | undefined;

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** What one pod adds to its node's NodeInfo. */
interface PodUsage {
  requested: Amounts;
  nonZero: Amounts;
  ports: HostPort[];
}

// Each decision sums over every pod bound to the nodes; the store's pods are deep-frozen,
// so what one of them adds is computed once per stored version, not once per decision.
const usageOfFrozen = new WeakMap<JsonObject, PodUsage>();

function podUsage(pod: JsonObject): PodUsage {
  const cached = usageOfFrozen.get(pod);
  if (cached) return cached;
  const usage = { requested: requestAmounts(pod), nonZero: requestAmounts(pod, true), ports: hostPorts(pod) };
  if (Object.isFrozen(pod)) usageOfFrozen.set(pod, usage);
  return usage;
}

/** Builds the NodeInfo of one node from the live (non-terminal) pods bound to it. */
export function nodeInfo(node: JsonObject, pods: JsonObject[]): NodeInfo {
  const requested: Amounts = {};
  const nonZeroRequested: Amounts = { cpu: 0, memory: 0 };
  const usedPorts: HostPort[] = [];
  for (const p of pods) {
    const usage = podUsage(p);
    for (const k in usage.requested) requested[k] = (requested[k] ?? 0) + usage.requested[k];
    nonZeroRequested.cpu += usage.nonZero.cpu ?? 0;
    nonZeroRequested.memory += usage.nonZero.memory ?? 0;
    for (const port of usage.ports) usedPorts.push(port);
  }
  return {
    node,
    name: nameOf(node),
    labels: labelsOf(node),
    allocatable: allocatableOf(node),
    requested,
    nonZeroRequested,
    podCount: pods.length,
    usedPorts,
  };
}

/**
 * GetHostPorts: host ports of the app containers and of sidecars (restartable init
 * containers), the only init containers still running once the pod is up. An empty host IP
 * means 0.0.0.0 and an empty protocol TCP.
 */
export function hostPorts(pod: JsonObject): HostPort[] {
  const spec = obj(pod.spec);
  const containers = [
    ...objs(spec.initContainers).filter((c) => str(c.restartPolicy) === 'Always'),
    ...objs(spec.containers),
  ];
  const out: HostPort[] = [];
  for (const c of containers) {
    for (const p of objs(c.ports)) {
      const port = typeof p.hostPort === 'number' ? p.hostPort : 0;
      if (port > 0) out.push({ ip: str(p.hostIP) || '0.0.0.0', protocol: str(p.protocol) || 'TCP', port });
    }
  }
  return out;
}

function nodeUnschedulable(pod: JsonObject, info: NodeInfo): FilterResult {
  if (obj(info.node.spec).unschedulable !== true) return undefined;
  // A pod that tolerates the cordon taint also tolerates spec.unschedulable.
  const cordon: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };
  if (tolerated(objs(obj(pod.spec).tolerations), cordon)) return undefined;
  return { reasons: [REASON_UNSCHEDULABLE], resolvable: false };
}

function nodeName(pod: JsonObject, info: NodeInfo): FilterResult {
  const wanted = str(obj(pod.spec).nodeName);
  return wanted === '' || wanted === info.name
    ? undefined
    : { reasons: [REASON_NODE_NAME], resolvable: false };
}

/** Only NoSchedule and NoExecute taints keep a pod off; the first untolerated one is named. */
function taintToleration(pod: JsonObject, info: NodeInfo): FilterResult {
  const tolerations = objs(obj(pod.spec).tolerations);
  for (const t of taintsOf(info.node)) {
    if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerated(tolerations, t)) {
      return { reasons: [`node(s) had untolerated taint {${t.key}: ${t.value}}`], resolvable: false };
    }
  }
  return undefined;
}

/** spec.nodeSelector (every pair must be a node label) AND the required node affinity. */
function nodeAffinity(pod: JsonObject, info: NodeInfo): FilterResult {
  const spec = obj(pod.spec);
  const fail = { reasons: [REASON_NODE_AFFINITY], resolvable: false };
  for (const [k, v] of Object.entries(strMap(spec.nodeSelector))) {
    if (!has(info.labels, k) || info.labels[k] !== v) return fail;
  }
  const required = obj(obj(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution;
  if (required !== undefined && required !== null) {
    if (!nodeSelectorMatches(obj(required), info.labels, info.name)) return fail;
  }
  return undefined;
}

/** HostPortInfo.CheckConflict: 0.0.0.0 clashes with every IP on the same protocol and port. */
function nodePorts(wanted: HostPort[], info: NodeInfo): FilterResult {
  for (const w of wanted) {
    const clash = info.usedPorts.some(
      (u) =>
        u.port === w.port &&
        u.protocol === w.protocol &&
        (w.ip === '0.0.0.0' || u.ip === '0.0.0.0' || u.ip === w.ip),
    );
    if (clash) return { reasons: [REASON_NODE_PORTS], resolvable: true };
  }
  return undefined;
}

/**
 * fitsRequest: room for one more pod, then each requested resource against allocatable
 * minus what the node's pods already request. A resource the pod does not request never
 * fails, even on an over-committed node.
 */
function resourcesFit(request: Amounts, info: NodeInfo): FilterResult {
  const reasons: string[] = [];
  if (info.podCount + 1 > (info.allocatable.pods ?? 0)) reasons.push('Too many pods');
  const free = (r: string) => (info.allocatable[r] ?? 0) - (info.requested[r] ?? 0);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if ((request[r] ?? 0) > 0 && request[r] > free(r)) reasons.push(`Insufficient ${r}`);
  }
  for (const r of Object.keys(request).filter(isScalarResource).sort()) {
    if (request[r] > 0 && request[r] > free(r)) reasons.push(`Insufficient ${r}`);
  }
  return reasons.length > 0 ? { reasons, resolvable: true } : undefined;
}

/** Runs the filters on one node in profile order; the first failure is the node's verdict. */
export function filterNode(
  pod: JsonObject,
  info: NodeInfo,
  request: Amounts,
  wantedPorts: HostPort[],
  podAffinity: PodAffinityCheck,
): FilterResult {
  const affinity = () => {
    const r = podAffinity(info.labels);
    return r && { reasons: [r.reason], resolvable: r.resolvable };
  };
  return (
    nodeUnschedulable(pod, info) ??
    nodeName(pod, info) ??
    taintToleration(pod, info) ??
    nodeAffinity(pod, info) ??
    nodePorts(wantedPorts, info) ??
    resourcesFit(request, info) ??
    affinity()
  );
}
