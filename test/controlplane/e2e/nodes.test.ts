/**
 * Nodes from configuration: one agent per node, each registering its Node and Lease and
 * running the pods bound to it with its own runtime; the scheduler chooses among them
 * (node selectors, taints); logs and Services reach pods on any node; image mappings
 * stand in for entrypoints on process nodes; a restart retires the nodes no longer listed.
 */
import test from 'ava';
import * as k8s from '@kubernetes/client-node';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject, NodeConfig } from '../../../src/core/index.js';
import { startControlPlane, type ControlPlane } from '../../../src/controlplane/index.js';
import { eventually, rawRequest, removeDir, type TestControlPlane } from '../helpers.js';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'web.mjs');
const PODS = { group: '', version: 'v1', resource: 'pods' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };

const node = (name: string, more: Partial<NodeConfig> = {}): NodeConfig => ({
  name,
  capacity: {},
  labels: {},
  taints: [],
  ...more,
});

const pods = (cp: ControlPlane, namespace: string): any[] =>
  cp.store.list({ group: '', resource: 'pods', namespace }).items.map((i) => i.value);
const podNamed = (cp: ControlPlane, namespace: string, name: string): any =>
  cp.store.get({ group: '', resource: 'pods', namespace, name })?.value;
const ready = (p: any): boolean =>
  p?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false;

function simulatedPod(name: string, spec: JsonObject): JsonObject {
  return {
    metadata: { name, namespace: 'sched' },
    spec: { containers: [{ name: 'app', image: 'example/app:1' }], ...spec },
  };
}

