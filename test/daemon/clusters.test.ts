/**
 * Destination clusters: two embedded control planes, the first the daemon's own, the second
 * a "remote" reached over its HTTPS API with its token and CA — registered by a Secret in
 * the first, by `add()`, or by the configuration file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { embeddedCluster, type Cluster } from '../../src/cluster/index.js';
import { kubeconfigYaml } from '../../src/controlplane/index.js';
import { CLUSTER_SECRET_LABEL, isCapstanError, parseConfig, type KubeObject } from '../../src/core/index.js';
import { CLUSTER_SECRET_NAMESPACE, ClusterRegistry, type ClusterChange } from '../../src/daemon/clusters.js';
import {
  eventually,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../controlplane/helpers.js';

const TOKEN = 'test-token';
let home: TestControlPlane;
let remote: TestControlPlane;
let local: Cluster;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-clusters-'));

test.before(async () => {
  [home, remote] = await Promise.all([
    startTestControlPlane(undefined, { controllers: false }),
    startTestControlPlane(undefined, { controllers: false }),
  ]);
  local = embeddedCluster(home.cp.api);
  await local.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: CLUSTER_SECRET_NAMESPACE } });
});

test.after.always(async () => {
  await local?.close();
  await Promise.all([home?.close(), remote?.close()]);
  for (const dir of [home?.dataDir, remote?.dataDir, tmp]) if (dir) removeDir(dir);
});

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function clusterSecret(secretName: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretName,
      namespace: CLUSTER_SECRET_NAMESPACE,
      labels: { [CLUSTER_SECRET_LABEL]: 'true' },
    },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

const secretRef = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  namespace: CLUSTER_SECRET_NAMESPACE,
  name,
});

function configMap(name: string, value: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
    data: { value },
  };
}

/** The ConfigMap's value as the remote control plane itself stores it. */
function remoteValue(name: string): unknown {
  try {
    const cm = remote.cp.api.get(
      { group: '', version: 'v1', resource: 'configmaps' },
      'default',
      name,
    ) as KubeObject;
    return (cm.data as Record<string, string>).value;
  } catch {
    return undefined;
  }
}

function notFound(registry: ClusterRegistry, name: string): boolean {
  try {
    registry.get(name);
    return false;
  } catch (e) {
    return isCapstanError(e) && e.code === 'CLUSTER_NOT_FOUND';
  }
}

test.serial(
  'a labelled Secret adds a cluster, a change replaces its driver, deleting it removes it',
  async (t) => {
    const lines: string[] = [];
    const registry = await ClusterRegistry.start({ api: home.cp.api, log: (l) => lines.push(l) });
    const changes: ClusterChange[] = [];
    registry.onChange((c) => changes.push(c));
    try {
      t.is(registry.defaultName, 'in-process');
      t.true(notFound(registry, 'remote'));
      await local.apply(
        clusterSecret('remote-secret', {
          name: 'remote',
          server: remote.cp.url!,
          token: TOKEN,
          caData: remote.cp.caCert!,
        }),
      );
      const cluster = await eventually(() => !notFound(registry, 'remote') && registry.get('remote'));
      await cluster.apply(configMap('through-secret', 'one'));
      t.is(remoteValue('through-secret'), 'one');
      t.is(
        await registry
          .get('in-process')
          .get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'through-secret' }),
        undefined,
      );

      const listed = registry.list();
      t.deepEqual(listed, [
        { name: 'in-process', server: 'in-process', origin: 'builtin' },
        { name: 'remote', server: remote.cp.url!.replace(/\/$/, ''), origin: 'secret' },
      ]);
      t.false(JSON.stringify(listed).includes(TOKEN));

      // a change to the data makes a new driver; a label-only change does not
      await local.apply({
        ...clusterSecret('remote-secret', {
          name: 'remote',
          server: remote.cp.url!,
          token: TOKEN,
          caData: b64(remote.cp.caCert!),
        }),
      });
      const replaced = await eventually(() => registry.get('remote') !== cluster && registry.get('remote'));
      t.deepEqual(changes, [
        { type: 'added', name: 'remote' },
        { type: 'replaced', name: 'remote' },
      ]);
      await replaced.apply(configMap('through-secret', 'two'));
      t.is(remoteValue('through-secret'), 'two');
      await local.apply({
        ...clusterSecret('remote-secret', {
          name: 'remote',
          server: remote.cp.url!,
          token: TOKEN,
          caData: b64(remote.cp.caCert!),
        }),
        metadata: {
          name: 'remote-secret',
          namespace: CLUSTER_SECRET_NAMESPACE,
          labels: { [CLUSTER_SECRET_LABEL]: 'true', team: 'a' },
        },
      });
      // watch events come in order: once a later Secret is seen, so was the label change
      await local.apply(
        clusterSecret('marker', {
          name: 'marker',
          server: remote.cp.url!,
          token: TOKEN,
          caData: remote.cp.caCert!,
        }),
      );
      await eventually(() => changes.some((c) => c.name === 'marker'));
      t.is(registry.get('remote'), replaced);

      await local.delete(secretRef('remote-secret'));
      await eventually(() => notFound(registry, 'remote'));
      const e = t.throws(() => registry.get('remote'));
      t.true(isCapstanError(e));
      t.regex(e!.message, /no destination cluster "remote" \(clusters: in-process, marker\)/);
      t.deepEqual(changes.slice(2), [
        { type: 'added', name: 'marker' },
        { type: 'removed', name: 'remote' },
      ]);
      t.deepEqual(lines, []);
      await local.delete(secretRef('marker'));
      await eventually(() => notFound(registry, 'marker'));
    } finally {
      await registry.close();
    }
  },
);

