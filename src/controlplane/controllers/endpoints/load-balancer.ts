/**
 * The load balancer of a single machine, as k3s's servicelb (klipper-lb) provides one: a
 * Service of type LoadBalancer is served by the host's listeners, and once every one of its
 * TCP ports listens, `status.loadBalancer.ingress` names the host's address, so that
 * `kubectl get svc` shows an EXTERNAL-IP and health checks see a provisioned load balancer.
 * Services that name a `loadBalancerClass` belong to another implementation and are left
 * alone (as servicelb does). Clearing the status when the type changes is the API server's
 * job (strategy.go dropTypeDependentFields), not this file's.
 */
import type { JsonObject } from '../../../core/index.js';

/** The address clients reach the listeners on: a wildcard bind is reached through loopback. */
export function ingressAddress(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

/** Whether the load balancer of `service` is ours to provide. */
export function isOurLoadBalancer(service: JsonObject): boolean {
  const spec = (service.spec ?? {}) as JsonObject;
  return (
    spec.type === 'LoadBalancer' && (spec.loadBalancerClass === undefined || spec.loadBalancerClass === null)
  );
}

/**
 * The `status.loadBalancer` the Service should have, or undefined when it is not ours to set.
 * `ipMode: VIP` (GA in v1.32) says traffic is delivered to the address as its destination.
 */
export function loadBalancerStatus(
  service: JsonObject,
  listening: boolean,
  host: string,
): JsonObject | undefined {
  if (!isOurLoadBalancer(service)) return undefined;
  return listening ? { ingress: [{ ip: ingressAddress(host), ipMode: 'VIP' }] } : {};
}

/** `[127.0.0.1]`, as servicelb's events list a status's addresses. */
export function ingressList(status: JsonObject | undefined): string {
  const ingress = (status?.ingress ?? []) as JsonObject[];
  return `[${ingress.map((i) => String(i.ip ?? i.hostname ?? '')).join(' ')}]`;
}