const toleration = { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' };
const simNodes = (zoneA: string, withB: boolean): NodeConfig[] => [
  node('local', { runtime: 'process' }),
  node('sim-a', {
    runtime: 'simulated',
    readyAfterMs: 100,
    capacity: { cpu: 2, memoryBytes: 4 * 1024 ** 3, pods: 20 },
    labels: { pool: 'sim', zone: zoneA },
  }),
  ...(withB
    ? [
        node('sim-b', {
          runtime: 'simulated',
          capacity: { cpu: 2, memoryBytes: 4 * 1024 ** 3, pods: 20 },
          labels: { pool: 'sim', zone: 'b' },
          taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
        }),
      ]
    : []),
];

test.serial(
  'simulated nodes from configuration: Ready with Leases, and pods go where they may',
  async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-nodes-'));
    t.teardown(() => removeDir(dataDir));
    const start = (nodes: NodeConfig[]) =>
      startControlPlane({ dataDir, http: false, nodes, simulated: { readyAfterMs: 200 } });
    let cp = await start(simNodes('a', true));
    t.teardown(() => cp.close());
    t.deepEqual(
      cp.agents.map((a) => [a.nodeName, a.runtimeKind]),
      [
        ['local', 'process'],
        ['sim-a', 'simulated'],
        ['sim-b', 'simulated'],
      ],
    );

    // every Node is Ready and holds its Lease
    const nodes = cp.store.list({ group: '', resource: 'nodes' }).items.map((i) => i.value as any);
    t.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['local', 'sim-a', 'sim-b']);
    for (const n of nodes) {
      t.is(n.status.conditions.find((c: any) => c.type === 'Ready')?.status, 'True', n.metadata.name);
      const lease = cp.store.get({
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-node-lease',
        name: n.metadata.name,
      })?.value as any;
      t.is(lease?.spec.holderIdentity, n.metadata.name);
    }
    const b = nodes.find((n) => n.metadata.name === 'sim-b');
    t.like(b.metadata.labels, {
      pool: 'sim',
      zone: 'b',
      'capstan.dev/runtime': 'simulated',
      'kubernetes.io/hostname': 'sim-b',
    });
    t.deepEqual(b.spec.taints, [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
    t.like(b.status.capacity, { cpu: '2', memory: '4194304Ki', pods: '20' });
    t.is(nodes.find((n) => n.metadata.name === 'local').status.capacity.cpu, String(os.cpus().length));

    await cp.api.create(NAMESPACES, undefined, { metadata: { name: 'sched' } });
    // tolerating the taint: spread over both simulated nodes
    await cp.api.create(DEPLOYMENTS, 'sched', {
      metadata: { name: 'batch', namespace: 'sched' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'batch' } },
        template: {
          metadata: { labels: { app: 'batch' } },
          spec: {
            nodeSelector: { pool: 'sim' },
            tolerations: [toleration],
            containers: [{ name: 'app', image: 'example/batch:1' }],
          },
        },
      },
    });
    // not tolerating it: sim-a only
    for (const name of ['plain-1', 'plain-2', 'plain-3']) {
      await cp.api.create(PODS, 'sched', simulatedPod(name, { nodeSelector: { pool: 'sim' } }));
    }
    // only sim-b matches, and its taint is not tolerated: unschedulable
    await cp.api.create(PODS, 'sched', simulatedPod('zone-b', { nodeSelector: { zone: 'b' } }));

    const batch = await eventually(() => {
      const list = pods(cp, 'sched').filter((p) => p.metadata.labels?.app === 'batch');
      return list.length === 4 && list.every(ready) ? list : undefined;
    }, 20_000);
    const used = new Set(batch.map((p) => p.spec.nodeName));
    t.deepEqual([...used].sort(), ['sim-a', 'sim-b'], 'spread over both simulated nodes');
    for (const p of batch) t.is(p.status.containerStatuses[0].imageID, 'simulated://');

    for (const name of ['plain-1', 'plain-2', 'plain-3']) {
      const p = await eventually(() =>
        ready(podNamed(cp, 'sched', name)) ? podNamed(cp, 'sched', name) : undefined,
      );
      t.is(p.spec.nodeName, 'sim-a', name);
    }
    const unschedulable = await eventually(() =>
      podNamed(cp, 'sched', 'zone-b')?.status?.conditions?.find(
        (c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable',
      ),
    );
    t.regex(unschedulable.message, /untolerated taint \{dedicated: batch\}/);
    t.is(podNamed(cp, 'sched', 'zone-b').spec.nodeName, undefined);

    // a restart without sim-b and with sim-a relabelled: sim-b is retired with its pods
    const onB = batch.filter((p) => p.spec.nodeName === 'sim-b').map((p) => p.metadata.name);
    await cp.close();
    cp = await start(simNodes('a2', false));
    t.is(cp.store.get({ group: '', resource: 'nodes', namespace: '', name: 'sim-b' }), undefined);
    t.is(
      cp.store.get({
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-node-lease',
        name: 'sim-b',
      }),
      undefined,
    );
    for (const name of onB) t.is(podNamed(cp, 'sched', name), undefined, `${name} was on sim-b`);
    const a = cp.store.get({ group: '', resource: 'nodes', namespace: '', name: 'sim-a' })?.value as any;
    t.like(a.metadata.labels, { pool: 'sim', zone: 'a2' });
    // the ReplicaSet replaces the pods: the tolerating ones now fit only on sim-a
    const again = await eventually(() => {
      const list = pods(cp, 'sched').filter((p) => p.metadata.labels?.app === 'batch');
      return list.length === 4 && list.every(ready) ? list : undefined;
    }, 20_000);
    t.deepEqual([...new Set(again.map((p) => p.spec.nodeName))], ['sim-a']);
  },
);

let env: TestControlPlane;

