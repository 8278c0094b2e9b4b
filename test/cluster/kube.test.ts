/**
 * The Cluster contract through the kube driver, over HTTPS to the embedded control plane's
 * API server, configured from the kubeconfig file it writes; then what only the kube
 * driver does: configuration, unreachable servers, credentials, server-side watch timeouts.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ClusterError, kubeCluster, type ClusterWatchEvent } from '../../src/cluster/index.js';
import { kubeconfigYaml } from '../../src/controlplane/index.js';
import {
  eventually,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../controlplane/helpers.js';
import { clusterContract } from './cluster.contract.js';

let env: TestControlPlane;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cluster-kube-'));

clusterContract('kube', async () => {
  env = await startTestControlPlane(undefined, { controllers: false });
  return {
    cluster: kubeCluster({ kubeconfig: env.kubeconfigPath, watch: { delayMs: 50 } }),
    connect: () => kubeCluster({ kubeconfig: env.kubeconfigPath }),
    cp: env.cp,
    async close() {
      await env.close();
      removeDir(env.dataDir);
      removeDir(tmp);
    },
  };
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function writeConfig(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

test('kube: an unreachable server is CLUSTER_UNREACHABLE naming the URL, never the token', async (t) => {
  const port = await closedPort();
  const server = `https://127.0.0.1:${port}`;
  const file = writeConfig('unreachable', kubeconfigYaml({ server, token: 'very-secret-token' }));
  const cluster = kubeCluster({ kubeconfig: file });
  try {
    t.is(cluster.name, server);
    for (const call of [
      () => cluster.resourceFor('v1', 'ConfigMap'),
      () => cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'x' }),
    ]) {
      const e = await t.throwsAsync(call());
      t.true(e instanceof ClusterError);
      const ce = e as ClusterError;
      t.is(ce.code, 'CLUSTER_UNREACHABLE');
      t.is(ce.reason, 'Unreachable');
      t.true(ce.message.includes(server), ce.message);
      t.false(ce.message.includes('very-secret-token'));
      t.false(JSON.stringify(ce.data).includes('very-secret-token'));
    }
  } finally {
    await cluster.close();
  }
});

test('kube: a wrong token is CLUSTER_UNAUTHORIZED, and the token stays out of the message', async (t) => {
  const file = writeConfig(
    'wrong-token',
    kubeconfigYaml({ server: env.cp.url!, token: 'not-the-token', caCert: env.cp.caCert }),
  );
  const cluster = kubeCluster({ kubeconfig: file });
  try {
    const e = (await t.throwsAsync(cluster.resourceFor('v1', 'ConfigMap'))) as ClusterError;
    t.is(e.code, 'CLUSTER_UNAUTHORIZED');
    t.is(e.status, 401);
    t.false(e.message.includes('not-the-token'));
  } finally {
    await cluster.close();
  }
});

test('kube: the context is chosen by name; unknown contexts and missing files are named', async (t) => {
  const good = kubeconfigYaml({
    server: env.cp.url!,
    token: 'test-token',
    caCert: env.cp.caCert,
    name: 'good',
  });
  const bad = kubeconfigYaml({ server: `https://127.0.0.1:${await closedPort()}`, token: 'x', name: 'bad' });
  // one file, two contexts: the current one ('bad') unreachable
  const merged = good
    .replace(/^clusters:\n/m, `clusters:\n${section(bad, 'clusters')}`)
    .replace(/^users:\n/m, `users:\n${section(bad, 'users')}`)
    .replace(/^contexts:\n/m, `contexts:\n${section(bad, 'contexts')}`)
    .replace(/^current-context: good$/m, 'current-context: bad');
  const file = writeConfig('two-contexts', merged);
  const cluster = kubeCluster({ kubeconfig: file, context: 'good' });
  try {
    t.like(await cluster.resourceFor('v1', 'ConfigMap'), { resource: 'configmaps' });
  } finally {
    await cluster.close();
  }
  t.throws(() => kubeCluster({ kubeconfig: file, context: 'nope' }), {
    message: /no context "nope" \(contexts: (good, bad|bad, good)\)/,
  });
  const missing = path.join(tmp, 'missing');
  t.throws(() => kubeCluster({ kubeconfig: missing }), { message: new RegExp(`^${missing}: `) });
  t.is(
    (t.throws(() => kubeCluster({ kubeconfig: missing })) as { code?: string }).code,
    'KUBECONFIG_NOT_FOUND',
  );
});

test('kube: in-cluster configuration outside a pod is refused with a clear error', (t) => {
  if (process.env.KUBERNETES_SERVICE_HOST) return t.pass('running in a pod');
  const e = t.throws(() => kubeCluster({ inCluster: true })) as { code?: string };
  t.is(e.code, 'KUBECONFIG_NOT_IN_CLUSTER');
});

test('kube: a watch stream the server times out is opened again, nothing repeated', async (t) => {
  const cluster = kubeCluster({ kubeconfig: env.kubeconfigPath, watchTimeoutSeconds: 1 });
  const seen: string[] = [];
  const errors: ClusterError[] = [];
  try {
    const ns = 'kube-timeout';
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const cm = (v: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: ns },
      data: { v },
    });
    await cluster.apply(cm('1'));
    let opened = 0;
    // count the streams the server serves for this namespace (over the contract's own wrapper)
    const previous = env.cp.api.watch;
    env.cp.api.watch = (...args) => {
      if (args[1] === ns) opened++;
      return previous.apply(env.cp.api, args);
    };
    const w = await cluster.watch(
      'v1',
      'ConfigMap',
      { namespace: ns },
      (e: ClusterWatchEvent) => seen.push(`${e.type} ${(e.object.data as Record<string, string>).v}`),
      (e) => errors.push(e),
    );
    await eventually(() => opened >= 3, 8000);
    await cluster.apply(cm('2'));
    await eventually(() => seen.length >= 2);
    w.stop();
    env.cp.api.watch = previous;
    t.deepEqual(seen, ['ADDED 1', 'MODIFIED 2']);
    t.deepEqual(errors, []);
  } finally {
    await cluster.close();
  }
});

/** The entries of a top-level list in a kubeconfig's YAML. */
function section(yaml: string, key: string): string {
  const m = new RegExp(`^${key}:\\n((?:  .*\\n|- .*\\n)+)`, 'm').exec(yaml);
  return m ? m[1] : '';
}
