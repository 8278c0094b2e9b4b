/**
 * Service defaults on create, from three places in kube-apiserver v1.32:
 * - pkg/apis/core/v1/defaults.go SetDefaults_Service (type, sessionAffinity, port protocol and
 *   targetPort, traffic policies, allocateLoadBalancerNodePorts, ingress ipMode);
 * - pkg/registry/core/service/strategy.go PrepareForCreate (clusterIPs mirrors clusterIP);
 * - pkg/registry/core/service/storage/alloc.go initIPFamilyFields (ipFamilyPolicy,
 *   ipFamilies on a single-stack IPv4 cluster). Allocating the clusterIP and node ports
 *   themselves is the registry's job, not done here.
 */
import type { JsonObject } from '../../../../core/index.js';
import { ipFamily, str } from '../validation.js';
import { arr, child, obj, objs } from './util.js';

/** ServiceSpec.sessionAffinityConfig.clientIP.timeoutSeconds default: 3 hours. */
export const defaultClientIpTimeoutSeconds = 10800;

/** NodePort, LoadBalancer, or anything with externalIPs (service.ExternallyAccessible). */
export function externallyAccessible(spec: JsonObject): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0)
  );
}

/** Whether clusterIP is "None". */
export function isHeadless(spec: JsonObject): boolean {
  return str(arr(spec.clusterIPs)[0] as string) === 'None' || spec.clusterIP === 'None';
}

/** Sets the defaults above in place. */
export function defaultService(svc: JsonObject): void {
  const spec = child(svc, 'spec');
  if (!str(spec.sessionAffinity)) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = obj(obj(spec.sessionAffinityConfig)?.clientIP);
    if (typeof clientIP?.timeoutSeconds !== 'number')
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: defaultClientIpTimeoutSeconds } };
  }
  if (!str(spec.type)) spec.type = 'ClusterIP';
  for (const port of objs(spec.ports)) {
    if (!str(port.protocol)) port.protocol = 'TCP';
    // targetPort 0 or "" means "same as port"
    if (
      port.targetPort === undefined ||
      port.targetPort === null ||
      port.targetPort === 0 ||
      port.targetPort === ''
    )
      port.targetPort = typeof port.port === 'number' ? port.port : 0;
  }
  if (externallyAccessible(spec) && !str(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if (!str(spec.internalTrafficPolicy) && ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(str(spec.type)))
    spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') {
    if (typeof spec.allocateLoadBalancerNodePorts !== 'boolean') spec.allocateLoadBalancerNodePorts = true;
    for (const ing of objs(obj(obj(svc.status)?.loadBalancer)?.ingress))
      if (str(ing.ip) && !str(ing.ipMode)) ing.ipMode = 'VIP';
  }
  // the strategy keeps the two fields in step: clusterIPs[0] is clusterIP
  if (str(spec.clusterIP) && arr(spec.clusterIPs).length === 0) spec.clusterIPs = [spec.clusterIP!];
  defaultIpFamilies(spec);
  // status is a struct, not a pointer: the server always returns `status: {loadBalancer: {}}`
  child(child(svc, 'status'), 'loadBalancer');
}

// this control plane is a single-stack IPv4 cluster
function defaultIpFamilies(spec: JsonObject): void {
  if (spec.type === 'ExternalName') return;
  const headlessNoSelector = isHeadless(spec) && Object.keys(obj(spec.selector) ?? {}).length === 0;
  if (!str(spec.ipFamilyPolicy)) {
    // selectorless headless services publish whatever endpoints they are given, of any family
    spec.ipFamilyPolicy = headlessNoSelector ? 'RequireDualStack' : 'SingleStack';
  }
  if (arr(spec.ipFamilies).length === 0) {
    const first = str(arr(spec.clusterIPs)[0] as string);
    spec.ipFamilies = [ipFamily(first) ?? 'IPv4'];
  }
}
