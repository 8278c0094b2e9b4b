/**
 * `capstan app|project|cluster` end to end: the CLI in a child process against the real
 * daemon (startCapstan in this process, simulated runtime, its HTTP API on a free port)
 * following a real Git repository served by `git http-backend` and pushed to with native
 * git. Each test has applications of its own and they run at once.
 */
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../src/boot/index.js';
import type { Application, JsonObject } from '../../src/core/index.js';
import { runCapstan } from '../helpers/capstan-cli.js';
import { eventually } from '../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../helpers/git-server.js';

const TOKEN = 'cli-e2e-token';
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

let root: string;
let gitServer: GitServer;
let capstan: Capstan;
let env: Record<string, string>;

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cli-e2e-'));
  gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: TOKEN,
    runtime: 'simulated',
    server: { port: 0 },
    ...(process.env.CAPSTAN_TEST_LOG
      ? { log: (level, fields, msg) => console.error(level, JSON.stringify(fields), msg) }
      : {}),
  });
  fs.mkdirSync(path.join(root, 'config'));
  env = {
    CAPSTAN_SERVER: capstan.server!.url,
    CAPSTAN_TOKEN: TOKEN,
    XDG_CONFIG_HOME: path.join(root, 'config'),
  };
});

test.after.always(async () => {
  await capstan?.close();
  await gitServer?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const run = (...args: string[]) => runCapstan(env, ...args);

const configMap = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

function deployment(name: string, version: string, failReadiness = false): string {
  const fail = failReadiness ? '"capstan.dev/simulate-fail": readiness, ' : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: {${fail}version: "${version}"}
    spec:
      containers: [{name: web, image: "example/web:${version}"}]
`;
}

function repo(name: string, files: Record<string, string>): WorkTree {
  const work = new WorkTree(createBareRepo(gitServer.root, `${name}.git`));
  work.commit(files, 'first');
  work.push();
  return work;
}

/**
 * An app.yaml as a user writes it. Syncs are manual (automated off, as Argo CD's default)
 * so that only the CLI's syncs move the application, and a hand edit stays to be seen.
 */
function manifest(name: string, extra = ''): string {
  const file = path.join(root, `${name}.yaml`);
  fs.writeFileSync(
    file,
    `apiVersion: capstan.dev/v1alpha1
kind: Application
metadata:
  name: ${name}
spec:
  source:
    repoURL: ${gitServer.repoUrl(`${name}.git`)}
    targetRevision: main
    path: .
  destination:
    namespace: default
  pollInterval: 300ms
  syncPolicy:
    automated: false
${extra}`,
  );
  return file;
}

const appOf = (name: string) => capstan.controlPlane.api.get(APPS, undefined, name) as unknown as Application;
const liveValue = (name: string) => {
  try {
    return (capstan.controlPlane.api.get(CONFIGMAPS, 'default', name).data as JsonObject).value;
  } catch {
    return undefined;
  }
};
const short = (sha: string) => sha.slice(0, 7);
/** The daemon's poll has seen a push: the (manually synced) application is OutOfSync. */
const pushSeen = (name: string) => eventually(() => appOf(name).status?.sync?.status === 'OutOfSync', 60_000);
const lines = (text: string) => text.trimEnd().split('\n');

test('create, list, get, sync --wait, sync --revision, diff, history, rollback and delete', async (t) => {
  const work = repo('shop', { 'cm.yaml': configMap('shop', 'one'), 'deploy.yaml': deployment('shop', '1') });
  const first = work.head();

  const created = await run('app', 'create', '-f', manifest('shop'));
  t.is(created.status, 0, created.stderr);
  t.is(created.stdout, 'application/shop created\n');

  const listed = await run('app', 'list');
  t.is(listed.status, 0, listed.stderr);
  t.deepEqual(lines(listed.stdout)[0].split(/\s+/), [
    'NAME',
    'PROJECT',
    'DESTINATION',
    'SYNC',
    'HEALTH',
    'REVISION',
    'AGE',
  ]);
  t.regex(listed.stdout, /^shop\s+default\s+in-process\/default\s+OutOfSync\s/m);

  const initial = await run('app', 'sync', 'shop', '--wait', '--timeout', '60s');
  t.is(initial.status, 0, initial.stderr + initial.stdout);
  t.is(lines(initial.stdout).at(-1), `shop is Healthy and Synced at ${short(first)}`);
  const synced = await run('app', 'list');
  t.regex(
    synced.stdout,
    new RegExp(`^shop\\s+default\\s+in-process/default\\s+Synced\\s+Healthy\\s+${short(first)}\\s`, 'm'),
  );

  const got = await run('app', 'get', 'shop', '-o', 'json');
  t.is(got.status, 0, got.stderr);
  const app = JSON.parse(got.stdout) as Application;
  t.is(app.metadata.name, 'shop');
  t.is(app.status?.sync?.revision, first);
  t.deepEqual(app.status?.resources?.map((r) => `${r.kind}/${r.name}`).sort(), [
    'ConfigMap/shop',
    'Deployment/shop',
  ]);

  // a push, then a sync of the newest commit that prints its progress
  const second = work.commit({ 'cm.yaml': configMap('shop', 'two'), 'deploy.yaml': deployment('shop', '2') });
  work.push();
  await pushSeen('shop');
  const sync = await run('app', 'sync', 'shop', '--wait', '--timeout', '60s');
  t.is(sync.status, 0, sync.stderr + sync.stdout);
  const out = lines(sync.stdout);
  t.is(out[0], 'sync of shop queued (newest commit)');
  t.true(out.length >= 3, sync.stdout);
  t.true(
    out.slice(1, -1).some((l) => l.includes(`revision ${short(second)}`)),
    sync.stdout,
  );
  t.is(out.at(-1), `shop is Healthy and Synced at ${short(second)}`);
  t.is(liveValue('shop'), 'two');

  // in sync: no difference; a hand edit of a live object is one (exit 1, as kubectl diff)
  const clean = await run('app', 'diff', 'shop');
  t.is(clean.status, 0, clean.stderr + clean.stdout);
  t.is(clean.stdout, '');
  await capstan.controlPlane.api.patch(
    CONFIGMAPS,
    'default',
    'shop',
    'merge',
    { data: { value: 'hand-edited' } },
    { fieldManager: 'kubectl-edit' },
  );
  const drifted = await run('app', 'diff', 'shop', '--color', 'never');
  t.is(drifted.status, 1, drifted.stderr);
  t.regex(drifted.stdout, /^-\s+value: hand-edited$/m);
  t.regex(drifted.stdout, /^\+\s+value: two$/m);

  // the previous healthy revision other than the one deployed: the first
  const rollback = await run('app', 'rollback', 'shop');
  t.is(rollback.status, 0, rollback.stderr);
  t.is(rollback.stdout, `rollback of shop queued (to ${short(first)})\n`);
  await eventually(
    () =>
      appOf('shop').status?.operationState?.phase === 'Succeeded' &&
      appOf('shop').status?.sync?.revision === first,
    60_000,
  );
  t.is(liveValue('shop'), 'one');

  // exactly the second commit, pinned
  const pinned = await run('app', 'sync', 'shop', '--revision', second, '--wait', '--timeout', '60s');
  t.is(pinned.status, 0, pinned.stderr + pinned.stdout);
  t.is(lines(pinned.stdout)[0], `sync of shop queued (revision ${second})`);
  t.is(lines(pinned.stdout).at(-1), `shop is Healthy and Synced at ${short(second)}`);
  t.is(liveValue('shop'), 'two');
  t.is(appOf('shop').status?.pinnedRevision, second);

  const history = await run('app', 'history', 'shop');
  t.is(history.status, 0, history.stderr);
  const [header, ...rows] = lines(history.stdout);
  t.deepEqual(header.split(/\s+/), ['ID', 'REVISION', 'DEPLOYED', 'RESULT', 'SUBJECT']);
  t.deepEqual(
    rows.map((r) =>
      r
        .split(/\s+/)
        .slice(1, 2)
        .concat(r.includes('(rollback)') ? ['rollback'] : []),
    ),
    [[short(first)], [short(second)], [short(first), 'rollback'], [short(second)]],
  );
  t.true(
    rows.every((r) => /\sSucceeded\s/.test(r)),
    history.stdout,
  );

  const deleted = await run('app', 'delete', 'shop');
  t.is(deleted.status, 0, deleted.stderr);
  t.is(deleted.stdout, 'application/shop deleted\n');
  await eventually(() => liveValue('shop') === undefined, 60_000);
  const gone = await run('app', 'get', 'shop');
  t.is(gone.status, 1);
  t.regex(gone.stderr, /application "shop" not found \[APP_NOT_FOUND\]/);
});

test('a revision that never becomes ready: sync --wait exits 1; after the rollback app wait --health exits 0', async (t) => {
  const work = repo('flaky', { 'deploy.yaml': deployment('flaky', '1') });
  const good = work.head();
  const created = await run('app', 'create', '-f', manifest('flaky', '  healthTimeout: 10s\n'));
  t.is(created.status, 0, created.stderr);
  const ready = await run('app', 'sync', 'flaky', '--wait', '--timeout', '60s');
  t.is(ready.status, 0, ready.stderr + ready.stdout);

  const bad = work.commit({ 'deploy.yaml': deployment('flaky', '2', true) });
  work.push();
  await pushSeen('flaky');
  const sync = await run('app', 'sync', 'flaky', '--wait', '--timeout', '60s');
  t.is(sync.status, 1, sync.stderr + sync.stdout);
  t.true(
    lines(sync.stdout).some((l) => l.startsWith('WaitingHealthy') && l.includes(`revision ${short(bad)}`)),
    sync.stdout,
  );
  t.regex(sync.stderr, new RegExp(`^error: sync of flaky failed \\(rolled back to ${short(good)}\\)`, 'm'));

  const healthy = await run('app', 'wait', 'flaky', '--health', '--timeout', '60s');
  t.is(healthy.status, 0, healthy.stderr + healthy.stdout);
  t.is(lines(healthy.stdout).at(-1), 'flaky is Healthy');
  const after = appOf('flaky').status;
  t.is(after?.sync?.revision, good);
  t.is(after?.failedRevision?.revision, bad);
});

test('project list and cluster list show the built-in default project and in-process cluster', async (t) => {
  const projects = await run('project', 'list');
  t.is(projects.status, 0, projects.stderr);
  t.deepEqual(lines(projects.stdout)[0].split(/\s+/), ['NAME', 'SOURCES', 'DESTINATIONS', 'AGE']);
  t.regex(projects.stdout, /^default\s+\*\s+\*\/\*/m);

  const clusters = await run('cluster', 'list');
  t.is(clusters.status, 0, clusters.stderr);
  t.deepEqual(lines(clusters.stdout)[0].split(/\s+/), ['NAME', 'SERVER', 'ORIGIN', 'STATUS']);
  t.regex(clusters.stdout, /^in-process\s+in-process\s+builtin\s+OK$/m);
});

test('exit code 3 when nothing listens at the server, 4 when the daemon refuses the token', async (t) => {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  const closed = await runCapstan({ ...env, CAPSTAN_SERVER: `http://127.0.0.1:${port}` }, 'app', 'list');
  t.is(closed.status, 3, closed.stderr);
  t.regex(closed.stderr, /cannot reach the Capstan daemon/);

  const refused = await runCapstan({ ...env, CAPSTAN_TOKEN: 'wrong-token' }, 'app', 'list');
  t.is(refused.status, 4, refused.stderr);
  t.notRegex(refused.stderr, /wrong-token/);
});