test.before(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-nodes-'));
  const cp = await startControlPlane({
    dataDir,
    port: 0,
    token: 'test-token',
    nodes: [node('local'), node('worker-2', { labels: { role: 'worker' } })],
    imageCommands: [
      { pattern: 'example/web:*', command: [process.execPath, web] },
      { pattern: '/^example\\/idle:/', command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] },
    ],
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath!);
  env = { cp, dataDir, kc, kubeconfigPath: cp.kubeconfigPath!, close: () => cp.close() };
  await cp.api.create(NAMESPACES, undefined, { metadata: { name: 'two' } });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

const webPod = (name: string, container: JsonObject, spec: JsonObject = {}): JsonObject => ({
  metadata: { name, namespace: 'two', labels: { app: name } },
  spec: {
    terminationGracePeriodSeconds: 2,
    containers: [
      {
        name: 'web',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
        ...container,
      },
    ],
    ...spec,
  },
});

test.serial(
  'a pod on a second process node runs, its logs are served and a Service reaches it',
  async (t) => {
    await env.cp.api.create(
      PODS,
      'two',
      webPod(
        'on-worker',
        {
          image: 'capstan.dev/test/web:1',
          command: [process.execPath, web],
          env: [{ name: 'VERSION', value: 'w2' }],
        },
        { nodeSelector: { role: 'worker' } },
      ),
    );
    await env.cp.api.create({ group: '', version: 'v1', resource: 'services' }, 'two', {
      metadata: { name: 'on-worker', namespace: 'two' },
      spec: { selector: { app: 'on-worker' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const pod = await eventually(() => {
      const p = podNamed(env.cp, 'two', 'on-worker');
      return ready(p) ? p : undefined;
    }, 30_000);
    t.is(pod.spec.nodeName, 'worker-2');
    t.is(pod.status.phase, 'Running');
    // its files live under the node's own directory
    t.true(fs.existsSync(path.join(env.dataDir, 'nodes', 'worker-2', 'pods', pod.metadata.uid)));

    const logs = await eventually(async () => {
      const res = await rawRequest(env, 'GET', '/api/v1/namespaces/two/pods/on-worker/log', {
        token: 'test-token',
      });
      return res.status === 200 && /listening on \d+/.test(res.body) ? res : undefined;
    });
    t.regex(logs.body, /^listening on \d+\n$/);

    const endpoints = await eventually(() => {
      const e = env.cp.store.get({ group: '', resource: 'endpoints', namespace: 'two', name: 'on-worker' })
        ?.value as any;
      const addresses = (e?.subsets ?? []).flatMap((s: any) => s.addresses ?? []);
      return addresses.length === 1 ? e : undefined;
    }, 30_000);
    t.is(endpoints.subsets[0].addresses[0].nodeName, 'worker-2');
    const port = Number(/http=(\d+)/.exec(endpoints.metadata.annotations['capstan.dev/proxy-ports'])![1]);
    t.is(await get(port), 'version=w2 pod=on-worker\n');
  },
);

test.serial('a container with only an image runs the command mapped to that image', async (t) => {
  await env.cp.api.create(PODS, 'two', webPod('mapped', { image: 'example/web:1' }, { nodeName: 'local' }));
  await env.cp.api.create(PODS, 'two', {
    metadata: { name: 'regex', namespace: 'two' },
    spec: { nodeName: 'worker-2', containers: [{ name: 'idle', image: 'example/idle:2' }] },
  });
  await env.cp.api.create(PODS, 'two', {
    metadata: { name: 'unmapped', namespace: 'two' },
    spec: { nodeName: 'local', containers: [{ name: 'app', image: 'example/other:1' }] },
  });
  const mapped = await eventually(() => {
    const p = podNamed(env.cp, 'two', 'mapped');
    return ready(p) ? p : undefined;
  }, 30_000);
  t.is(mapped.status.containerStatuses[0].image, 'example/web:1');
  const res = await rawRequest(env, 'GET', '/api/v1/namespaces/two/pods/mapped/log', { token: 'test-token' });
  t.regex(res.body, /listening on \d+/);
  const regex = await eventually(() => {
    const p = podNamed(env.cp, 'two', 'regex');
    return p?.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
  }, 30_000);
  t.is(regex.status.phase, 'Running');
  const waiting = await eventually(
    () => podNamed(env.cp, 'two', 'unmapped')?.status?.containerStatuses?.[0]?.state?.waiting,
  );
  t.is(waiting.reason, 'NoCommand');
  t.regex(waiting.message, /no image command mapping matches image "example\/other:1"/);
});

test.serial('logs of a pod no node runs say why', async (t) => {
  await env.cp.api.create(PODS, 'two', {
    metadata: { name: 'nowhere', namespace: 'two' },
    spec: { nodeSelector: { role: 'none' }, containers: [{ name: 'app', image: 'example/web:1' }] },
  });
  const res = await rawRequest(env, 'GET', '/api/v1/namespaces/two/pods/nowhere/log', {
    token: 'test-token',
  });
  t.is(res.status, 400);
  t.regex(JSON.parse(res.body).message, /pod nowhere does not have a host assigned/);
});
