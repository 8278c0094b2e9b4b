/**
 * `assessHealth`: one object's health, by kind, as Argo CD users know it. Pure: the
 * object (and, for workloads, the pods around it) in, a verdict out; the caller fetches.
 */
import { gvkOf, type KubeObject } from '../../core/index.js';
import { apiServiceHealth, conditionsHealth, crdHealth, namespaceHealth } from './conditions.js';
import { daemonSetHealth } from './daemon-set.js';
import { deploymentHealth } from './deployment.js';
import { hpaHealth } from './hpa.js';
import { cronJobHealth, jobHealth } from './job.js';
import { podDisruptionBudgetHealth } from './pod-disruption-budget.js';
import { podHealth } from './pod.js';
import { replicaSetHealth } from './replica-set.js';
import { ingressHealth, pvcHealth, serviceHealth } from './service.js';
import { statefulSetHealth } from './stateful-set.js';
import type { HealthContext, HealthStatus } from './types.js';

type Check = (obj: KubeObject, context: HealthContext) => HealthStatus;

/** The built-in checks by `group/Kind` (the version does not matter: every version has these fields). */
const CHECKS: Record<string, Check> = {
  'apps/Deployment': deploymentHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  'apps/ReplicaSet': replicaSetHealth,
  '/Pod': podHealth,
  '/Service': serviceHealth,
  '/PersistentVolumeClaim': pvcHealth,
  '/Namespace': namespaceHealth,
  'batch/Job': jobHealth,
  'batch/CronJob': cronJobHealth,
  'networking.k8s.io/Ingress': ingressHealth,
  'extensions/Ingress': ingressHealth,
  'autoscaling/HorizontalPodAutoscaler': hpaHealth,
  'policy/PodDisruptionBudget': podDisruptionBudgetHealth,
  'apiextensions.k8s.io/CustomResourceDefinition': crdHealth,
  'apiregistration.k8s.io/APIService': apiServiceHealth,
};

/**
 * The health of `obj`:
 * - `undefined` (an object that should exist and does not): Missing;
 * - being deleted (`metadata.deletionTimestamp`): Progressing "Pending deletion", whatever
 *   the kind, as in gitops-engine;
 * - a kind with a built-in check (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job,
 *   CronJob, Service, Ingress, PersistentVolumeClaim, HorizontalPodAutoscaler,
 *   PodDisruptionBudget, CustomResourceDefinition, APIService, Namespace): that check;
 * - any other object with a `Ready`, `Reconciling` or `Stalled` condition: from those;
 * - anything else (ConfigMap, Secret, ServiceAccount, RBAC, …): Healthy, having no health
 *   of its own.
 * A status that cannot be read is Unknown, with the reason.
 *
 * `context.pods` (and `context.replicaSets`) let a workload that is not healthy name the
 * pod, container and probe at fault in `cause`.
 */
export function assessHealth(obj: KubeObject | undefined, context: HealthContext = {}): HealthStatus {
  if (!obj) return { status: 'Missing' };
  if (obj.metadata?.deletionTimestamp) return { status: 'Progressing', message: 'Pending deletion' };
  const { group, kind } = gvkOf(obj);
  try {
    const check = CHECKS[`${group}/${kind}`];
    return check ? check(obj, context) : (conditionsHealth(obj) ?? { status: 'Healthy' });
  } catch (e) {
    return { status: 'Unknown', message: `${kind} ${obj.metadata?.name ?? ''}: ${(e as Error).message}` };
  }
}
