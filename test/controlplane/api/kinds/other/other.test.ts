import test from 'ava';
import type { JsonObject } from '../../../../../src/core/index.js';
import { workloadTypes } from '../../../../../src/controlplane/api/kinds/workloads.js';
import { ingresses } from '../../../../../src/controlplane/api/kinds/networking/ingresses.js';
import { networkpolicies } from '../../../../../src/controlplane/api/kinds/networking/networkpolicies.js';
import {
  clusterrolebindings,
  roles,
  rolebindings,
} from '../../../../../src/controlplane/api/kinds/rbac/rbac.js';
import { horizontalpodautoscalers } from '../../../../../src/controlplane/api/kinds/autoscaling/horizontalpodautoscalers.js';
import { poddisruptionbudgets } from '../../../../../src/controlplane/api/kinds/policy/poddisruptionbudgets.js';
import { leases } from '../../../../../src/controlplane/api/kinds/coordination/leases.js';
import { endpointslices } from '../../../../../src/controlplane/api/kinds/discovery/endpointslices.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'x', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' };

test('discovery data: resources, short names and categories', (t) => {
  const table = Object.fromEntries(
    workloadTypes.map((r) => [
      `${r.resource}.${r.group}/${r.version}`,
      [r.shortNames ?? [], r.categories ?? [], r.namespaced],
    ]),
  );
  t.deepEqual(table, {
    'deployments.apps/v1': [['deploy'], ['all'], true],
    'replicasets.apps/v1': [['rs'], ['all'], true],
    'statefulsets.apps/v1': [['sts'], ['all'], true],
    'daemonsets.apps/v1': [['ds'], ['all'], true],
    'controllerrevisions.apps/v1': [[], [], true],
    'jobs.batch/v1': [[], ['all'], true],
    'cronjobs.batch/v1': [['cj'], ['all'], true],
    'ingresses.networking.k8s.io/v1': [['ing'], [], true],
    'ingressclasses.networking.k8s.io/v1': [[], [], false],
    'networkpolicies.networking.k8s.io/v1': [['netpol'], [], true],
    'roles.rbac.authorization.k8s.io/v1': [[], [], true],
    'rolebindings.rbac.authorization.k8s.io/v1': [[], [], true],
    'clusterroles.rbac.authorization.k8s.io/v1': [[], [], false],
    'clusterrolebindings.rbac.authorization.k8s.io/v1': [[], [], false],
    'horizontalpodautoscalers.autoscaling/v2': [['hpa'], ['all'], true],
    'poddisruptionbudgets.policy/v1': [['pdb'], [], true],
    'leases.coordination.k8s.io/v1': [[], [], true],
    'endpointslices.discovery.k8s.io/v1': [[], [], true],
    'customresourcedefinitions.apiextensions.k8s.io/v1': [['crd', 'crds'], ['api-extensions'], false],
  });
  for (const r of workloadTypes)
    t.is(r.printColumns?.length ?? 0, r.printRow!({ metadata: meta }, now).length, r.resource);
});

test('Ingress: pathType required, paths absolute; row', (t) => {
  const ing: JsonObject = {
    metadata: { ...meta },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['a.example.com'] }],
      rules: [
        {
          host: 'a.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
            ],
          },
        },
        {
          host: 'b.example.com',
          http: { paths: [{ path: 'api', backend: { service: { name: 'web', port: { name: 'http' } } } }] },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }] } },
  };
  t.deepEqual(
    ingresses.validate!(ing).map((c) => `${c.field}: ${c.message}`),
    ['spec.rules[1].http.paths[0].pathType: Required value: pathType must be specified'],
  );
  t.deepEqual(ingresses.printRow!(ing, now), [
    'x',
    'nginx',
    'a.example.com,b.example.com',
    '10.0.0.1,10.0.0.2',
    '80, 443',
    '60m',
  ]);
});

test('NetworkPolicy defaults policyTypes and port protocols', (t) => {
  const np: JsonObject = { metadata: { ...meta }, spec: { egress: [{ ports: [{ port: 53 }] }] } };
  networkpolicies.defaults!(np);
  t.deepEqual(np.spec, {
    podSelector: {},
    egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }],
    policyTypes: ['Ingress', 'Egress'],
  });
  t.deepEqual(networkpolicies.printRow!(np, now), ['x', '<none>', '60m']);
});

