/**
 * What kube-apiserver v1.32 adds to a Pod on create beyond PodSpec defaulting:
 * - the registry strategy (pkg/registry/core/pod/strategy.go PrepareForCreate): status
 *   `phase: Pending` with the computed `qosClass`, and the PodScheduled=False/SchedulingGated
 *   condition when the pod has scheduling gates;
 * - v1 conversion (pkg/apis/core/v1/conversion.go): the deprecated `serviceAccount` mirrors
 *   `serviceAccountName`;
 * - the admission plugins enabled by default: ServiceAccount (`serviceAccountName: default`),
 *   Priority (`priority` from the class, `preemptionPolicy: PreemptLowerPriority`) and
 *   DefaultTolerationSeconds (tolerate not-ready/unreachable nodes for 300 s).
 * Every step only fills what is absent, so running it again on an update changes nothing.
 */
import type { JsonObject } from '../../../../core/index.js';
import { str } from '../validation.js';
import { child, obj, objs, parseQuantity } from './util.js';

// the PriorityClasses every cluster has (pkg/apis/scheduling SystemPriorityClasses)
const systemPriorities: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/**
 * The QoS class (pkg/apis/core/helper/qos GetPodQOS): Guaranteed when every container sets cpu
 * and memory limits equal to requests, BestEffort when none sets any, Burstable otherwise.
 * Example: one container `limits: {cpu: 1, memory: 1Gi}` (requests defaulted to the limits) is
 * Guaranteed; add a second container with only `requests: {cpu: 100m}` and the pod is Burstable.
 */
export function podQosClass(spec: JsonObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const compute = ['cpu', 'memory'];
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
    const res = obj(c.resources) ?? {};
    const req = obj(res.requests) ?? {};
    const lim = obj(res.limits) ?? {};
    let limitsFound = 0;
    for (const name of compute) {
      // only positive quantities count: `cpu: 0` is the same as no request
      const r = parseQuantity(req[name]) ?? 0;
      if (r > 0) requests.set(name, (requests.get(name) ?? 0) + r);
      const l = parseQuantity(lim[name]) ?? 0;
      if (l > 0) {
        limitsFound++;
        limits.set(name, (limits.get(name) ?? 0) + l);
      }
    }
    if (limitsFound !== compute.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  // sums of parsed decimals: compare with a relative tolerance, not ===
  const same = (a: number, b: number): boolean =>
    Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    if (lim === undefined || !same(lim, req)) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

// DefaultTolerationSeconds: pods ride out a short node outage before being evicted
function addDefaultTolerations(spec: JsonObject): void {
  const tolerations = objs(spec.tolerations);
  const tolerates = (key: string): boolean =>
    tolerations.some((t) => (t.key === key || !str(t.key)) && (t.effect === 'NoExecute' || !str(t.effect)));
  const added = [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'])
    if (!tolerates(key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (added.length)
    spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...added];
}

/** Applies the create-time mutations above to a Pod whose spec is already defaulted. */
export function applyPodCreateDefaults(pod: JsonObject): void {
  const spec = child(pod, 'spec');
  // v1 conversion reads the deprecated field when the new one is empty, then mirrors it back
  if (!str(spec.serviceAccountName) && str(spec.serviceAccount))
    spec.serviceAccountName = spec.serviceAccount!;
  if (!str(spec.serviceAccountName)) spec.serviceAccountName = 'default';
  spec.serviceAccount = spec.serviceAccountName!;

  if (typeof spec.priority !== 'number') {
    const cls = str(spec.priorityClassName);
    // unknown classes stay unset here; no global-default class exists in a fresh cluster
    if (!cls) spec.priority = 0;
    else if (cls in systemPriorities) spec.priority = systemPriorities[cls]!;
  }
  if (!str(spec.preemptionPolicy)) spec.preemptionPolicy = 'PreemptLowerPriority';
  addDefaultTolerations(spec);

  const status = child(pod, 'status');
  if (!str(status.phase)) status.phase = 'Pending';
  if (!str(status.qosClass)) status.qosClass = podQosClass(spec);
  if (objs(spec.schedulingGates).length > 0) {
    const conditions = objs(status.conditions);
    if (!conditions.some((c) => c.type === 'PodScheduled'))
      status.conditions = [
        ...conditions,
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: null,
          reason: 'SchedulingGated',
          message: 'Scheduling is blocked due to non-empty scheduling gates',
        },
      ];
  }
}
