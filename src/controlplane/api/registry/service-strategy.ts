/**
 * The Service update strategy of kube-apiserver that concerns allocated values
 * (pkg/registry/core/service/strategy.go and storage/storage.go): values the client left out
 * on update are patched back in, and fields that no longer apply after a type change are
 * wiped. Plus the small readers of a Service spec that allocation shares.
 */
import { isDeepStrictEqual } from 'node:util';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import { externallyAccessible } from '../kinds/core/service-defaults.js';

/** a Service's spec, as the helpers below read it */
export type Spec = Record<string, JsonValue>;

/** the spec of `svc`, created empty if missing */
export function specOf(svc: JsonObject): Spec {
  return (isJsonObject(svc.spec) ? svc.spec : (svc.spec = {})) as Spec;
}

export function portsOf(spec: Spec): JsonObject[] {
  return Array.isArray(spec.ports) ? spec.ports.filter(isJsonObject) : [];
}

export const nodePortOf = (p: JsonObject): number => (typeof p.nodePort === 'number' ? p.nodePort : 0);
export const needsClusterIp = (spec: Spec) => spec.type !== 'ExternalName';
export const needsNodePort = (spec: Spec) => spec.type === 'NodePort' || spec.type === 'LoadBalancer';

/** apiservice.NeedsHealthCheck: a LoadBalancer that keeps traffic on the node it arrives at. */
export const needsHealthCheck = (spec: Spec) =>
  spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
/** the health check node port, when the Service needs one */
export const healthCheckPortOf = (spec: Spec): number =>
  needsHealthCheck(spec) && typeof spec.healthCheckNodePort === 'number' ? spec.healthCheckNodePort : 0;

/** NodePort Services always get node ports; LoadBalancers unless allocateLoadBalancerNodePorts is false. */
export function shouldAllocateNodePorts(spec: Spec): boolean {
  if (spec.type === 'NodePort') return true;
  return spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

/** the node ports the Service's ports hold */
export function nodePortsOf(spec: Spec): number[] {
  return portsOf(spec)
    .map(nodePortOf)
    .filter((n) => n !== 0);
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return isDeepStrictEqual(a ?? null, b ?? null);
}

/**
 * strategy.go dropTypeDependentFields: on a type change, fields the server may have filled in
 * and that no longer apply are wiped, but only when the client left them as they were (so a
 * value the user really asks for still reaches validation). Example: NodePort → ClusterIP
 * drops the node ports and `externalTrafficPolicy: Cluster`, which ClusterIP forbids.
 */
export function dropTypeDependentFields(svc: JsonObject, old: JsonObject): void {
  const spec = specOf(svc);
  const oldSpec = (isJsonObject(old.spec) ? old.spec : {}) as Spec;
  if (needsClusterIp(oldSpec) && !needsClusterIp(spec)) {
    const sameIps =
      same(spec.clusterIPs, oldSpec.clusterIPs) ||
      (spec.clusterIPs === undefined && same(spec.clusterIP, oldSpec.clusterIP));
    if (sameIps) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, oldSpec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    // users may add, remove or change ports, as long as no node port is new
    const oldPorts = new Set(nodePortsOf(oldSpec));
    if (nodePortsOf(spec).every((p) => oldPorts.has(p))) for (const p of portsOf(spec)) delete p.nodePort;
  }
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (
      typeof spec.allocateLoadBalancerNodePorts === 'boolean' &&
      spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts
    )
      delete spec.allocateLoadBalancerNodePorts;
    if (same(spec.loadBalancerClass, oldSpec.loadBalancerClass)) delete spec.loadBalancerClass;
  }
  if (
    needsHealthCheck(oldSpec) &&
    !needsHealthCheck(spec) &&
    same(spec.healthCheckNodePort, oldSpec.healthCheckNodePort)
  )
    delete spec.healthCheckNodePort;
  if (
    externallyAccessible(oldSpec) &&
    !externallyAccessible(spec) &&
    same(spec.externalTrafficPolicy, oldSpec.externalTrafficPolicy)
  )
    delete spec.externalTrafficPolicy;
  // load balancer de-provisioning is asynchronous, but users need not see that
  if (spec.type !== 'LoadBalancer' && isJsonObject(svc.status)) svc.status.loadBalancer = {};
}

/**
 * storage.go patchAllocatedValues: a client that re-sends the manifest it created the Service
 * from (no clusterIP, no nodePort) keeps what was allocated for it. Node ports are matched by
 * port name; a value another port of the new spec now uses explicitly is not copied.
 */
export function patchAllocatedValues(svc: JsonObject, old: JsonObject): void {
  const spec = specOf(svc);
  const oldSpec = (isJsonObject(old.spec) ? old.spec : {}) as Spec;
  if (needsClusterIp(oldSpec) && needsClusterIp(spec)) {
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && oldSpec.clusterIP !== undefined)
      spec.clusterIP = oldSpec.clusterIP;
    if (
      (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) &&
      Array.isArray(oldSpec.clusterIPs) &&
      oldSpec.clusterIPs.length > 0
    )
      spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const newPorts = new Set(nodePortsOf(spec));
    const used = new Set(nodePortsOf(oldSpec).filter((p) => newPorts.has(p)));
    const byName = new Map<string, number>();
    for (const p of portsOf(oldSpec)) byName.set(typeof p.name === 'string' ? p.name : '', nodePortOf(p));
    for (const p of portsOf(spec)) {
      if (nodePortOf(p) !== 0) continue;
      const previous = byName.get(typeof p.name === 'string' ? p.name : '') ?? 0;
      if (previous !== 0 && !used.has(previous)) p.nodePort = previous;
    }
  }
  if (
    needsHealthCheck(oldSpec) &&
    needsHealthCheck(spec) &&
    !spec.healthCheckNodePort &&
    healthCheckPortOf(oldSpec)
  )
    spec.healthCheckNodePort = healthCheckPortOf(oldSpec);
}
