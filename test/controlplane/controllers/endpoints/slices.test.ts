import test from 'ava';
import type { JsonObject } from '../../../../src/core/index.js';
import {
  desiredEndpoints,
  planSlices,
  podEndpoint,
  sliceLabels,
} from '../../../../src/controlplane/controllers/endpoints/slices.js';

const service = (spec: JsonObject = {}, labels: Record<string, string> = {}): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels },
  spec: {
    clusterIP: '10.96.0.20',
    selector: { app: 'web' },
    ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    ...spec,
  },
});

const pod = (
  name: string,
  opts: { ready?: boolean; deleting?: boolean; port?: number; node?: string; ip?: string } = {},
): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns',
    uid: `uid-${name}`,
    labels: { app: 'web' },
    ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: {
    nodeName: opts.node ?? 'n1',
    containers: [
      { name: 'app', ports: [{ name: 'http', containerPort: opts.port ?? 8080, protocol: 'TCP' }] },
    ],
  },
  status: {
    phase: 'Running',
    podIP: opts.ip ?? '10.0.0.1',
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  },
});

test('endpoint conditions: ready, serving, terminating (publishNotReadyAddresses overrides ready)', (t) => {
  const cases: Array<[string, JsonObject, JsonObject, JsonObject]> = [
    ['ready', service(), pod('a'), { ready: true, serving: true, terminating: false }],
    [
      'not ready',
      service(),
      pod('a', { ready: false }),
      { ready: false, serving: false, terminating: false },
    ],
    [
      'terminating, still serving',
      service(),
      pod('a', { deleting: true }),
      { ready: false, serving: true, terminating: true },
    ],
    [
      'publishNotReadyAddresses',
      service({ publishNotReadyAddresses: true }),
      pod('a', { ready: false, deleting: true }),
      { ready: true, serving: false, terminating: true },
    ],
  ];
  for (const [what, svc, p, conditions] of cases)
    t.deepEqual(podEndpoint(svc, p).conditions, conditions, what);
  t.deepEqual(podEndpoint(service(), pod('a', { node: 'node-1' })), {
    addresses: ['10.0.0.1'],
    conditions: { ready: true, serving: true, terminating: false },
    nodeName: 'node-1',
    targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' },
  });
});

test('pods are grouped by resolved ports; named target ports resolve per pod', (t) => {
  const groups = desiredEndpoints(service(), [
    pod('b', { port: 9090 }),
    pod('a'),
    pod('c'),
    pod('d', { ready: false }),
  ]);
  t.deepEqual(
    groups.map((g) => [g.ports, g.endpoints.map((e) => (e.targetRef as JsonObject).name)]),
    [
      [[{ name: 'http', port: 9090, protocol: 'TCP' }], ['b']],
      [[{ name: 'http', port: 8080, protocol: 'TCP' }], ['a', 'c', 'd']],
    ],
  );
  // the process runtime's host ports: every pod its own port list
  const hostPorts: Record<string, number> = { a: 41001, c: 41003 };
  const resolved = desiredEndpoints(
    service(),
    [pod('a'), pod('c')],
    (p) => hostPorts[(p.metadata as any).name],
  );
  t.deepEqual(
    resolved.map((g) => g.ports[0].port),
    [41001, 41003],
  );
});

test('pods of other namespaces or labels, without an IP, or finished are left out; terminating ones stay', (t) => {
  const other = pod('other');
  (other.metadata as JsonObject).labels = { app: 'db' };
  const done = pod('done');
  (done.status as JsonObject).phase = 'Succeeded';
  const noIp = pod('no-ip');
  delete (noIp.status as JsonObject).podIP;
  const groups = desiredEndpoints(service(), [
    pod('ok'),
    other,
    done,
    noIp,
    pod('leaving', { deleting: true }),
  ]);
  t.deepEqual(
    groups[0].endpoints.map((e) => (e.targetRef as JsonObject).name),
    ['leaving', 'ok'],
  );
});

test('labels: the Service labels, the reserved ones on top, and headless when there is no cluster IP', (t) => {
  t.deepEqual(sliceLabels(service({}, { team: 'a', 'kubernetes.io/service-name': 'spoof' })), {
    team: 'a',
    'kubernetes.io/service-name': 'web',
    'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
  });
  t.is(sliceLabels(service({ clusterIP: 'None' }))['service.kubernetes.io/headless'], '');
});