test.serial('add() writes the Secret and the cluster is usable when it resolves', async (t) => {
  const registry = await ClusterRegistry.start({ api: home.cp.api });
  try {
    const info = await registry.add({
      name: 'added',
      server: remote.cp.url!,
      token: TOKEN,
      caData: remote.cp.caCert!,
    });
    t.deepEqual(info, { name: 'added', server: remote.cp.url!.replace(/\/$/, ''), origin: 'secret' });
    await registry.get('added').apply(configMap('through-add', 'added'));
    t.is(remoteValue('through-add'), 'added');

    const secret = await local.get(secretRef('cluster-added'));
    t.is(secret?.metadata.labels?.[CLUSTER_SECRET_LABEL], 'true');
    t.is(Buffer.from((secret!.data as Record<string, string>).token, 'base64').toString(), TOKEN);

    // a second registry (a restarted daemon) finds it at start
    const again = await ClusterRegistry.start({ api: home.cp.api });
    try {
      t.true(
        (await again
          .get('added')
          .get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'through-add' })) !==
          undefined,
      );
    } finally {
      await again.close();
    }

    for (const name of ['in-process', 'Bad_Name']) {
      const e = await t.throwsAsync(registry.add({ name, server: remote.cp.url!, token: TOKEN }));
      t.is((e as { code?: string }).code, 'CLUSTER_REGISTRATION_INVALID', e?.message);
    }
    await local.delete(secretRef('cluster-added'));
    await eventually(() => notFound(registry, 'added'));
  } finally {
    await registry.close();
  }
});

test.serial('a kubeconfig Secret (with a context) registers a cluster', async (t) => {
  const registry = await ClusterRegistry.start({ api: home.cp.api });
  try {
    const kubeconfig = kubeconfigYaml({
      server: remote.cp.url!,
      token: TOKEN,
      caCert: remote.cp.caCert,
      name: 'far',
    });
    await local.apply(clusterSecret('by-kubeconfig', { name: 'far', kubeconfig, context: 'far' }));
    const cluster = await eventually(() => !notFound(registry, 'far') && registry.get('far'));
    await cluster.apply(configMap('through-kubeconfig', 'k'));
    t.is(remoteValue('through-kubeconfig'), 'k');
    t.false(JSON.stringify(registry.list()).includes(TOKEN));
    await local.delete(secretRef('by-kubeconfig'));
    await eventually(() => notFound(registry, 'far'));
  } finally {
    await registry.close();
  }
});

test.serial(
  'an unusable Secret is listed with its error, and get() says why, never with the token',
  async (t) => {
    const lines: string[] = [];
    const registry = await ClusterRegistry.start({ api: home.cp.api, log: (l) => lines.push(l) });
    try {
      await local.apply(clusterSecret('half', { name: 'half', server: remote.cp.url!, caData: 'secret-ca' }));
      await local.apply(
        clusterSecret('bad-kubeconfig', { name: 'broken', kubeconfig: `token: ${TOKEN}\n  : [` }),
      );
      await local.apply(clusterSecret('clash', { name: 'in-process', server: remote.cp.url!, token: TOKEN }));
      const listed = await eventually(() => {
        const l = registry.list();
        return l.length === 3 && l;
      });
      t.is(listed[0].name, 'broken');
      t.regex(listed[0].error!, /Secret capstan-system\/bad-kubeconfig: not a valid kubeconfig/);
      t.is(listed[1].name, 'half');
      t.regex(listed[1].error!, /Secret capstan-system\/half: give data.server and data.token/);
      t.is(listed[2].name, 'in-process');
      t.is(listed[2].origin, 'builtin');
      const e = t.throws(() => registry.get('half'));
      t.is((e as { code?: string }).code, 'CLUSTER_REGISTRATION_INVALID');
      t.true(
        lines.some((l) =>
          /Secret capstan-system\/clash: cluster "in-process" is already registered by the daemon itself/.test(
            l,
          ),
        ),
        lines.join('\n'),
      );
      t.false(JSON.stringify([listed, lines]).includes(TOKEN));
      await Promise.all(['half', 'bad-kubeconfig', 'clash'].map((n) => local.delete(secretRef(n))));
      await eventually(() => registry.list().length === 1);
    } finally {
      await registry.close();
    }
  },
);

