/**
 * Kinds whose health is written in their conditions or phase: CustomResourceDefinition,
 * APIService, Namespace, and — for every kind without a check of its own — the `Ready`,
 * `Reconciling` and `Stalled` conditions that Capstan's Applications, Flux, cert-manager and
 * most operators write (the kstatus convention).
 */
import type { KubeObject } from '../../core/index.js';
import { conditionsOf, findCondition, generationOf, objAt, str } from './read.js';
import type { HealthStatus } from './types.js';
import { verdict } from './verdict.js';

/**
 * As argo-cd's resource_customizations/apiextensions.k8s.io/CustomResourceDefinition/health.lua,
 * except that a CRD not yet Established is Progressing, not Degraded: the API server
 * establishes a CRD moments after it is created, and a sync wave must wait for that rather
 * than fail.
 */
export function crdHealth(crd: KubeObject): HealthStatus {
  const conditions = conditionsOf(objAt(crd, 'status'));
  if (!conditions.length) return { status: 'Progressing', message: 'Status conditions not found' };
  const names = findCondition(conditions, 'NamesAccepted');
  if (names?.status === 'False') {
    return { status: 'Degraded', message: `CRD names have not been accepted: ${names.message ?? ''}` };
  }
  const schema = findCondition(conditions, 'NonStructuralSchema');
  if (schema?.status === 'True') {
    return { status: 'Degraded', message: `Schema violations found: ${schema.message ?? ''}` };
  }
  if (findCondition(conditions, 'Established')?.status === 'True') {
    return { status: 'Healthy', message: 'CRD is healthy' };
  }
  return { status: 'Progressing', message: 'CRD is not established yet' };
}

/** gitops-engine's health_apiservice.go: Healthy once Available, Progressing until then. */
export function apiServiceHealth(svc: KubeObject): HealthStatus {
  const available = findCondition(conditionsOf(objAt(svc, 'status')), 'Available');
  if (!available) return { status: 'Progressing', message: 'Waiting to be processed' };
  const message = `${available.reason ?? ''}: ${available.message ?? ''}`;
  return { status: available.status === 'True' ? 'Healthy' : 'Progressing', message };
}

/** Active (or no status yet): Healthy; Terminating: Progressing. */
export function namespaceHealth(ns: KubeObject): HealthStatus {
  if (str(objAt(ns, 'status').phase) === 'Terminating') {
    return { status: 'Progressing', message: 'Namespace is terminating' };
  }
  return { status: 'Healthy' };
}

/**
 * The health of an object of any other kind from its conditions, or undefined when it has
 * none of `Ready`, `Reconciling`, `Stalled` (it then has no health to speak of: Healthy).
 * In order:
 * - `status.observedGeneration` behind `metadata.generation`: Progressing — the status
 *   describes an older spec;
 * - Stalled True: Degraded (the controller gave up; the user must act);
 * - Reconciling True: Progressing;
 * - Ready True: Healthy, unless the condition's own `observedGeneration` is behind;
 *   False: Degraded with its message; Unknown: Progressing.
 */
export function conditionsHealth(obj: KubeObject): HealthStatus | undefined {
  const status = objAt(obj, 'status');
  const conditions = conditionsOf(status);
  const ready = findCondition(conditions, 'Ready');
  const stalled = findCondition(conditions, 'Stalled');
  const reconciling = findCondition(conditions, 'Reconciling');
  if (!ready && !stalled && !reconciling) return undefined;
  const generation = generationOf(obj);
  const stale = (observed: unknown) => typeof observed === 'number' && observed < generation;
  if (stale(status.observedGeneration) || (ready?.status === 'True' && stale(ready.observedGeneration))) {
    return { status: 'Progressing', message: `Waiting for generation ${generation} to be observed` };
  }
  if (stalled?.status === 'True') return verdict('Degraded', stalled.message);
  if (reconciling?.status === 'True') return verdict('Progressing', reconciling.message);
  if (!ready) return { status: 'Healthy' };
  if (ready.status === 'True') return verdict('Healthy', ready.message);
  if (ready.status === 'False') return verdict('Degraded', ready.message ?? ready.reason);
  return verdict('Progressing', ready.message);
}