const names = (n: number) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, '0')}`);
let seq = 0;
/** stores a planned create as the API would: a name, and the given slice otherwise unchanged */
const stored = (slice: JsonObject): JsonObject => {
  const copy = structuredClone(slice);
  const meta = copy.metadata as JsonObject;
  meta.name = `${String(meta.generateName)}s${seq++}`;
  delete meta.generateName;
  return copy;
};
const count = (s: JsonObject) => (s.endpoints as JsonObject[]).length;

test('at most 100 endpoints per slice; a later change touches only the slices it must', (t) => {
  const svc = service();
  const pods = names(250).map((n) => pod(n));
  const first = planSlices(svc, desiredEndpoints(svc, pods), []);
  t.deepEqual(first.create.map(count), [100, 100, 50]);
  t.deepEqual([first.update.length, first.delete.length], [0, 0]);
  const created = first.create[0];
  t.is((created.metadata as JsonObject).generateName, 'web-');
  t.deepEqual((created.metadata as JsonObject).ownerReferences, [
    {
      apiVersion: 'v1',
      kind: 'Service',
      name: 'web',
      uid: 'svc-uid',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  t.is(created.addressType, 'IPv4');
  t.deepEqual(created.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);

  const existing = first.create.map(stored);
  t.deepEqual(planSlices(svc, desiredEndpoints(svc, pods), existing), { create: [], update: [], delete: [] });

  // 10 pods of the first slice go away, 5 new ones come: only the first slice changes
  const next = [...pods.slice(10), ...['new1', 'new2', 'new3', 'new4', 'new5'].map((n) => pod(n))];
  const second = planSlices(svc, desiredEndpoints(svc, next), existing);
  t.is(second.create.length, 0);
  t.is(second.delete.length, 0);
  t.is(second.update.length, 1);
  t.is((second.update[0].metadata as JsonObject).name, (existing[0].metadata as JsonObject).name);
  t.is(count(second.update[0]), 95);

  // a pod turning unready updates its condition in place
  const unready = pods.map((p, i) => (i === 120 ? pod(names(250)[120], { ready: false }) : p));
  const third = planSlices(svc, desiredEndpoints(svc, unready), existing);
  t.deepEqual(
    third.update.map((s) => (s.metadata as JsonObject).name),
    [(existing[1].metadata as JsonObject).name],
  );
});

test('no endpoints: one placeholder slice without ports is kept; other slices go', (t) => {
  const svc = service();
  const withPods = planSlices(svc, desiredEndpoints(svc, [pod('a')]), []).create.map(stored);
  const empty = planSlices(svc, desiredEndpoints(svc, []), withPods);
  t.deepEqual(
    empty.create.map((s) => [s.ports, s.endpoints]),
    [[[], []]],
  );
  t.deepEqual(
    empty.delete.map((s) => (s.metadata as JsonObject).name),
    withPods.map((s) => (s.metadata as JsonObject).name),
  );
  const placeholder = empty.create.map(stored);
  t.deepEqual(planSlices(svc, desiredEndpoints(svc, []), placeholder), {
    create: [],
    update: [],
    delete: [],
  });
  // pods arrive: a real slice is created, the placeholder deleted
  const filled = planSlices(svc, desiredEndpoints(svc, [pod('a')]), placeholder);
  t.is(filled.create.length, 1);
  t.is(filled.delete.length, 1);
});

test('slices of a former Service of the same name, and changed labels, are put right', (t) => {
  const svc = service({}, { team: 'a' });
  const mine = planSlices(svc, desiredEndpoints(svc, [pod('a')]), []).create.map(stored);
  const foreign = structuredClone(mine[0]);
  (foreign.metadata as JsonObject).name = 'web-old';
  ((foreign.metadata as JsonObject).ownerReferences as JsonObject[])[0].uid = 'previous-uid';
  const relabelled = service({}, { team: 'b' });
  const plan = planSlices(relabelled, desiredEndpoints(relabelled, [pod('a')]), [...mine, foreign]);
  t.deepEqual(
    plan.delete.map((s) => (s.metadata as JsonObject).name),
    ['web-old'],
  );
  t.is(((plan.update[0].metadata as JsonObject).labels as JsonObject).team, 'b');
});

test('ports: unnamed ports get an empty name; a Service port a pod lacks leaves it out', (t) => {
  const svc = service({ ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  t.deepEqual(desiredEndpoints(svc, [pod('a')])[0].ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
  const named = service({ ports: [{ name: 'grpc', port: 90, targetPort: 'grpc', protocol: 'TCP' }] });
  t.deepEqual(desiredEndpoints(named, [pod('a')]), []);
});
