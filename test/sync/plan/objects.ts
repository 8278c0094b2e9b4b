/** Small builders for the planner's tests. */
import type { KubeObject } from '../../../src/core/index.js';
import { APP_LABEL, TRACKING_ANNOTATION, trackingId } from '../../../src/sync/annotations.js';
import type { SyncPlan } from '../../../src/sync/plan/index.js';

const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  StorageClass: 'storage.k8s.io/v1',
  APIService: 'apiregistration.k8s.io/v1',
};

/** `obj('Deployment', 'web', { namespace: 'shop', annotations: {...} })` */
export function obj(
  kind: string,
  name: string,
  opts: {
    namespace?: string;
    annotations?: Record<string, string>;
    apiVersion?: string;
    labels?: Record<string, string>;
  } = {},
): KubeObject {
  const o: KubeObject = {
    apiVersion: opts.apiVersion ?? API_VERSIONS[kind] ?? 'v1',
    kind,
    metadata: { name },
  };
  if (opts.namespace) o.metadata.namespace = opts.namespace;
  if (opts.annotations) o.metadata.annotations = { ...opts.annotations };
  if (opts.labels) o.metadata.labels = { ...opts.labels };
  return o;
}

/** A live object as Capstan would have applied it for `app` (namespace must be set for namespaced kinds). */
export function tracked(app: string, o: KubeObject): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      labels: { ...o.metadata.labels, [APP_LABEL]: app },
      annotations: { ...o.metadata.annotations, [TRACKING_ANNOTATION]: trackingId(app, o) },
    },
  };
}

/** The sync phase's waves as `[wave, ['Kind ns/name', …]]`. */
export function syncOrder(plan: SyncPlan, phase = 'Sync'): Array<[number, string[]]> {
  const p = plan.phases.find((x) => x.phase === phase);
  return (p?.waves ?? []).map((w) => [
    w.wave,
    w.steps.map((s) => `${s.ref.kind} ${s.ref.namespace ? `${s.ref.namespace}/` : ''}${s.ref.name}`),
  ]);
}

/** Every step's object, in execution order, as `Kind name`. */
export function flatNames(plan: SyncPlan): string[] {
  return plan.phases.flatMap((p) =>
    p.waves.flatMap((w) => w.steps.map((s) => `${s.ref.kind} ${s.ref.name}`)),
  );
}
