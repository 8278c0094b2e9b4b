/**
 * The metrics API in process, over simulated pods that declare their usage: what the
 * HorizontalPodAutoscaler reads through `api.list` with a label selector.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startControlPlane, type ControlPlane } from '../../../src/controlplane/index.js';
import {
  SIMULATED_CPU_ANNOTATION,
  SIMULATED_MEMORY_ANNOTATION,
} from '../../../src/controlplane/kubelet/index.js';
import { NODE_METRICS, POD_METRICS, type PodMetrics } from '../../../src/controlplane/metrics/index.js';
import { eventually, removeDir } from '../helpers.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
let cp: ControlPlane;
let dir: string;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-metrics-'));
  cp = await startControlPlane({
    dataDir: dir,
    http: false,
    token: 't',
    runtime: 'simulated',
    simulated: { readyAfterMs: 50 },
  });
  await cp.api.create(DEPLOYMENTS, 'default', {
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: {
          labels: { app: 'web' },
          annotations: { [SIMULATED_CPU_ANNOTATION]: '200m', [SIMULATED_MEMORY_ANNOTATION]: '64Mi' },
        },
        spec: { containers: [{ name: 'web', image: 'demo/web:1' }] },
      },
    },
  });
  await cp.api.create(PODS, 'kube-system', {
    metadata: { name: 'helper', labels: { app: 'helper' } },
    spec: {
      containers: [
        { name: 'a', image: 'demo/a:1' },
        { name: 'b', image: 'demo/b:1' },
      ],
    },
  });
});

test.after.always(async () => {
  await cp?.close();
  if (dir) removeDir(dir);
});

const items = (list: { items?: unknown }) => (list.items ?? []) as PodMetrics[];

test.serial('PodMetrics of a label selector carry the usage the pods declare', async (t) => {
  const list = await eventually(() => {
    const l = cp.api.list(POD_METRICS, 'default', { labelSelector: 'app=web' });
    return items(l).length === 2 ? l : undefined;
  });
  t.like(list, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {} });
  for (const m of items(list)) {
    t.like(m, {
      kind: 'PodMetrics',
      metadata: { namespace: 'default', labels: { app: 'web' } },
      window: '1s',
    });
    t.deepEqual(m.containers, [{ name: 'web', usage: { cpu: '200m', memory: '64Mi' } }]);
    t.regex(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const got = cp.api.get(POD_METRICS, 'default', m.metadata.name) as unknown as PodMetrics;
    t.deepEqual([got.metadata.labels, got.containers], [m.metadata.labels, m.containers]);
  }
  t.is(items(cp.api.list(POD_METRICS, 'default', { labelSelector: 'app!=web' })).length, 0);
});

test.serial('an unannotated pod reports zero per running container; -A lists every namespace', async (t) => {
  const helper = await eventually(() =>
    items(cp.api.list(POD_METRICS, 'kube-system')).find((m) => m.metadata.name === 'helper'),
  );
  t.deepEqual(helper.containers, [
    { name: 'a', usage: { cpu: '0', memory: '0' } },
    { name: 'b', usage: { cpu: '0', memory: '0' } },
  ]);
  const all = items(cp.api.list(POD_METRICS, undefined)).map((m) => m.metadata.namespace);
  t.deepEqual(all, ['default', 'default', 'kube-system']);
  t.is(items(cp.api.list(POD_METRICS, undefined, { fieldSelector: 'metadata.name=helper' })).length, 1);
});

test.serial("NodeMetrics sum the node's pods", async (t) => {
  const [node] = cp.agents;
  const m = cp.api.get(NODE_METRICS, undefined, node.nodeName);
  t.like(m, {
    kind: 'NodeMetrics',
    metadata: { name: node.nodeName },
    usage: { cpu: '400m', memory: '128Mi' },
  });
  t.is((cp.api.list(NODE_METRICS, undefined).items as unknown[]).length, 1);
});

test.serial('a changed annotation changes the metrics', async (t) => {
  const pod = items(cp.api.list(POD_METRICS, 'default'))[0];
  await cp.api.patch(PODS, 'default', pod.metadata.name, 'merge', {
    metadata: { annotations: { [SIMULATED_CPU_ANNOTATION]: '1500m' } },
  });
  const m = await eventually(() => {
    const got = cp.api.get(POD_METRICS, 'default', pod.metadata.name) as unknown as PodMetrics;
    return got.containers[0].usage.cpu === '1500m' ? got : undefined;
  });
  t.is(m.containers[0].usage.memory, '64Mi');
});

test('metrics are read-only: writes and watches are refused with 405', async (t) => {
  t.deepEqual(cp.api.lookup(POD_METRICS)?.verbs, ['get', 'list']);
  const refused = { message: 'the server does not allow this method on the requested resource' };
  const body = { metadata: { name: 'x' }, containers: [] };
  await t.throwsAsync(cp.api.create(POD_METRICS, 'default', body), refused);
  await t.throwsAsync(cp.api.update(POD_METRICS, 'default', 'x', body), refused);
  await t.throwsAsync(cp.api.patch(POD_METRICS, 'default', 'x', 'merge', {}), refused);
  await t.throwsAsync(cp.api.delete(NODE_METRICS, undefined, 'x'), refused);
  await t.throwsAsync(cp.api.deleteCollection(POD_METRICS, 'default', {}), refused);
  t.throws(() => cp.api.watch(POD_METRICS, 'default', {}, () => undefined), refused);
  t.throws(() => cp.api.get(POD_METRICS, 'default', 'nope'), { message: 'pods "nope" not found' });
});