test('RBAC: binding defaults, roleRef immutable, rows', (t) => {
  const rb: JsonObject = {
    metadata: { ...meta },
    roleRef: { kind: 'Role', name: 'reader' },
    subjects: [
      { kind: 'User', name: 'jane' },
      { kind: 'ServiceAccount', name: 'bot', namespace: 'default' },
    ],
  };
  rolebindings.defaults!(rb);
  t.deepEqual(rb.roleRef, { kind: 'Role', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' });
  t.deepEqual(rb.subjects, [
    { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'bot', namespace: 'default', apiGroup: '' },
  ]);
  t.deepEqual(rolebindings.validate!(rb), []);
  const moved = { ...rb, roleRef: { kind: 'Role', name: 'writer', apiGroup: 'rbac.authorization.k8s.io' } };
  t.deepEqual(
    rolebindings.validate!(moved, rb).map((c) => c.field),
    ['roleRef'],
  );
  t.deepEqual(rolebindings.printRow!(rb, now), ['x', 'Role/reader', '60m', 'jane', '', 'default/bot']);
  const crb: JsonObject = {
    metadata: { name: 'c' },
    roleRef: { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' },
    subjects: [{ kind: 'ServiceAccount', name: 'bot' }],
  };
  t.deepEqual(
    clusterrolebindings.validate!(crb).map((c) => c.field),
    ['roleRef.kind', 'subjects[0].namespace'],
  );
  t.deepEqual(
    roles.printColumns!.map((c) => c.name),
    ['Name', 'Created At'],
  );
  t.deepEqual(roles.printRow!({ metadata: meta }, now), ['x', '2024-05-01T11:00:00Z']);
  t.deepEqual(
    roles.validate!({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] }).map((c) => c.field),
    ['rules[0].verbs'],
  );
});

test('HPA defaults (metrics, behavior) and TARGETS', (t) => {
  const hpa: JsonObject = {
    metadata: { ...meta },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      maxReplicas: 5,
      behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
    },
  };
  horizontalpodautoscalers.defaults!(hpa);
  const spec = hpa.spec as JsonObject;
  t.is(spec.minReplicas, 1);
  t.deepEqual(spec.metrics, [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
  ]);
  t.deepEqual(spec.behavior, {
    scaleDown: {
      stabilizationWindowSeconds: 60,
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      selectPolicy: 'Max',
    },
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
  });
  t.deepEqual(horizontalpodautoscalers.printRow!(hpa, now), [
    'x',
    'Deployment/web',
    'cpu: <unknown>/80%',
    '1',
    5,
    0,
    '60m',
  ]);
  hpa.status = {
    currentReplicas: 2,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 41 } } }],
  };
  t.is(horizontalpodautoscalers.printRow!(hpa, now)[2], 'cpu: 41%/80%');
  spec.minReplicas = 9;
  t.deepEqual(
    horizontalpodautoscalers.validate!(hpa).map((c) => c.field),
    ['spec.maxReplicas'],
  );
});

test('PDB, Lease and EndpointSlice', (t) => {
  const pdb: JsonObject = {
    metadata: { ...meta },
    spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } },
  };
  poddisruptionbudgets.defaults!(pdb);
  t.deepEqual(pdb.status, { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 });
  t.deepEqual(poddisruptionbudgets.printRow!(pdb, now), ['x', '50%', 'N/A', 0, '60m']);
  (pdb.spec as JsonObject).maxUnavailable = 1;
  t.deepEqual(
    poddisruptionbudgets.validate!(pdb).map((c) => c.message),
    [
      'Invalid value: {"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}},"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
    ],
  );

  const lease: JsonObject = {
    metadata: { ...meta },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 0 },
  };
  t.deepEqual(leases.printRow!(lease, now), ['x', 'node-1', '60m']);
  t.deepEqual(
    leases.validate!(lease).map((c) => c.field),
    ['spec.leaseDurationSeconds'],
  );

  const slice: JsonObject = {
    metadata: { ...meta },
    addressType: 'IPv4',
    ports: [{ port: 80 }],
    endpoints: ['1', '2', '3', '4'].map((n) => ({ addresses: [`10.0.0.${n}`] })),
  };
  endpointslices.defaults!(slice);
  t.deepEqual(slice.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  t.deepEqual(endpointslices.printRow!(slice, now), [
    'x',
    'IPv4',
    '80',
    '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...',
    '60m',
  ]);
  t.deepEqual(endpointslices.validate!(slice), []);
});
