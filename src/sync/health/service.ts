/**
 * Service, Ingress and PersistentVolumeClaim health (gitops-engine's health_service.go,
 * health_ingress.go, health_pvc.go): an address to reach, a claim bound.
 */
import type { KubeObject } from '../../core/index.js';
import { arr, objAt, str } from './read.js';
import type { HealthStatus } from './types.js';

const hasIngress = (obj: KubeObject) => arr(objAt(obj, 'status', 'loadBalancer').ingress).length > 0;

/** A LoadBalancer Service is Progressing until it has an address; every other Service is Healthy. */
export function serviceHealth(svc: KubeObject): HealthStatus {
  if (str(objAt(svc, 'spec').type) !== 'LoadBalancer' || hasIngress(svc)) return { status: 'Healthy' };
  return { status: 'Progressing', message: 'Waiting for the load balancer to be given an address' };
}

/** An Ingress is Healthy once its controller has published an address in its status. */
export function ingressHealth(ing: KubeObject): HealthStatus {
  if (hasIngress(ing)) return { status: 'Healthy' };
  return { status: 'Progressing', message: 'Waiting for the ingress controller to publish an address' };
}

/** Bound: Healthy; Pending: Progressing; Lost (its volume is gone): Degraded. */
export function pvcHealth(pvc: KubeObject): HealthStatus {
  // The API server sets Pending on creation: a claim without a phase has just been made.
  switch (str(objAt(pvc, 'status').phase) ?? 'Pending') {
    case 'Bound':
      return { status: 'Healthy' };
    case 'Pending':
      return { status: 'Progressing', message: 'Waiting for the claim to be bound' };
    case 'Lost':
      return { status: 'Degraded', message: 'The claim lost its volume' };
    default:
      return { status: 'Unknown' };
  }
}
