/**
 * One daemon, two destinations: its own embedded control plane and a second control plane
 * (`capstan serve --control-plane-only` in process) reached over HTTPS as a registered
 * cluster. And a restart keeps the applications, their history and a pin.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../../src/boot/index.js';
import type { Application, JsonObject } from '../../../src/core/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';

const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

let root: string;
let gitServer: GitServer;

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-destinations-'));
  gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
});

test.after.always(async () => {
  await gitServer?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const configMap = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata: {value: "${value}"}\n`;

function application(name: string, repo: string, cluster?: string): JsonObject {
  return {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      source: { repoURL: gitServer.repoUrl(`${repo}.git`), targetRevision: 'main' },
      ...(cluster ? { destination: { cluster, namespace: 'default' } } : {}),
      pollInterval: '300ms',
    },
  };
}

const appOf = (capstan: Capstan, name: string) =>
  capstan.controlPlane.api.get(APPS, undefined, name) as unknown as Application;
const readyAt = (capstan: Capstan, name: string, revision: string) =>
  eventually(
    () => {
      const app = appOf(capstan, name);
      const ready = app.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' && app.status?.sync?.revision === revision ? app : undefined;
    },
    90_000,
    50,
  );
const valueIn = (capstan: Capstan, name: string) => {
  try {
    return (capstan.controlPlane.api.get(CONFIGMAPS, 'default', name).data as JsonObject).value;
  } catch {
    return undefined;
  }
};

test('one daemon syncs to its own control plane and to a registered remote one', async (t) => {
  const remote = await startCapstan({
    dataDir: path.join(root, 'remote'),
    port: 0,
    runtime: 'simulated',
    controlPlaneOnly: true,
  });
  const local = await startCapstan({
    dataDir: path.join(root, 'local'),
    port: 0,
    runtime: 'simulated',
    server: false,
  });
  try {
    const here = new WorkTree(createBareRepo(gitServer.root, 'here.git'));
    here.commit({ 'cm.yaml': configMap('here', 'h') });
    here.push();
    const there = new WorkTree(createBareRepo(gitServer.root, 'there.git'));
    there.commit({ 'cm.yaml': configMap('there', 't') });
    there.push();
    const info = await local.daemon!.addCluster({
      name: 'remote',
      server: remote.controlPlane.url!,
      token: remote.controlPlane.token,
      caData: remote.controlPlane.caCert!,
    });
    t.is(info.name, 'remote');
    t.false(JSON.stringify(await local.daemon!.listClusters()).includes(remote.controlPlane.token));

    await local.controlPlane.api.create(APPS, undefined, application('here', 'here'));
    await local.controlPlane.api.create(APPS, undefined, application('there', 'there', 'remote'));
    await readyAt(local, 'here', here.head());
    await readyAt(local, 'there', there.head());
    t.is(valueIn(local, 'here'), 'h');
    t.is(valueIn(local, 'there'), undefined);
    t.is(valueIn(remote, 'there'), 't');
    t.is(valueIn(remote, 'here'), undefined);

    // an unknown destination is retried, not failed: it may be registered later
    await local.controlPlane.api.create(APPS, undefined, application('nowhere', 'here', 'not-yet'));
    const waiting = await eventually(() => {
      const app = appOf(local, 'nowhere');
      return app.status?.conditions?.find(
        (c) => c.type === 'Reconciling' && c.reason === 'RetryingAfterError',
      )
        ? app
        : undefined;
    }, 90_000);
    t.regex(JSON.stringify(waiting.status?.conditions), /not-yet/);
    t.is(waiting.status?.failedRevision, undefined);
  } finally {
    await local.close();
    await remote.close();
  }
});

test('a restart keeps the applications, their history and a pin', async (t) => {
  const work = new WorkTree(createBareRepo(gitServer.root, 'kept.git'));
  const first = work.commit({ 'cm.yaml': configMap('kept', 'one') });
  work.push();
  const dataDir = path.join(root, 'restart');
  let capstan = await startCapstan({ dataDir, port: 0, runtime: 'simulated', server: false });
  try {
    await capstan.controlPlane.api.create(APPS, undefined, application('kept', 'kept'));
    await readyAt(capstan, 'kept', first);
    const second = work.commit({ 'cm.yaml': configMap('kept', 'two') });
    work.push();
    await readyAt(capstan, 'kept', second);
    await capstan.daemon!.requestSync('kept', {
      intent: { type: 'revision', revision: first },
      reason: 'test',
    });
    await eventually(
      () => appOf(capstan, 'kept').status?.pinnedRevision === first && valueIn(capstan, 'kept') === 'one',
      90_000,
    );
  } finally {
    await capstan.close();
  }
  capstan = await startCapstan({ dataDir, port: 0, runtime: 'simulated', server: false });
  try {
    const app = await readyAt(capstan, 'kept', first);
    t.is(app.status?.pinnedRevision, first);
    t.deepEqual(
      app.status?.history?.map((h) => h.revision),
      [first, work.head(), first],
    );
    t.is(valueIn(capstan, 'kept'), 'one');
    // the daemon's own history survived too
    t.true(capstan.daemon!.state.syncs('kept').length >= 3);
  } finally {
    await capstan.close();
  }
});
