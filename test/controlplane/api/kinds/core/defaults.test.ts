import test from 'ava';
import type { JsonObject } from '../../../../../src/core/index.js';
import { coreTypes } from '../../../../../src/controlplane/api/kinds/core/index.js';

const type = (resource: string) => coreTypes.find((t) => t.resource === resource)!;
const defaulted = (resource: string, obj: JsonObject): JsonObject => {
  const copy = structuredClone(obj);
  type(resource).defaults?.(copy);
  return copy;
};

test('discovery facts match a v1.32 server', (t) => {
  const facts = Object.fromEntries(
    coreTypes.map((r) => [r.resource, [r.kind, r.namespaced, r.shortNames ?? [], r.categories ?? []]]),
  );
  t.deepEqual(facts, {
    configmaps: ['ConfigMap', true, ['cm'], []],
    endpoints: ['Endpoints', true, ['ep'], []],
    events: ['Event', true, ['ev'], []],
    limitranges: ['LimitRange', true, ['limits'], []],
    namespaces: ['Namespace', false, ['ns'], []],
    nodes: ['Node', false, ['no'], []],
    persistentvolumeclaims: ['PersistentVolumeClaim', true, ['pvc'], []],
    persistentvolumes: ['PersistentVolume', false, ['pv'], []],
    pods: ['Pod', true, ['po'], ['all']],
    resourcequotas: ['ResourceQuota', true, ['quota'], []],
    secrets: ['Secret', true, [], []],
    serviceaccounts: ['ServiceAccount', true, ['sa'], []],
    services: ['Service', true, ['svc'], ['all']],
  });
  t.false(type('namespaces').verbs.includes('deletecollection'));
  t.true(type('pods').status);
  t.is(type('endpoints').singular, 'endpoints');
});

test('namespace: label, finalizer, phase', (t) => {
  t.deepEqual(defaulted('namespaces', { metadata: { name: 'team-a' } }), {
    metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
});

test('service: ClusterIP defaults', (t) => {
  const svc = defaulted('services', {
    metadata: { name: 'web' },
    spec: {
      selector: { app: 'web' },
      ports: [{ port: 80 }, { port: 443, targetPort: 'https', protocol: 'TCP' }],
    },
  });
  t.deepEqual(svc.spec, {
    selector: { app: 'web' },
    ports: [
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { port: 443, targetPort: 'https', protocol: 'TCP' },
    ],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  t.deepEqual(svc.status, { loadBalancer: {} });
});

test('service: LoadBalancer, ClientIP affinity, ExternalName, headless without selector', (t) => {
  const lb = defaulted('services', {
    spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] },
  });
  const spec = lb.spec as JsonObject;
  t.is(spec.externalTrafficPolicy, 'Cluster');
  t.is(spec.allocateLoadBalancerNodePorts, true);
  t.deepEqual(spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });

  const ext = defaulted('services', { spec: { type: 'ExternalName', externalName: 'example.com' } })
    .spec as JsonObject;
  t.false('ipFamilyPolicy' in ext);
  t.false('internalTrafficPolicy' in ext);

  const headless = defaulted('services', { spec: { clusterIP: 'None' } }).spec as JsonObject;
  t.deepEqual(headless.clusterIPs, ['None']);
  t.is(headless.ipFamilyPolicy, 'RequireDualStack');
});

test('secret: Opaque and stringData folded into data', (t) => {
  const s = defaulted('secrets', { data: { a: 'eA==' }, stringData: { a: 'y', b: 'hello' } });
  t.deepEqual(s, { type: 'Opaque', data: { a: 'eQ==', b: 'aGVsbG8=' } });
});

test('volumes and claims', (t) => {
  t.deepEqual(defaulted('persistentvolumes', { spec: {} }), {
    spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  });
  t.deepEqual(defaulted('persistentvolumeclaims', { spec: {} }), {
    spec: { volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  });
});

test('serviceaccount and configmap get nothing; endpoints ports get TCP', (t) => {
  t.deepEqual(defaulted('serviceaccounts', { metadata: { name: 'x' } }), { metadata: { name: 'x' } });
  t.deepEqual(defaulted('configmaps', { data: {} }), { data: {} });
  const ep = defaulted('endpoints', { subsets: [{ ports: [{ port: 80 }] }] });
  t.deepEqual(ep.subsets, [{ ports: [{ port: 80, protocol: 'TCP' }] }]);
});

test('node: allocatable defaults to capacity', (t) => {
  const n = defaulted('nodes', { status: { capacity: { cpu: '4' } } });
  t.deepEqual(n.status, { capacity: { cpu: '4' }, allocatable: { cpu: '4' } });
});

test('limitrange: container defaults from max and min', (t) => {
  const lr = defaulted('limitranges', {
    spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] },
  });
  t.deepEqual((lr.spec as JsonObject).limits, [
    {
      type: 'Container',
      max: { cpu: '2' },
      min: { memory: '64Mi' },
      default: { cpu: '2' },
      defaultRequest: { cpu: '2', memory: '64Mi' },
    },
  ]);
});

test('pod: create-time status, QoS and admission defaults', (t) => {
  const pod = defaulted('pods', {
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
  });
  const spec = pod.spec as JsonObject;
  t.is(spec.serviceAccountName, 'default');
  t.is(spec.serviceAccount, 'default');
  t.is(spec.priority, 0);
  t.is(spec.preemptionPolicy, 'PreemptLowerPriority');
  t.is(spec.enableServiceLinks, true);
  t.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    },
  ]);
  t.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  // idempotent: a second pass (an update) adds nothing
  const again = structuredClone(pod);
  type('pods').defaults!(again);
  t.deepEqual(again, pod);
});

test('pod: QoS classes', (t) => {
  const qos = (containers: JsonObject[]) =>
    (defaulted('pods', { spec: { containers } }).status as JsonObject).qosClass;
  t.is(qos([{ name: 'a', image: 'x' }]), 'BestEffort');
  t.is(qos([{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }]), 'Burstable');
  t.is(
    qos([
      {
        name: 'a',
        image: 'x',
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0.5' } },
      },
    ]),
    'Guaranteed',
  );
  t.is(
    qos([
      {
        name: 'a',
        image: 'x',
        resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } },
      },
    ]),
    'Burstable',
  );
});

test('pod: scheduling gates add the SchedulingGated condition', (t) => {
  const pod = defaulted('pods', {
    spec: { containers: [{ name: 'a', image: 'x' }], schedulingGates: [{ name: 'g' }] },
  });
  const cond = ((pod.status as JsonObject).conditions as JsonObject[])[0]!;
  t.is(cond.reason, 'SchedulingGated');
  t.is(cond.status, 'False');
});
