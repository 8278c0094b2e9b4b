import test from 'ava';
import {
  endpointSubsets,
  readyBackends,
  selectsPods,
} from '../../../../src/controlplane/controllers/endpoints/compute.js';

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

const pod = (name: string, ready: boolean, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...extra },
  spec: { nodeName: 'n1', containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: {
    podIP: '127.0.0.1',
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  },
});

test('ready pods are addresses, unready ones notReadyAddresses; named targetPorts resolve per pod', (t) => {
  const hostPorts: Record<string, number> = { a: 41001, b: 41002, c: 41003 };
  const subsets = endpointSubsets(
    service,
    [pod('a', true), pod('b', false), pod('c', true)],
    (p) => hostPorts[(p.metadata as any).name],
  );
  t.is(subsets.length, 3, 'each pod has its own host port, hence its own subset');
  const backends = readyBackends(subsets, 'http');
  t.deepEqual(backends.map((b) => b.port).sort(), [41001, 41003]);
});

test('pods of other namespaces, other labels, terminating or without an IP are left out', (t) => {
  const pods = [
    pod('ok', true),
    {
      ...pod('other-ns', true),
      metadata: { name: 'x', namespace: 'elsewhere', uid: 'u', labels: { app: 'web' } },
    },
    {
      ...pod('other-labels', true),
      metadata: { name: 'y', namespace: 'ns', uid: 'u2', labels: { app: 'db' } },
    },
    pod('leaving', true, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    { ...pod('no-ip', true), status: { phase: 'Pending' } },
  ];
  const subsets = endpointSubsets(service, pods);
  t.is(subsets.length, 1);
  t.deepEqual(
    (subsets[0].addresses as any[]).map((a) => a.targetRef.name),
    ['ok'],
  );
  t.deepEqual(subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

test('publishNotReadyAddresses lists every selected pod as ready, terminating ones too', (t) => {
  const publishing = { ...service, spec: { ...service.spec, publishNotReadyAddresses: true } };
  const subsets = endpointSubsets(publishing, [
    pod('a', false),
    pod('b', true, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
  ]);
  t.deepEqual(
    subsets.flatMap((s: any) => (s.addresses ?? []).map((a: any) => a.targetRef.name)),
    ['a', 'b'],
  );
  t.false(subsets.some((s) => s.notReadyAddresses));
});

test('ExternalName Services select no pods', (t) => {
  const ext = { ...service, spec: { ...service.spec, type: 'ExternalName', externalName: 'x.example' } };
  t.false(selectsPods(ext));
  t.true(selectsPods(service));
});
