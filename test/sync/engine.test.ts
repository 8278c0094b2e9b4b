/**
 * The sync engine against a real embedded control plane (simulated pods): first sync,
 * no-change resync, change and prune, waves and hooks in order, a dry-run failure that
 * applies nothing, and a rollout that never becomes healthy.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../src/core/index.js';
import { embeddedCluster, kubeCluster, type Cluster } from '../../src/cluster/index.js';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';
import { syncApplication, type SyncEvent } from '../../src/sync/index.js';

let cp: ControlPlane;
let dir: string;
const clusters: Record<string, Cluster> = {};

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-engine-'));
  cp = await startControlPlane({
    dataDir: dir,
    port: 0,
    token: 't',
    runtime: 'simulated',
    simulated: { readyAfterMs: 50 },
  });
  clusters.embedded = embeddedCluster(cp.api);
  clusters.kube = kubeCluster({ kubeconfig: cp.kubeconfigPath });
});

test.after.always(async () => {
  for (const c of Object.values(clusters)) await c.close();
  await cp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (
  namespace: string,
  name: string,
  data: Record<string, string> = { a: '1' },
  annotations?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
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
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations: podAnnotations },
      spec: { containers: [{ name: 'web', image: 'example/web:1', ports: [{ containerPort: 8080 }] }] },
    },
  },
});
const service = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});
const job = (
  namespace: string,
  name: string,
  hook: string,
  fail: string,
  extra: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace, annotations: { 'capstan.dev/hook': hook, ...extra } },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { annotations: { 'capstan.dev/simulate-fail': fail } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'example/job:1' }] },
    },
  },
});
for (const driver of ['embedded', 'kube'] as const) {
  const p = driver === 'kube' ? 'k' : '';
  const cluster = () => clusters[driver];
  const exists = async (apiVersion: string, kind: string, namespace: string, name: string) =>
    (await cluster().get({ apiVersion, kind, namespace, name })) !== undefined;

  test.serial(
    `${driver}: first sync applies everything and ends Healthy; a resync changes nothing`,
    async (t) => {
      const objects = [
        ns(`${p}e1`),
        cm(`${p}e1`, 'cfg'),
        deployment(`${p}e1`, 'web'),
        service(`${p}e1`, 'web'),
      ];
      const first = await syncApplication(`${p}e1`, objects, { cluster: cluster(), pollMs: 50 });
      t.is(first.result, 'Succeeded', first.message);
      t.is(first.health, 'Healthy');
      t.is(first.applied.length, 4);
      const live = (await cluster().get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: `${p}e1`,
        name: 'web',
      }))!;
      t.is(live.metadata.labels!['capstan.dev/app'], `${p}e1`);
      t.truthy(live.metadata.annotations!['capstan.dev/tracking-id']);
      t.true(
        (live.metadata.managedFields as any[]).some(
          (m) => m.manager === 'capstan' && m.operation === 'Apply',
        ),
      );
      const again = await syncApplication(`${p}e1`, objects, { cluster: cluster(), pollMs: 50 });
      t.is(again.result, 'Succeeded');
      t.deepEqual(again.applied, []);
      t.is(again.unchanged, 4);
    },
  );

  test.serial(
    `${driver}: a change is applied, what Git dropped is pruned, Prune=false and other apps are left`,
    async (t) => {
      const first = await syncApplication(
        `${p}e2`,
        [
          ns(`${p}e2`),
          cm(`${p}e2`, 'keep', { a: '1' }, { 'capstan.dev/sync-options': 'Prune=false' }),
          cm(`${p}e2`, 'cfg'),
          service(`${p}e2`, 'svc'),
        ],
        {
          cluster: cluster(),
          pollMs: 50,
        },
      );
      await syncApplication(`${p}other`, [cm(`${p}e2`, 'theirs')], { cluster: cluster(), pollMs: 50 });
      // the kinds it had objects of: Services are looked for although Git has none now
      const r = await syncApplication(`${p}e2`, [ns(`${p}e2`), cm(`${p}e2`, 'cfg', { a: '2' })], {
        cluster: cluster(),
        pollMs: 50,
        previousKinds: first.kinds,
      });
      t.is(r.result, 'Succeeded', r.message);
      t.deepEqual(r.applied, [`/ConfigMap/${p}e2/cfg`]);
      t.deepEqual(r.pruned, [`/Service/${p}e2/svc`]);
      t.false(await exists('v1', 'Service', `${p}e2`, 'svc'));
      t.true(await exists('v1', 'ConfigMap', `${p}e2`, 'keep'), 'Prune=false');
      t.true(await exists('v1', 'ConfigMap', `${p}e2`, 'theirs'), "another application's object");
      t.regex(r.message, /1 kept by Prune=false/);
    },
  );

  test.serial(`${driver}: waves and hooks run in order: PreSync, wave 0, wave 1, PostSync`, async (t) => {
    const events: SyncEvent[] = [];
    const objects = [
      ns(`${p}e3`),
      job(`${p}e3`, 'migrate', 'PreSync', 'exit-0'),
      {
        ...cm(`${p}e3`, 'late'),
        metadata: { name: 'late', namespace: `${p}e3`, annotations: { 'capstan.dev/sync-wave': '1' } },
      },
      cm(`${p}e3`, 'early'),
      job(`${p}e3`, 'smoke', 'PostSync', 'exit-0', { 'capstan.dev/hook-delete-policy': 'HookSucceeded' }),
    ];
    const r = await syncApplication(`${p}e3`, objects, {
      cluster: cluster(),
      pollMs: 50,
      onEvent: (e) => events.push(e),
    });
    t.is(r.result, 'Succeeded', r.message);
    const order = events
      .filter((e) => e.type === 'applied' || e.type === 'hook')
      .map((e) => ('ref' in e ? e.ref.split('/').slice(1).join('/') : ''));
    t.deepEqual(order, [
      `Namespace//${p}e3`,
      `Job/${p}e3/migrate`,
      `ConfigMap/${p}e3/early`,
      `ConfigMap/${p}e3/late`,
      `Job/${p}e3/smoke`,
    ]);
    t.true(await exists('batch/v1', 'Job', `${p}e3`, 'migrate'), 'BeforeHookCreation keeps the last run');
    t.false(await exists('batch/v1', 'Job', `${p}e3`, 'smoke'), 'HookSucceeded deletes it');
  });

  test.serial(`${driver}: a dry-run failure applies nothing`, async (t) => {
    const bad = deployment('default', 'bad');
    (bad.spec as any).replicas = -1;
    const r = await syncApplication(`${p}e4`, [cm('default', 'would-be-created'), bad], {
      cluster: cluster(),
      pollMs: 50,
    });
    t.is(r.result, 'Failed');
    t.is(r.failedAt, 'dry-run');
    t.regex(r.message, /Deployment default\/bad/);
    t.regex(r.message, /spec\.replicas/);
    t.false(await exists('v1', 'ConfigMap', 'default', 'would-be-created'));
  });

  test.serial(
    `${driver}: a rollout whose pods never become ready ends Degraded, naming the pod`,
    async (t) => {
      const r = await syncApplication(
        `${p}e5`,
        [ns(`${p}e5`), deployment(`${p}e5`, 'web', { 'capstan.dev/simulate-fail': 'readiness' })],
        {
          cluster: cluster(),
          pollMs: 50,
          healthTimeoutMs: 1500,
        },
      );
      t.is(r.result, 'Failed');
      t.is(r.failedAt, 'health');
      t.is(r.health, 'Degraded');
      t.is(r.object, `Deployment ${p}e5/web`);
      t.regex(r.cause?.pod ?? '', /^web-/);
      t.is(r.cause?.container, 'web');
    },
  );

  test.serial(
    `${driver}: a failing PreSync hook stops the sync before the objects; SyncFail hooks run`,
    async (t) => {
      const r = await syncApplication(
        `${p}e6`,
        [
          ns(`${p}e6`),
          job(`${p}e6`, 'migrate', 'PreSync', 'crash'),
          cm(`${p}e6`, 'cfg'),
          job(`${p}e6`, 'notify', 'SyncFail', 'exit-0'),
        ],
        { cluster: cluster(), pollMs: 50, healthTimeoutMs: 20_000 },
      );
      t.is(r.result, 'Failed');
      t.is(r.failedAt, 'hook');
      t.false(await exists('v1', 'ConfigMap', `${p}e6`, 'cfg'));
      t.true(await exists('batch/v1', 'Job', `${p}e6`, 'notify'));
    },
  );
}
