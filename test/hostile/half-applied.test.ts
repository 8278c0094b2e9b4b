/**
 * Half-applied syncs: a repository that ships its own Namespace with one object the server
 * would refuse must leave the cluster untouched (no Namespace, none of the valid objects),
 * through both drivers, and a valid sync afterwards must go through.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject, JsonValue, KubeObject } from '../../src/core/index.js';
import { embeddedCluster, kubeCluster, type Cluster } from '../../src/cluster/index.js';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';
import { syncApplication } from '../../src/sync/index.js';

let cp: ControlPlane;
let dir: string;
const clusters: Record<string, Cluster> = {};

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-half-applied-'));
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

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const configMap = (ns: string, name: string, value = '1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { value },
});
const deployment = (ns: string, strategy: JsonObject): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: ns },
  spec: {
    replicas: 1,
    strategy,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'example/web:1' }] },
    },
  },
});
const mib = (n: number) => 'x'.repeat(Math.round(n * 1024 * 1024));

/** What each case ships beside the Namespace and a valid ConfigMap, the fixed version, and what the message must say. */
const cases: Array<{
  name: string;
  bad: (ns: string) => KubeObject;
  fixed: (ns: string) => KubeObject;
  object: RegExp;
  cause: RegExp;
}> = [
  {
    name: 'a Deployment with maxSurge 0 and maxUnavailable 0',
    bad: (ns) => deployment(ns, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }),
    fixed: (ns) =>
      deployment(ns, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }),
    object: /Deployment [a-z0-9-]+\/web/,
    cause: /maxUnavailable.*may not be 0 when `maxSurge` is 0/,
  },
  {
    name: 'a ConfigMap of 1.6 MiB',
    bad: (ns) => configMap(ns, 'big', mib(1.6)),
    fixed: (ns) => configMap(ns, 'big', mib(0.5)),
    object: /ConfigMap [a-z0-9-]+\/big/,
    cause: /1572864 bytes/,
  },
  {
    name: 'a ConfigMap of 1.1 MiB (over the data limit, under the object limit)',
    bad: (ns) => configMap(ns, 'big', mib(1.1)),
    fixed: (ns) => configMap(ns, 'big', mib(0.5)),
    object: /ConfigMap [a-z0-9-]+\/big/,
    cause: /Too long: may not be more than 1048576 bytes/,
  },
  {
    name: 'an object with an invalid name',
    bad: (ns) => configMap(ns, 'Bad_Name'),
    fixed: (ns) => configMap(ns, 'good-name'),
    object: /ConfigMap [a-z0-9-]+\/Bad_Name/,
    cause: /metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
  },
];

for (const driver of ['embedded', 'kube'] as const) {
  const cluster = () => clusters[driver];
  const exists = async (kind: string, name: string, ns?: string) =>
    (await cluster().get({ apiVersion: 'v1', kind, name, ...(ns ? { namespace: ns } : {}) })) !== undefined;

  cases.forEach((c, i) => {
    test.serial(`${driver}: a new Namespace with ${c.name}: nothing is applied`, async (t) => {
      const ns = `half-${driver}-${i}`;
      const r = await syncApplication(ns, [namespace(ns), configMap(ns, 'valid'), c.bad(ns)], {
        cluster: cluster(),
        pollMs: 50,
      });
      t.is(r.result, 'Failed', r.message);
      t.is(r.failedAt, 'dry-run');
      t.regex(r.message, c.object);
      t.regex(r.message, c.cause);
      t.deepEqual(r.applied, []);
      t.false(await exists('Namespace', ns));
      t.false(await exists('ConfigMap', 'valid', ns));

      // the same application, fixed, goes through
      const fixed = await syncApplication(ns, [namespace(ns), configMap(ns, 'valid'), c.fixed(ns)], {
        cluster: cluster(),
        pollMs: 50,
      });
      t.is(fixed.result, 'Succeeded', fixed.message);
      t.true(await exists('Namespace', ns));
      t.true(await exists('ConfigMap', 'valid', ns));
    });
  });
}

const crd = (group: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
});
const gadget = (group: string, ns: string, size: JsonValue): KubeObject => ({
  apiVersion: `${group}/v1`,
  kind: 'Gadget',
  metadata: { name: 'g', namespace: ns },
  spec: { size },
});
const hook = (ns: string, restartPolicy: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { generateName: 'migrate-', namespace: ns, annotations: { 'capstan.dev/hook': 'PreSync' } },
  spec: {
    template: { spec: { restartPolicy, containers: [{ name: 'migrate', image: 'example/migrate:1' }] } },
  },
});

for (const driver of ['embedded', 'kube'] as const) {
  const cluster = () => clusters[driver];
  const exists = async (kind: string, name: string, ns?: string) =>
    (await cluster().get({ apiVersion: 'v1', kind, name, ...(ns ? { namespace: ns } : {}) })) !== undefined;

  test.serial(
    `${driver}: objects of a CRD the sync leaves unchanged are checked, even in a new Namespace`,
    async (t) => {
      const app = `half-crd-${driver}`;
      const group = `${driver}.half.example.com`;
      const first = await syncApplication(
        app,
        [crd(group), namespace(`${app}-a`), gadget(group, `${app}-a`, 1)],
        {
          cluster: cluster(),
          pollMs: 50,
        },
      );
      t.is(first.result, 'Succeeded', first.message);
      const ns = `${app}-b`;
      const r = await syncApplication(
        app,
        [
          crd(group),
          namespace(`${app}-a`),
          gadget(group, `${app}-a`, 1),
          namespace(ns),
          configMap(ns, 'valid'),
          gadget(group, ns, 'three'),
        ],
        { cluster: cluster(), pollMs: 50 },
      );
      t.is(r.result, 'Failed', r.message);
      t.is(r.failedAt, 'dry-run');
      t.regex(r.message, new RegExp(`Gadget ${ns}/g`));
      t.regex(r.message, /spec\.size/);
      t.false(await exists('Namespace', ns));
    },
  );

  test.serial(`${driver}: a generateName hook the server would refuse stops the sync first`, async (t) => {
    const ns = `half-hook-${driver}`;
    const r = await syncApplication(ns, [namespace(ns), configMap(ns, 'valid'), hook(ns, 'Always')], {
      cluster: cluster(),
      pollMs: 50,
    });
    t.is(r.result, 'Failed', r.message);
    t.is(r.failedAt, 'dry-run');
    t.regex(r.message, new RegExp(`Job ${ns}/migrate-`));
    t.regex(r.message, /restartPolicy/);
    t.false(await exists('Namespace', ns));
  });
}
