/**
 * Health of the other kinds — Job, CronJob, PVC, Service, Ingress, CRD, HPA, APIService,
 * Namespace, objects with a Ready condition, kinds without health — and Missing/Unknown.
 */
import test from 'ava';
import type { JsonObject, JsonValue, KubeObject } from '../../../src/core/index.js';
import { assessHealth, type HealthStatus } from '../../../src/sync/health/index.js';

const T0 = '2026-03-02T10:00:00Z';

/** An object `x` in namespace `shop`; `meta` adds metadata (`namespace: undefined` for a cluster-scoped one). */
function obj(
  apiVersion: string,
  kind: string,
  fields: JsonObject = {},
  meta: Record<string, JsonValue | undefined> = {},
): KubeObject {
  const metadata = Object.fromEntries(
    Object.entries({ name: 'x', namespace: 'shop', generation: 1, ...meta }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as JsonObject;
  return { apiVersion, kind, metadata, ...fields };
}

const jobCond = (type: string, reason: string, message: string, status = 'True'): JsonObject => ({
  type,
  status,
  lastProbeTime: T0,
  lastTransitionTime: T0,
  reason,
  message,
});

const job = (status: JsonObject, spec: JsonObject = {}) =>
  obj('batch/v1', 'Job', {
    spec: { parallelism: 1, completions: 1, backoffLimit: 6, suspend: false, ...spec },
    status,
  });

const cronJob = (status: JsonObject | undefined, suspend = false) =>
  obj('batch/v1', 'CronJob', {
    spec: { schedule: '*/5 * * * *', suspend, concurrencyPolicy: 'Allow' },
    ...(status ? { status } : {}),
  });

const crd = (conditions: JsonObject[]) =>
  obj(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    {
      spec: {
        group: 'capstan.dev',
        names: { kind: 'Application', plural: 'applications' },
        scope: 'Namespaced',
      },
      status: { conditions },
    },
    { name: 'applications.capstan.dev', namespace: undefined },
  );

const crdCond = (type: string, status: string, reason: string, message: string): JsonObject => ({
  type,
  status,
  lastTransitionTime: T0,
  reason,
  message,
});

const hpa = (conditions: JsonObject[]) =>
  obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
    },
    status: { currentReplicas: 2, desiredReplicas: 2, conditions },
  });

const hpaCond = (type: string, status: string, reason: string, message: string): JsonObject => ({
  type,
  status,
  lastTransitionTime: T0,
  reason,
  message,
});

const ableToScale = hpaCond(
  'AbleToScale',
  'True',
  'ReadyForNewScale',
  'recommended size matches current size',
);
const scalingActive = hpaCond(
  'ScalingActive',
  'True',
  'ValidMetricFound',
  'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
);
const withinRange = hpaCond(
  'ScalingLimited',
  'False',
  'DesiredWithinRange',
  'the desired count is within the acceptable range',
);
const metricsFailing = hpaCond(
  'ScalingActive',
  'False',
  'FailedGetResourceMetric',
  'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container web of Pod web-7f9c6d-abcde',
);