test.serial('list() shows a cluster that refuses its credentials until a call succeeds', async (t) => {
  const registry = await ClusterRegistry.start({ api: home.cp.api });
  try {
    const wrong = { name: 'wrong', server: remote.cp.url!, caData: remote.cp.caCert! };
    await local.apply(clusterSecret('wrong', { ...wrong, token: 'not-the-token' }));
    const cluster = await eventually(() => !notFound(registry, 'wrong') && registry.get('wrong'));
    t.is(registry.list().find((c) => c.name === 'wrong')!.error, undefined);
    const e = await t.throwsAsync(cluster.apply(configMap('refused', 'x')));
    t.is((e as { code?: string }).code, 'CLUSTER_UNAUTHORIZED');
    const error = registry.list().find((c) => c.name === 'wrong')!.error;
    t.is(error, e!.message);
    t.false(error!.includes('not-the-token'));

    await local.apply(clusterSecret('wrong', { ...wrong, token: TOKEN }));
    const fixed = await eventually(() => registry.get('wrong') !== cluster && registry.get('wrong'));
    await fixed.apply(configMap('accepted', 'y'));
    t.is(remoteValue('accepted'), 'y');
    t.is(registry.list().find((c) => c.name === 'wrong')!.error, undefined);
    await local.delete(secretRef('wrong'));
    await eventually(() => notFound(registry, 'wrong'));
  } finally {
    await registry.close();
  }
});

test.serial(
  'configuration file: cluster: is `default`, clusters: by server and token or kubeconfig',
  async (t) => {
    const caFile = path.join(tmp, 'remote-ca.pem');
    fs.writeFileSync(caFile, remote.cp.caCert!);
    const tokenFile = path.join(tmp, 'remote-token');
    fs.writeFileSync(tokenFile, `${TOKEN}\n`);
    const file = path.join(tmp, 'capstan.yaml');
    const { daemon } = parseConfig(
      `apiVersion: capstan.dev/v1alpha1
kind: CapstanConfig
cluster: { kubeconfig: ${remote.kubeconfigPath} }
clusters:
  - { name: edge, server: "${remote.cp.url}", tokenEnv: EDGE_TOKEN, caFile: remote-ca.pem }
  - { name: edge-file, server: "${remote.cp.url}", tokenFile: remote-token, caFile: remote-ca.pem }
  - { name: prod, kubeconfig: ${remote.kubeconfigPath}, context: capstan }
`,
      file,
    );
    const lines: string[] = [];
    const registry = await ClusterRegistry.start({
      api: home.cp.api,
      config: daemon,
      env: { EDGE_TOKEN: TOKEN },
      log: (l) => lines.push(l),
    });
    try {
      t.is(registry.defaultName, 'default');
      t.deepEqual(
        registry.list().map((c) => [c.name, c.origin]),
        [
          ['default', 'config'],
          ['edge', 'config'],
          ['edge-file', 'config'],
          ['in-process', 'builtin'],
          ['prod', 'config'],
        ],
      );
      t.false(JSON.stringify(registry.list()).includes(TOKEN));
      for (const name of ['default', 'edge', 'edge-file', 'prod']) {
        await registry.get(name).apply(configMap(`from-${name}`, name));
        t.is(remoteValue(`from-${name}`), name);
      }
      // a Secret cannot take over a name the file holds
      await local.apply(
        clusterSecret('takeover', { name: 'edge', server: 'https://127.0.0.1:1', token: 'x' }),
      );
      await eventually(() =>
        lines.some((l) => l.includes('"edge" is already registered by the configuration file')),
      );
      t.is(registry.list().find((c) => c.name === 'edge')!.server, remote.cp.url!.replace(/\/$/, ''));
      const e = await t.throwsAsync(registry.add({ name: 'prod', server: remote.cp.url!, token: TOKEN }));
      t.regex(e!.message, /set in the configuration file/);
      await local.delete(secretRef('takeover'));
    } finally {
      await registry.close();
    }
    const missing = await t.throwsAsync(ClusterRegistry.start({ api: home.cp.api, config: daemon, env: {} }));
    t.is((missing as { code?: string }).code, 'SECRET_MISSING');
    t.regex(missing!.message, /clusters: edge: the environment variable EDGE_TOKEN is not set/);
  },
);
