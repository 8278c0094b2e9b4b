/** PodMetrics and NodeMetrics computed from runtimes: shapes, selection, sums and errors. */
import test from 'ava';
import type { JsonObject } from '../../../src/core/index.js';
import type { ContainerUsage } from '../../../src/controlplane/kubelet/index.js';
import { ResourceMetrics, type UsageSource } from '../../../src/controlplane/metrics/index.js';
import type { StoreKey, StorePrefix, StoredObject } from '../../../src/controlplane/store/types.js';

/** Just enough of the store: objects by key. */
function fakeStore(objects: JsonObject[]) {
  const keyOf = (o: JsonObject): StoreKey => {
    const m = o.metadata as { name: string; namespace?: string };
    return {
      group: '',
      resource: o.kind === 'Pod' ? 'pods' : 'nodes',
      namespace: m.namespace ?? '',
      name: m.name,
    };
  };
  const stored = objects.map((value, i): StoredObject => ({ key: keyOf(value), revision: i + 1, value }));
  const same = (a: StoreKey, b: StoreKey) =>
    a.group === b.group && a.resource === b.resource && a.namespace === b.namespace && a.name === b.name;
  return {
    get: (key: StoreKey) => stored.find((o) => same(o.key, key)),
    list: (p: StorePrefix) => ({
      revision: stored.length,
      items: stored.filter(
        (o) =>
          o.key.resource === p.resource && (p.namespace === undefined || o.key.namespace === p.namespace),
      ),
    }),
  };
}

/** A runtime reporting fixed usage per pod uid, recording what it was asked. */
function fakeRuntime(usage: Record<string, ContainerUsage[]>): UsageSource & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    podUids: () => Object.keys(usage),
    containerUsage(uids) {
      asked.push([...uids]);
      return new Map(uids.filter((u) => usage[u]).map((u) => [u, usage[u]]));
    },
  };
}

const pod = (ns: string, name: string, node: string, labels: Record<string, string> = {}): JsonObject => ({
  kind: 'Pod',
  metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, labels },
  spec: { nodeName: node, containers: [{ name: 'app' }] },
});
const node = (name: string, labels: Record<string, string> = {}): JsonObject => ({
  kind: 'Node',
  metadata: { name, labels },
});
const c = (name: string, cpuNanoCores: number, memoryBytes: number, windowMs = 1000): ContainerUsage => ({
  name,
  cpuNanoCores,
  memoryBytes,
  windowMs,
});

const now = new Date('2025-01-02T03:04:05.678Z');

function setup() {
  const store = fakeStore([
    node('n1', { zone: 'a' }),
    node('n2'),
    node('n3'),
    pod('b', 'web-2', 'n1', { app: 'web' }),
    pod('a', 'web-1', 'n2', { app: 'web' }),
    pod('a', 'db', 'n1', { app: 'db' }),
    pod('a', 'idle', 'n1', { app: 'web' }),
    pod('a', 'pending', '', { app: 'web' }),
  ]);
  const n1 = fakeRuntime({
    'uid-b-web-2': [c('app', 1234567, 12641280, 1500)],
    'uid-a-db': [c('app', 250_000_000, 64 * 1024 * 1024), c('sidecar', 1_000_000, 1024 * 1024, 2000)],
    'uid-a-idle': [],
    'uid-gone': [c('app', 1_000_000, 1024)],
  });
  const n2 = fakeRuntime({ 'uid-a-web-1': [c('app', 0, 4096)] });
  const metrics = new ResourceMetrics({
    store,
    nodes: () => [
      { nodeName: 'n1', runtime: n1 },
      { nodeName: 'n2', runtime: n2 },
    ],
    now: () => now,
  });
  return { metrics, n1, n2 };
}

test('a PodMetrics has the shape metrics-server serves', (t) => {
  const { metrics } = setup();
  t.deepEqual(metrics.getPod('a', 'db'), {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {
      name: 'db',
      namespace: 'a',
      creationTimestamp: '2025-01-02T03:04:05Z',
      labels: { app: 'db' },
    },
    timestamp: '2025-01-02T03:04:05Z',
    window: '2s',
    containers: [
      { name: 'app', usage: { cpu: '250m', memory: '64Mi' } },
      { name: 'sidecar', usage: { cpu: '1m', memory: '1Mi' } },
    ],
  });
  t.like(metrics.getPod('b', 'web-2'), {
    window: '1.5s',
    containers: [{ name: 'app', usage: { cpu: '1234567n', memory: '12345Ki' } }],
  });
});

test('pods are listed by namespace and name, only those with a running container on a known node', (t) => {
  const { metrics } = setup();
  const names = (items: JsonObject[]) =>
    items.map((m) => `${(m.metadata as any).namespace}/${(m.metadata as any).name}`);
  t.deepEqual(names(metrics.listPods(undefined, () => true)), ['a/db', 'a/web-1', 'b/web-2']);
  t.deepEqual(names(metrics.listPods('a', () => true)), ['a/db', 'a/web-1']);
  const web = (p: JsonObject) => (p.metadata as any).labels?.app === 'web';
  t.deepEqual(names(metrics.listPods(undefined, web)), ['a/web-1', 'b/web-2']);
});

test('each runtime is asked once per list, and only about the selected pods bound to it', (t) => {
  const { metrics, n1, n2 } = setup();
  metrics.listPods('a', (p) => (p.metadata as any).labels?.app === 'web');
  t.deepEqual(n1.asked, [['uid-a-idle']]);
  t.deepEqual(n2.asked, [['uid-a-web-1']]);
});

test('a missing pod and a pod without metrics are NotFound, worded as by metrics-server', (t) => {
  const { metrics } = setup();
  t.throws(() => metrics.getPod('a', 'nope'), { message: 'pods "nope" not found' });
  t.throws(() => metrics.getPod('a', 'idle'), { message: 'pods.metrics.k8s.io "a/idle" not found' });
  t.throws(() => metrics.getPod('a', 'pending'), { message: 'pods.metrics.k8s.io "a/pending" not found' });
});

test("a node's usage is the sum of every pod its runtime runs", (t) => {
  const { metrics } = setup();
  t.deepEqual(metrics.getNode('n1'), {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: 'n1', creationTimestamp: '2025-01-02T03:04:05Z', labels: { zone: 'a' } },
    timestamp: '2025-01-02T03:04:05Z',
    window: '2s',
    // 1234567n + 250m + 1m + 1m (a pod the store no longer has, whose processes still run)
    usage: { cpu: '253234567n', memory: `${12345 + 65536 + 1024 + 1}Ki` },
  });
  t.like(metrics.getNode('n2'), { metadata: { name: 'n2' }, usage: { cpu: '0', memory: '4Ki' } });
});

test('nodes no runtime runs have no metrics', (t) => {
  const { metrics } = setup();
  t.deepEqual(
    metrics.listNodes(() => true).map((m) => (m.metadata as any).name),
    ['n1', 'n2'],
  );
  t.deepEqual(
    metrics.listNodes((n) => (n.metadata as any).labels?.zone === 'a').map((m) => (m.metadata as any).name),
    ['n1'],
  );
  t.throws(() => metrics.getNode('n3'), { message: 'nodes.metrics.k8s.io "n3" not found' });
  t.throws(() => metrics.getNode('n9'), { message: 'nodes "n9" not found' });
});
