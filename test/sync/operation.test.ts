/**
 * The sync as resumable steps, against a real embedded control plane (simulated pods):
 * it stops between waves without sleeping and goes on when called again; a fake clock
 * ends a wait; a missing Namespace is a transient failure; CreateNamespace; what the sync
 * did to each object.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../src/core/index.js';
import { embeddedCluster, type Cluster } from '../../src/cluster/index.js';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';
import { assessHealth, continueSync, startSync, syncApplication } from '../../src/sync/index.js';
import { eventually } from '../helpers/eventually.js';

let cp: ControlPlane;
let dir: string;
let cluster: Cluster;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-operation-'));
  cp = await startControlPlane({
    dataDir: dir,
    port: 0,
    token: 't',
    runtime: 'simulated',
    simulated: { readyAfterMs: 50 },
  });
  cluster = embeddedCluster(cp.api);
});

test.after.always(async () => {
  await cluster?.close();
  await cp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (namespace: string, name: string, data = { a: '1' }, wave?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...(wave ? { annotations: { 'capstan.dev/sync-wave': wave } } : {}) },
  data,
});
const deployment = (
  namespace: string,
  name: string,
  podAnnotations: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations: podAnnotations },
      spec: { containers: [{ name: 'web', image: 'example/web:1' }] },
    },
  },
});
const postSyncJob = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace, annotations: { 'capstan.dev/hook': 'PostSync' } },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { annotations: { 'capstan.dev/simulate-fail': 'exit-0' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'example/job:1' }] },
    },
  },
});
const get = (apiVersion: string, kind: string, name: string, namespace?: string) =>
  cluster.get({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) });

test.serial(
  'a two-wave sync waits after wave 0 without applying wave 1, and goes on when called again',
  async (t) => {
    const objects = [ns('op1'), deployment('op1', 'web'), cm('op1', 'late', { a: '1' }, '1')];
    const first = await startSync('op1', objects, { cluster });
    if (first.done) return t.fail(`finished at once: ${first.result.message}`);
    t.is(first.wave, 'Sync/0');
    t.regex(first.waitingFor, /^Deployment op1\/web: /);
    t.true(first.watch.some((r) => r.kind === 'Deployment' && r.namespace === 'op1' && r.name === 'web'));
    t.is(await get('v1', 'ConfigMap', 'late', 'op1'), undefined, 'wave 1 waits for wave 0 to be healthy');

    await eventually(
      async () => assessHealth(await get('apps/v1', 'Deployment', 'web', 'op1')).status === 'Healthy',
    );
    const next = await continueSync(first.operation, { cluster });
    if (!next.done) return t.fail(`still waiting: ${next.waitingFor}`);
    t.is(next.result.result, 'Succeeded', next.result.message);
    t.truthy(await get('v1', 'ConfigMap', 'late', 'op1'), 'wave 1 applied');
    t.deepEqual(next.result.applied, ['/Namespace//op1', 'apps/Deployment/op1/web', '/ConfigMap/op1/late']);
  },
);

test.serial(
  'the health timeout is read from the clock passed in: a wait ends only at its deadline',
  async (t) => {
    let clock = 1_000_000;
    const options = { cluster, now: () => clock, healthTimeoutMs: 60_000 };
    const objects = [ns('op2'), deployment('op2', 'web', { 'capstan.dev/simulate-fail': 'readiness' })];
    const first = await startSync('op2', objects, options);
    if (first.done) return t.fail(`finished at once: ${first.result.message}`);
    t.is(first.deadline, 1_060_000);

    const before = await continueSync(first.operation, options);
    t.false(before.done, 'not yet at the deadline');

    clock = first.deadline;
    const after = await continueSync(first.operation, options);
    if (!after.done) return t.fail(`still waiting: ${after.waitingFor}`);
    t.is(after.result.result, 'Failed');
    t.is(after.result.failedAt, 'health');
    t.is(after.result.object, 'Deployment op2/web');
    t.regex(after.result.message, /not healthy after the health timeout/);
    t.falsy(after.result.transient, 'an unhealthy rollout is the revision’s failure');
  },
);

test.serial(
  'a Namespace that does not exist yet is a transient failure that names the object once',
  async (t) => {
    const objects = [cm('op3', 'cfg')];
    const r = await syncApplication('op3', objects, { cluster });
    t.is(r.result, 'Failed');
    t.is(r.failedAt, 'dry-run');
    t.true(r.transient);
    t.regex(r.message, /namespaces "op3" not found/);
    t.is(r.message.split('ConfigMap op3/cfg').length - 1, 1, r.message);

    // the same revision succeeds once the cluster has the namespace
    await cluster.apply(ns('op3'));
    const again = await syncApplication('op3', objects, { cluster });
    t.is(again.result, 'Succeeded', again.message);

    // so is a kind whose CustomResourceDefinition is not installed yet
    const widget: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'op3' },
    };
    const unserved = await syncApplication('op3', [widget], { cluster });
    t.is(unserved.failedAt, 'dry-run');
    t.true(unserved.transient, unserved.message);

    // a refusal of the object itself is not transient
    const bad = deployment('op3', 'bad');
    (bad.spec as { replicas: number }).replicas = -1;
    const refused = await syncApplication('op3', [bad], { cluster });
    t.is(refused.failedAt, 'dry-run');
    t.is(refused.transient, undefined);
  },
);

test.serial(
  'createNamespace creates the destination before the dry run, and it is never pruned',
  async (t) => {
    const dry = await syncApplication('op4', [cm('op4', 'cfg')], {
      cluster,
      createNamespace: 'op4',
      dryRun: true,
    });
    t.is(dry.result, 'Succeeded', dry.message);
    t.is(await get('v1', 'Namespace', 'op4'), undefined, 'a dry run creates nothing');

    const r = await syncApplication('op4', [cm('op4', 'cfg')], { cluster, createNamespace: 'op4' });
    t.is(r.result, 'Succeeded', r.message);
    const created = await get('v1', 'Namespace', 'op4');
    t.is(created?.metadata.labels?.['capstan.dev/app'], 'op4');
    t.true(r.resources.some((x) => x.kind === 'Namespace' && x.name === 'op4' && x.state === 'created'));

    const emptied = await syncApplication('op4', [], {
      cluster,
      createNamespace: 'op4',
      previousKinds: [...r.kinds, { apiVersion: 'v1', kind: 'Namespace' }],
    });
    t.is(emptied.result, 'Succeeded', emptied.message);
    t.deepEqual(emptied.pruned, ['/ConfigMap/op4/cfg']);
    t.truthy(await get('v1', 'Namespace', 'op4'), 'the created namespace is kept');
  },
);

test.serial('resources say what the sync did to each object', async (t) => {
  const first = await syncApplication(
    'op5',
    [ns('op5'), cm('op5', 'a'), cm('op5', 'b'), cm('op5', 'c'), postSyncJob('op5', 'smoke')],
    { cluster, pollMs: 50 },
  );
  t.is(first.result, 'Succeeded', first.message);
  const states = (r: typeof first) =>
    Object.fromEntries(r.resources.map((x) => [`${x.kind}/${x.name}`, x.state]));
  t.deepEqual(states(first), {
    'Namespace/op5': 'created',
    'ConfigMap/a': 'created',
    'ConfigMap/b': 'created',
    'ConfigMap/c': 'created',
    'Job/smoke': 'hook',
  });
  const one = first.resources.find((x) => x.name === 'a')!;
  t.deepEqual(one, {
    key: '/ConfigMap/op5/a',
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    namespace: 'op5',
    name: 'a',
    state: 'created',
  });

  const second = await syncApplication('op5', [ns('op5'), cm('op5', 'a'), cm('op5', 'b', { a: '2' })], {
    cluster,
    pollMs: 50,
    previousKinds: first.kinds,
  });
  t.is(second.result, 'Succeeded', second.message);
  t.deepEqual(states(second), {
    'Namespace/op5': 'unchanged',
    'ConfigMap/a': 'unchanged',
    'ConfigMap/b': 'changed',
    'ConfigMap/c': 'pruned',
  });
});

test.serial(
  'a CustomResourceDefinition and its objects in one sync: the objects wait until the kind is served',
  async (t) => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.op6.example.com' },
      spec: {
        group: 'op6.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    const gadget: KubeObject = {
      apiVersion: 'op6.example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g', namespace: 'op6' },
      spec: { size: 1 },
    };
    const r = await syncApplication('op6', [ns('op6'), crd, gadget], { cluster, pollMs: 20 });
    t.is(r.result, 'Succeeded', r.message);
    t.truthy(await get('op6.example.com/v1', 'Gadget', 'g', 'op6'));
    t.deepEqual(r.resources.map((x) => `${x.group}/${x.kind}:${x.state}`).sort(), [
      '/Namespace:created',
      'apiextensions.k8s.io/CustomResourceDefinition:created',
      'op6.example.com/Gadget:created',
    ]);
  },
);

test.serial('a hook runs again on the next sync: its previous run is deleted first', async (t) => {
  const hook = { ...postSyncJob('op7', 'migrate') };
  hook.metadata = { ...hook.metadata, annotations: { 'capstan.dev/hook': 'PreSync' } };
  const first = await syncApplication('op7', [ns('op7'), hook], { cluster, pollMs: 20 });
  t.is(first.result, 'Succeeded', first.message);
  const before = (await get('batch/v1', 'Job', 'migrate', 'op7'))!.metadata.uid;
  const second = await syncApplication('op7', [ns('op7'), hook], { cluster, pollMs: 20 });
  t.is(second.result, 'Succeeded', second.message);
  const after = (await get('batch/v1', 'Job', 'migrate', 'op7'))!.metadata.uid;
  t.truthy(after);
  t.not(after, before);
});