const cases: [string, KubeObject | undefined, HealthStatus][] = [
  // Job
  ['Job: running', job({ active: 1, startTime: T0, ready: 0, terminating: 0 }), { status: 'Progressing' }],
  [
    'Job: complete',
    job({
      succeeded: 1,
      startTime: T0,
      completionTime: T0,
      conditions: [
        jobCond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        jobCond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
      ],
    }),
    { status: 'Healthy', message: 'Reached expected number of succeeded pods' },
  ],
  [
    'Job: failed',
    job({
      failed: 7,
      startTime: T0,
      conditions: [
        jobCond('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        jobCond('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
      ],
    }),
    { status: 'Degraded', message: 'Job has reached the specified backoff limit' },
  ],
  [
    'Job: suspended',
    job({ conditions: [jobCond('Suspended', 'JobSuspended', 'Job suspended')] }, { suspend: true }),
    { status: 'Suspended', message: 'Job suspended' },
  ],
  [
    'Job: suspended before the controller saw it',
    job({}, { suspend: true }),
    { status: 'Suspended', message: 'Job is suspended' },
  ],
  [
    'Job: resumed (Suspended=False) runs again',
    job({ active: 1, conditions: [jobCond('Suspended', 'JobResumed', 'Job resumed', 'False')] }),
    { status: 'Progressing' },
  ],
  // CronJob
  // argo-cd #24430: a CronJob paused on purpose must not hold its application in Suspended
  [
    'CronJob: suspended is Healthy',
    cronJob({ lastScheduleTime: '2026-03-02T10:05:00Z' }, true),
    { status: 'Healthy', message: 'CronJob is Suspended' },
  ],
  ['CronJob: no status yet', cronJob(undefined), { status: 'Progressing', message: 'Waiting for CronJob' }],
  [
    'CronJob: never scheduled',
    cronJob({}),
    { status: 'Healthy', message: 'CronJob has not been scheduled yet' },
  ],
  [
    'CronJob: last run succeeded',
    cronJob({ lastScheduleTime: '2026-03-02T10:05:00Z', lastSuccessfulTime: '2026-03-02T10:05:07Z' }),
    { status: 'Healthy', message: 'CronJob has completed its last execution successfully' },
  ],
  [
    'CronJob: last run failed',
    cronJob({ lastScheduleTime: '2026-03-02T10:10:00Z', lastSuccessfulTime: '2026-03-02T10:05:07Z' }),
    { status: 'Degraded', message: 'CronJob has not completed its last execution successfully' },
  ],
  [
    'CronJob: a run in progress',
    cronJob({
      active: [{ kind: 'Job', namespace: 'shop', name: 'x-29541250', apiVersion: 'batch/v1' }],
      lastScheduleTime: '2026-03-02T10:10:00Z',
      lastSuccessfulTime: '2026-03-02T10:05:07Z',
    }),
    { status: 'Healthy', message: 'The job is running. Its last execution may not have been successful' },
  ],
  [
    'CronJob: first run not finished',
    cronJob({ lastScheduleTime: '2026-03-02T10:10:00Z' }),
    { status: 'Healthy', message: 'The CronJob has never completed successfully; it may not be healthy' },
  ],
  // PVC
  [
    'PVC: Bound',
    obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Bound', accessModes: ['ReadWriteOnce'] } }),
    { status: 'Healthy' },
  ],
  [
    'PVC: Pending',
    obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }),
    { status: 'Progressing', message: 'Waiting for the claim to be bound' },
  ],
  [
    'PVC: Lost',
    obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Lost' } }),
    { status: 'Degraded', message: 'The claim lost its volume' },
  ],
  // Service
  [
    'Service: ClusterIP',
    obj('v1', 'Service', {
      spec: { type: 'ClusterIP', clusterIP: '10.96.4.2' },
      status: { loadBalancer: {} },
    }),
    { status: 'Healthy' },
  ],
  [
    'Service: LoadBalancer without an address',
    obj('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }),
    { status: 'Progressing', message: 'Waiting for the load balancer to be given an address' },
  ],
  [
    'Service: LoadBalancer with an address',
    obj('v1', 'Service', {
      spec: { type: 'LoadBalancer' },
      status: {
        loadBalancer: {
          ingress: [{ ip: '127.0.0.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }],
        },
      },
    }),
    { status: 'Healthy' },
  ],
  // Ingress
  [
    'Ingress: address published',
    obj('networking.k8s.io/v1', 'Ingress', { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } }),
    { status: 'Healthy' },
  ],
  [
    'Ingress: no address yet',
    obj('networking.k8s.io/v1', 'Ingress', { status: { loadBalancer: {} } }),
    { status: 'Progressing', message: 'Waiting for the ingress controller to publish an address' },
  ],
  // CRD
  [
    'CRD: established',
    crd([
      crdCond('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
      crdCond('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ]),
    { status: 'Healthy', message: 'CRD is healthy' },
  ],
  ['CRD: no conditions yet', crd([]), { status: 'Progressing', message: 'Status conditions not found' }],
  [
    'CRD: names accepted, not established yet',
    crd([
      crdCond('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
      crdCond('Established', 'False', 'Installing', 'the initial names have been accepted'),
    ]),
    { status: 'Progressing', message: 'CRD is not established yet' },
  ],
  [
    'CRD: names conflict',
    crd([
      crdCond('NamesAccepted', 'False', 'ListKindConflict', '"ApplicationList" is already in use'),
      crdCond('Established', 'False', 'NotAccepted', 'not all names are accepted'),
    ]),
    { status: 'Degraded', message: 'CRD names have not been accepted: "ApplicationList" is already in use' },
  ],
  [
    'CRD: non-structural schema',
    crd([
      crdCond('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
      crdCond('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
      crdCond(
        'NonStructuralSchema',
        'True',
        'Violations',
        'spec.versions[0].schema.openAPIV3Schema.type: Required value',
      ),
    ]),
    {
      status: 'Degraded',
      message: 'Schema violations found: spec.versions[0].schema.openAPIV3Schema.type: Required value',
    },
  ],
  // HPA
  [
    'HPA v2: scaling',
    hpa([ableToScale, scalingActive, withinRange]),
    { status: 'Healthy', message: 'recommended size matches current size' },
  ],
  [
    'HPA v2: metrics failing, even after a healthy AbleToScale',
    hpa([ableToScale, metricsFailing, withinRange]),
    {
      status: 'Degraded',
      message:
        'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container web of Pod web-7f9c6d-abcde',
    },
  ],
  [
    'HPA v2: cannot get the scale',
    hpa([
      hpaCond(
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: deployments/scale.apps "web" not found`,
      ),
      scalingActive,
    ]),
    {
      status: 'Degraded',
      message: `the HPA controller was unable to get the target's current scale: deployments/scale.apps "web" not found`,
    },
  ],
  [
    'HPA v2: scaling disabled (target at 0 replicas) is not a failure',
    hpa([
      ableToScale,
      hpaCond(
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      ),
    ]),
    { status: 'Healthy', message: 'recommended size matches current size' },
  ],
  [
    'HPA v2: cannot update the scale',
    hpa([
      hpaCond(
        'AbleToScale',
        'False',
        'FailedUpdateScale',
        `the HPA controller was unable to update the target scale: deployments.apps "web" is forbidden`,
      ),
    ]),
    {
      status: 'Degraded',
      message: `the HPA controller was unable to update the target scale: deployments.apps "web" is forbidden`,
    },
  ],
  // gitops-engine reads only FailedGetScale and FailedUpdateScale as AbleToScale failures
  [
    'HPA v2: AbleToScale=False backing off is not a failure',
    hpa([
      hpaCond(
        'AbleToScale',
        'False',
        'BackoffBoth',
        'the time since the previous scale is still within the window',
      ),
      scalingActive,
      hpaCond(
        'ScalingLimited',
        'True',
        'TooFewReplicas',
        'the desired replica count is less than the minimum',
      ),
    ]),
    { status: 'Healthy', message: 'the desired replica count is less than the minimum' },
  ],
  [
    'HPA v2: AbleToScale=False for a reason not listed waits',
    hpa([hpaCond('AbleToScale', 'False', 'SomeFutureReason', 'not able to scale yet'), scalingActive]),
    { status: 'Progressing', message: 'Waiting to Autoscale' },
  ],
  [
    'HPA v2: external metric failing (listed since argo-cd #26274)',
    hpa([
      ableToScale,
      hpaCond(
        'ScalingActive',
        'False',
        'FailedGetExternalMetric',
        'the HPA was unable to compute the replica count: unable to get external metric queue_depth',
      ),
    ]),
    {
      status: 'Degraded',
      message: 'the HPA was unable to compute the replica count: unable to get external metric queue_depth',
    },
  ],
  ['HPA v2: no conditions yet', hpa([]), { status: 'Progressing', message: 'Waiting to Autoscale' }],
  [
    'HPA v2: only ScalingActive',
    hpa([scalingActive, withinRange]),
    { status: 'Progressing', message: 'Waiting to Autoscale' },
  ],
  [
    'HPA v1: conditions in the annotation',
    obj(
      'autoscaling/v1',
      'HorizontalPodAutoscaler',
      { spec: { maxReplicas: 5 }, status: { currentReplicas: 1, desiredReplicas: 0 } },
      {
        annotations: {
          'autoscaling.alpha.kubernetes.io/conditions': JSON.stringify([
            {
              type: 'AbleToScale',
              status: 'True',
              lastTransitionTime: T0,
              reason: 'SucceededGetScale',
              message: "the HPA controller was able to get the target's current scale",
            },
            {
              type: 'ScalingActive',
              status: 'False',
              lastTransitionTime: T0,
              reason: 'FailedGetResourceMetric',
              message:
                'the HPA was unable to compute the replica count: unable to get metrics for resource cpu',
            },
          ]),
        },
      },
    ),
    {
      status: 'Degraded',
      message: 'the HPA was unable to compute the replica count: unable to get metrics for resource cpu',
    },
  ],
  [
    'HPA v1: no annotation',
    obj('autoscaling/v1', 'HorizontalPodAutoscaler', {
      spec: { maxReplicas: 5 },
      status: { currentReplicas: 1, desiredReplicas: 1 },
    }),
    { status: 'Progressing', message: 'Waiting to Autoscale' },
  ],
  // APIService
  [
    'APIService: available',
    obj('apiregistration.k8s.io/v1', 'APIService', {
      status: {
        conditions: [
          {
            type: 'Available',
            status: 'True',
            lastTransitionTime: T0,
            reason: 'Passed',
            message: 'all checks passed',
          },
        ],
      },
    }),
    { status: 'Healthy', message: 'Passed: all checks passed' },
  ],
  [
    'APIService: unavailable',
    obj('apiregistration.k8s.io/v1', 'APIService', {
      status: {
        conditions: [
          {
            type: 'Available',
            status: 'False',
            lastTransitionTime: T0,
            reason: 'MissingEndpoints',
            message:
              'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
          },
        ],
      },
    }),
    {
      status: 'Progressing',
      message:
        'MissingEndpoints: endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
    },
  ],
  [
    'APIService: no status',
    obj('apiregistration.k8s.io/v1', 'APIService'),
    { status: 'Progressing', message: 'Waiting to be processed' },
  ],
  // Namespace
  [
    'Namespace: Active',
    obj('v1', 'Namespace', { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }),
    { status: 'Healthy' },
  ],
  [
    'Namespace: Terminating',
    obj('v1', 'Namespace', { status: { phase: 'Terminating' } }),
    { status: 'Progressing', message: 'Namespace is terminating' },
  ],
  // a Ready condition on any other kind
  [
    'Ready=True',
    obj('cert-manager.io/v1', 'Certificate', {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastTransitionTime: T0,
            reason: 'Ready',
            message: 'Certificate is up to date and has not expired',
            observedGeneration: 1,
          },
        ],
      },
    }),
    { status: 'Healthy', message: 'Certificate is up to date and has not expired' },
  ],
  [
    'Ready=False',
    obj('cert-manager.io/v1', 'Certificate', {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            lastTransitionTime: T0,
            reason: 'DoesNotExist',
            message: 'Issuer "letsencrypt" not found',
          },
        ],
      },
    }),
    { status: 'Degraded', message: 'Issuer "letsencrypt" not found' },
  ],
  [
    'Ready=Unknown',
    obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'Unknown',
            lastTransitionTime: T0,
            reason: 'Progressing',
            message: 'Reconciliation in progress',
          },
        ],
      },
    }),
    { status: 'Progressing', message: 'Reconciliation in progress' },
  ],
  [
    'Ready=True for an older generation',
    obj(
      'cert-manager.io/v1',
      'Certificate',
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              lastTransitionTime: T0,
              reason: 'Ready',
              message: 'ok',
              observedGeneration: 1,
            },
          ],
        },
      },
      { generation: 2 },
    ),
    { status: 'Progressing', message: 'Waiting for generation 2 to be observed' },
  ],
  [
    'Stalled=True',
    obj('capstan.dev/v1alpha1', 'Application', {
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            lastTransitionTime: T0,
            reason: 'RenderFailed',
            message: 'kustomization.yaml: unknown field "resorces"',
          },
          {
            type: 'Stalled',
            status: 'True',
            lastTransitionTime: T0,
            reason: 'RenderFailed',
            message: 'kustomization.yaml: unknown field "resorces"',
          },
        ],
      },
    }),
    { status: 'Degraded', message: 'kustomization.yaml: unknown field "resorces"' },
  ],
  [
    'Reconciling=True',
    obj('capstan.dev/v1alpha1', 'Application', {
      status: {
        observedGeneration: 1,
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: T0, reason: 'Synced', message: 'at 4f2a9c1' },
          {
            type: 'Reconciling',
            status: 'True',
            lastTransitionTime: T0,
            reason: 'Progressing',
            message: 'syncing 9d3e7b0',
          },
        ],
      },
    }),
    { status: 'Progressing', message: 'syncing 9d3e7b0' },
  ],
  // kinds without health
  ['ConfigMap', obj('v1', 'ConfigMap', { data: { LOG_LEVEL: 'info' } }), { status: 'Healthy' }],
  [
    'Secret',
    obj('v1', 'Secret', { type: 'Opaque', data: { password: 'aHVudGVyMg==' } }),
    { status: 'Healthy' },
  ],
  ['ServiceAccount', obj('v1', 'ServiceAccount'), { status: 'Healthy' }],
  [
    'ClusterRole',
    obj('rbac.authorization.k8s.io/v1', 'ClusterRole', { rules: [] }, { namespace: undefined }),
    { status: 'Healthy' },
  ],
  [
    'a custom resource without status',
    obj('example.com/v1', 'Widget', { spec: { size: 3 } }),
    { status: 'Healthy' },
  ],
  // Missing, deletion
  ['Missing', undefined, { status: 'Missing' }],
  [
    'any object being deleted',
    obj('v1', 'ConfigMap', {}, { deletionTimestamp: T0, finalizers: ['example.com/cleanup'] }),
    { status: 'Progressing', message: 'Pending deletion' },
  ],
];

for (const [name, o, want] of cases) {
  test(`${name}`, (t) => {
    t.deepEqual(assessHealth(o), want);
  });
}

test('HPA v1: an annotation that does not parse is Unknown, with the reason', (t) => {
  const o = obj(
    'autoscaling/v1',
    'HorizontalPodAutoscaler',
    {},
    {
      annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '[{' },
    },
  );
  const h = assessHealth(o);
  t.is(h.status, 'Unknown');
  // the JSON parser's own words differ between Node.js versions
  t.regex(
    h.message ?? '',
    /^HorizontalPodAutoscaler x: cannot read the autoscaling\.alpha\.kubernetes\.io\/conditions annotation: /,
  );
});
