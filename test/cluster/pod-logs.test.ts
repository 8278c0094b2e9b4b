/**
 * Cluster.podLogs through both drivers over one control plane whose node runs pods
 * simulated (their logs are a short text the node makes up): the kube driver over HTTPS
 * (`GET …/pods/{name}/log`), the embedded one in process with the control plane's log
 * source. Both answer the same text and the same errors; without a source the embedded
 * driver refuses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { embeddedCluster, kubeCluster, type Cluster } from '../../src/cluster/index.js';
import type { JsonObject } from '../../src/core/index.js';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';
import { eventually } from '../helpers/eventually.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };

let dataDir: string;
let cp: ControlPlane;
let kube: Cluster;
let embedded: Cluster;

const pod = (name: string, containers: string[]) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: containers.map((c) => ({ name: c, image: `example/${c}:1` })) },
});

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cluster-logs-'));
  cp = await startControlPlane({ dataDir, port: 0, token: 't', runtime: 'simulated' });
  kube = kubeCluster({ kubeconfig: cp.kubeconfigPath });
  embedded = embeddedCluster(cp.api, { podLogs: cp.podLogs });
  await cp.api.create(PODS, 'default', pod('one', ['app']));
  await cp.api.create(PODS, 'default', pod('two', ['web', 'sidecar']));
  await eventually(
    () =>
      ['one', 'two'].every((name) => {
        const statuses = ((cp.api.get(PODS, 'default', name).status as JsonObject | undefined)
          ?.containerStatuses ?? []) as Array<{ state?: { running?: unknown } }>;
        return statuses.length > 0 && statuses.every((s) => s.state?.running);
      }),
    30_000,
    50,
  );
});

test.after.always(async () => {
  await kube?.close();
  await embedded?.close();
  await cp?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

for (const driver of ['kube', 'embedded'] as const) {
  const cluster = () => (driver === 'kube' ? kube : embedded);

  test(`${driver}: a pod's one container's log, whole or its last lines`, async (t) => {
    const whole = await cluster().podLogs('default', 'one');
    t.regex(whole, /^capstan: container app of pod default\/one is simulated \(run 0\); no process runs\n/);
    t.is(whole.split('\n').length, 3); // two lines, each ending in a newline
    const last = await cluster().podLogs('default', 'one', { tailLines: 1 });
    t.is(last, whole.split('\n')[1] + '\n');
  });

  test(`${driver}: of a pod with two containers, the one named; without a name, BadRequest listing them`, async (t) => {
    t.regex(await cluster().podLogs('default', 'two', { container: 'sidecar' }), /container sidecar of pod/);
    const e = await t.throwsAsync(cluster().podLogs('default', 'two'));
    t.like(e, { code: 'CLUSTER_BAD_REQUEST' });
    t.regex(e!.message, /^Pod default\/two: .*choose one of: \[web sidecar\]/);
    const unknown = await t.throwsAsync(cluster().podLogs('default', 'two', { container: 'nope' }));
    t.like(unknown, { code: 'CLUSTER_BAD_REQUEST' });
  });

  test(`${driver}: a pod that does not exist is CLUSTER_NOT_FOUND`, async (t) => {
    const e = await t.throwsAsync(cluster().podLogs('default', 'missing'));
    t.like(e, { code: 'CLUSTER_NOT_FOUND' });
    t.regex(e!.message, /^Pod default\/missing: /);
  });
}

test('both drivers read the same text', async (t) => {
  for (const options of [{}, { tailLines: 1 }]) {
    t.is(await kube.podLogs('default', 'one', options), await embedded.podLogs('default', 'one', options));
  }
});

test('embedded without a log source: CLUSTER_LOGS_UNAVAILABLE, after NotFound for a missing pod', async (t) => {
  const bare = embeddedCluster(cp.api);
  try {
    const e = await t.throwsAsync(bare.podLogs('default', 'one'));
    t.like(e, { code: 'CLUSTER_LOGS_UNAVAILABLE' });
    t.regex(e!.message, /logs are not available on cluster embedded/);
    t.like(await t.throwsAsync(bare.podLogs('default', 'missing')), { code: 'CLUSTER_NOT_FOUND' });
  } finally {
    await bare.close();
  }
});
