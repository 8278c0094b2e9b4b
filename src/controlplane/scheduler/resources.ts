/**
 * What a pod asks for and what a node offers, in the scheduler's integer units: CPU in
 * millicores (`Quantity.MilliValue()`), everything else in whole units (`Value()`), both
 * rounded up as apimachinery does.
 *
 * The request rule is component-helpers' `resource.PodRequests`
 * (https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/component-helpers/resource/helpers.go):
 * sum the app containers; restartable init containers (sidecars, `restartPolicy: Always`) run
 * alongside them and add to that sum; each ordinary init container runs alone, next to the
 * sidecars started before it, so the pod needs at least that much; then add `spec.overhead`.
 * Worked example: containers 100m + 200m, init container 500m → max(300m, 500m) = 500m.
 */
import type { JsonObject } from '../../core/index.js';
import { obj, objs, str } from './json.js';
import { quantityCeil } from '../../core/index.js';

/** Resource name → amount in scheduler units (millicores for cpu). */
export type Amounts = Record<string, number>;

// kube-scheduler's pkg/scheduler/util: scoring pretends a container without a request asks for
// 100m CPU and 200Mi memory, so that many "free" pods do not all pile onto one node.
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** CPU is counted in millicores, the rest in units. */
export function toUnits(resource: string, q: string | number): number {
  return quantityCeil(q, resource === 'cpu' ? 3 : 0);
}

function readList(v: JsonObject): Amounts {
  const out: Amounts = {};
  for (const [name, q] of Object.entries(v)) {
    if (typeof q === 'string' || typeof q === 'number') out[name] = toUnits(name, q);
  }
  return out;
}

function add(into: Amounts, more: Amounts): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}

function maxInto(into: Amounts, other: Amounts): void {
  for (const [k, v] of Object.entries(other)) if (v > (into[k] ?? 0)) into[k] = v;
}

/**
 * One container's requests. The API server defaults a request to its limit when only the
 * limit is set (SetDefaults_Pod), so do the same here for objects that skipped that defaulting.
 */
function containerRequests(c: JsonObject, nonZero: boolean): Amounts {
  const res = obj(c.resources);
  const out = readList(obj(res.limits));
  Object.assign(out, readList(obj(res.requests)));
  if (nonZero) {
    if (out.cpu === undefined) out.cpu = DEFAULT_MILLI_CPU_REQUEST;
    if (out.memory === undefined) out.memory = DEFAULT_MEMORY_REQUEST;
  }
  return out;
}

/**
 * The pod's effective requests in scheduler units. With `nonZero`, missing CPU/memory
 * requests count as the scoring defaults above (kube-scheduler's "non-zero" requests);
 * without, they count as 0, which is what the fit check uses.
 */
export function requestAmounts(pod: JsonObject, nonZero = false): Amounts {
  const spec = obj(pod.spec);
  const total: Amounts = {};
  for (const c of objs(spec.containers)) add(total, containerRequests(c, nonZero));
  const sidecars: Amounts = {};
  const initPeak: Amounts = {};
  for (const c of objs(spec.initContainers)) {
    const reqs = containerRequests(c, nonZero);
    if (str(c.restartPolicy) === 'Always') {
      add(total, reqs);
      add(sidecars, reqs);
      maxInto(initPeak, sidecars);
    } else {
      const running: Amounts = { ...reqs };
      add(running, sidecars);
      maxInto(initPeak, running);
    }
  }
  maxInto(total, initPeak);
  add(total, readList(obj(spec.overhead)));
  return total;
}

/**
 * The pod's total requests (containers summed, raised to the largest init-container need,
 * plus overhead) as plain numbers: `cpu` in cores, `memory` and the rest in units. Missing
 * requests count as 0.
 */
export function podRequests(pod: JsonObject): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(requestAmounts(pod))) out[k] = k === 'cpu' ? v / 1000 : v;
  return out;
}

/**
 * A node's allocatable resources. The API server copies capacity into an absent allocatable
 * (SetDefaults_NodeStatus), so fall back the same way.
 */
export function allocatableOf(node: JsonObject): Amounts {
  const status = obj(node.status);
  const alloc = status.allocatable === undefined ? status.capacity : status.allocatable;
  return readList(obj(alloc));
}

/** Succeeded and Failed pods hold nothing on their node any more. */
export function isTerminal(pod: JsonObject): boolean {
  const phase = str(obj(pod.status).phase);
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Kubernetes' IsScalarResourceName: extended (`example.com/gpu`), hugepages and the like. */
export function isScalarResource(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}
