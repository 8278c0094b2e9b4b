/**
 * `capstan app|project|cluster|login` as a user runs them: the real CLI in a child process
 * (through tsx, so the sources are tested) against the application API on a loopback
 * server in this process, over an in-test DaemonApi (test/helpers/app-api-server.ts).
 * Tables, `-o json`, the progress of `sync --wait`, and every exit code.
 */
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Application } from '../../src/core/index.js';
import { application, FakeDaemon, startAppApiServer } from '../helpers/app-api-server.js';
import { runCapstan } from '../helpers/capstan-cli.js';

const TOKEN = 'cli-test-token';
const REV = 'c'.repeat(40);

/** Runs `capstan ...args` with only the environment given (and a config dir of its own). */
const capstan = runCapstan;

function tempDir(t: ExecutionContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A daemon with `shop` Healthy and Synced at REV, served; the env that reaches it. */
async function setup(t: ExecutionContext) {
  const daemon = new FakeDaemon();
  daemon.apps.set(
    'shop',
    application('shop', {
      sync: { status: 'Synced', revision: REV, shortRevision: REV.slice(0, 7) },
      health: { status: 'Healthy' },
    }),
  );
  const server = await startAppApiServer(daemon, TOKEN);
  t.teardown(() => server.close());
  const env = { CAPSTAN_SERVER: server.url, CAPSTAN_TOKEN: TOKEN, XDG_CONFIG_HOME: tempDir(t) };
  return { daemon, server, env, run: (...args: string[]) => capstan(env, ...args) };
}

test('app list prints a table: NAME PROJECT DESTINATION SYNC HEALTH REVISION AGE', async (t) => {
  const { run } = await setup(t);
  const r = await run('app', 'list');
  t.is(r.status, 0, r.stderr);
  const [header, row] = r.stdout.trimEnd().split('\n');
  t.deepEqual(header.split(/\s+/), ['NAME', 'PROJECT', 'DESTINATION', 'SYNC', 'HEALTH', 'REVISION', 'AGE']);
  // created an hour ago: kubectl prints 60m below 3 h
  t.deepEqual(row.split(/\s+/), [
    'shop',
    'default',
    'in-process/shop',
    'Synced',
    'Healthy',
    'ccccccc',
    '60m',
  ]);
  const wide = await run('app', 'list', '-o', 'wide');
  t.regex(wide.stdout.split('\n')[0], /AGE\s+REPO\s+PATH\s+TARGET\s+OPERATION\s+MESSAGE/);
  t.regex(wide.stdout, /http:\/\/git\.example\/shop\.git\s+deploy\s+main/);
});

test('-o json and -o yaml print the objects', async (t) => {
  const { run } = await setup(t);
  const json = await run('app', 'list', '-o', 'json');
  t.is(json.status, 0, json.stderr);
  const list = JSON.parse(json.stdout) as { items: Application[] };
  t.is(list.items[0].status?.sync?.revision, REV);
  const yaml = await run('app', 'get', 'shop', '-o', 'yaml');
  t.regex(yaml.stdout, /^apiVersion: capstan\.dev\/v1alpha1\n/);
});

test('app get shows source, destination, sync and health; a missing one exits 1 with its code', async (t) => {
  const { run } = await setup(t);
  const r = await run('app', 'get', 'shop');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /Destination:\s+in-process\/shop/);
  t.regex(r.stdout, /Sync:\s+Synced at ccccccc/);
  t.regex(r.stdout, /Health:\s+Healthy/);
  const missing = await run('app', 'get', 'nope');
  t.is(missing.status, 1);
  t.regex(missing.stderr, /application "nope" not found \[APP_NOT_FOUND\]/);
});

test('app create -f, set and delete write through the API', async (t) => {
  const { run, daemon } = await setup(t);
  const file = path.join(tempDir(t), 'cart.yaml');
  fs.writeFileSync(
    file,
    'apiVersion: capstan.dev/v1alpha1\nkind: Application\nmetadata:\n  name: cart\nspec:\n  source:\n    repoURL: http://git.example/cart.git\n',
  );
  const created = await run('app', 'create', '-f', file);
  t.is(created.status, 0, created.stderr);
  t.is(created.stdout, 'application/cart created\n');
  t.is(daemon.apps.get('cart')?.spec.source.repoURL, 'http://git.example/cart.git');

  const set = await run('app', 'set', 'cart', '--revision', 'release', '--path', 'k8s', '--auto-sync=false');
  t.is(set.status, 0, set.stderr);
  const spec = daemon.apps.get('cart')!.spec;
  t.deepEqual(spec.source, {
    repoURL: 'http://git.example/cart.git',
    targetRevision: 'release',
    path: 'k8s',
  });
  t.is(spec.syncPolicy?.automated, false);

  const deleted = await run('app', 'delete', 'cart', '--cascade=false');
  t.is(deleted.status, 0, deleted.stderr);
  t.deepEqual(daemon.callsOf('deleteApplication'), [['cart', { cascade: false }]]);
});

test('app sync --wait prints each step of the operation until Healthy and Synced (exit 0)', async (t) => {
  const { run, daemon } = await setup(t);
  daemon.progress.set('shop', [
    { operationState: { revision: REV, wave: 'Sync/0', applied: 1, message: 'applying wave Sync/0' } },
    { operationState: { wave: 'Sync/1', applied: 3, message: 'applying wave Sync/1' } },
    {
      operationState: { phase: 'WaitingHealthy', message: 'waiting for Deployment shop/web' },
      health: { status: 'Progressing' },
    },
    {
      operationState: { phase: 'Succeeded', message: 'synced' },
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: REV },
    },
  ]);
  const r = await run('app', 'sync', 'shop', '--wait', '--timeout', '1m');
  t.is(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.is(lines[0], 'sync of shop queued (newest commit)');
  const steps = [
    /^Running: queued/,
    /^Running {2}revision ccccccc {2}wave Sync\/0 {2}applied 1: applying wave Sync\/0/,
    /^Running {2}revision ccccccc {2}wave Sync\/1 {2}applied 3: applying wave Sync\/1/,
    /^WaitingHealthy .*waiting for Deployment shop\/web \[Synced, Progressing\]/,
    /^Succeeded .*: synced \[Synced, Healthy\]/,
    /^shop is Healthy and Synced at ccccccc$/,
  ];
  t.is(lines.length, steps.length + 1, r.stdout);
  steps.forEach((re, i) => t.regex(lines[i + 1], re));
  t.deepEqual(daemon.callsOf('requestSync')[0][1], {
    intent: { type: 'follow' },
    reason: 'manual sync (API)',
  });
});

test('app sync --wait of a revision that fails and rolls back exits 1', async (t) => {
  const { run, daemon } = await setup(t);
  daemon.progress.set('shop', [
    {
      operationState: {
        phase: 'Failed',
        message: 'Deployment shop/web: readiness probe failed',
        rolledBackTo: 'a'.repeat(40),
      },
      health: { status: 'Degraded' },
    },
  ]);
  const r = await run('app', 'sync', 'shop', '--revision', 'deadbeef', '--prune', '--wait');
  t.is(r.status, 1);
  t.regex(r.stdout, /^sync of shop queued \(revision deadbeef\)/);
  t.regex(
    r.stderr,
    /error: sync of shop failed \(rolled back to aaaaaaa\): Deployment shop\/web: readiness probe failed/,
  );
  t.deepEqual(daemon.callsOf('requestSync')[0][1], {
    intent: { type: 'revision', revision: 'deadbeef' },
    reason: 'manual sync (API)',
    prune: true,
  });
});

test('app sync --dry-run and app diff show what would change; diff exits 1 when anything would', async (t) => {
  const { run, daemon } = await setup(t);
  daemon.diffs.set('shop', {
    revision: REV,
    objects: [
      {
        object: 'apps/Deployment/shop/web',
        action: 'update',
        diff: '-  replicas: 1\n+  replicas: 3',
        patch: [],
      },
      { object: '/ConfigMap/shop/cfg', action: 'unchanged', diff: '', patch: [] },
    ],
  });
  const dry = await run('app', 'sync', 'shop', '--dry-run');
  t.is(dry.status, 0, dry.stderr);
  t.regex(dry.stdout, /would update apps\/Deployment\/shop\/web/);
  t.notRegex(dry.stdout, /ConfigMap/);
  t.is(daemon.callsOf('requestSync').length, 0, 'a dry run syncs nothing');

  const diff = await run('app', 'diff', 'shop');
  t.is(diff.status, 1);
  t.is(diff.stdout, '-  replicas: 1\n+  replicas: 3\n');
  daemon.diffs.set('shop', { revision: REV, objects: [] });
  const same = await run('app', 'diff', 'shop');
  t.is(same.status, 0, same.stderr);
  t.is(same.stdout, '');
});

test('app history, rollback, logs and wait', async (t) => {
  const { run, daemon } = await setup(t);
  daemon.histories.set('shop', [
    { id: 1, revision: 'a'.repeat(40), digest: 'x', deployedAt: '2030-01-01T00:00:00Z', result: 'Succeeded' },
    {
      id: 2,
      revision: REV,
      digest: 'y',
      deployedAt: '2030-01-02T00:00:00Z',
      result: 'Succeeded',
      subject: 'v2',
    },
  ]);
  const history = await run('app', 'history', 'shop');
  t.is(history.status, 0, history.stderr);
  t.regex(
    history.stdout,
    /^ID\s+REVISION\s+DEPLOYED\s+RESULT\s+SUBJECT\n1\s+aaaaaaa\s+.*\n2\s+ccccccc\s+.*Succeeded\s+v2\n$/,
  );

  const rollback = await run('app', 'rollback', 'shop');
  t.is(rollback.status, 0, rollback.stderr);
  t.is(rollback.stdout, 'rollback of shop queued (to aaaaaaa)\n');

  const logs = await run('app', 'logs', 'shop', '--tail', '2');
  t.is(logs.stdout, '[shop-web-1/web] listening on :8080\n[shop-web-1/web] GET / 200\n');

  const wait = await run('app', 'wait', 'shop', '--health', '--timeout', '10s');
  t.is(wait.status, 0, wait.stderr);
  t.regex(wait.stdout, /shop is Healthy\n$/);
  daemon.apps.get('shop')!.status!.health = { status: 'Degraded', message: 'pod shop-web-1 crash-looping' };
  const degraded = await run('app', 'wait', 'shop');
  t.is(degraded.status, 1);
  t.regex(degraded.stderr, /shop is Degraded: pod shop-web-1 crash-looping/);
});

test('project and cluster commands', async (t) => {
  const { run, daemon } = await setup(t);
  daemon.projects.set('team-a', {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'team-a' },
    spec: {
      sourceRepos: ['http://git.example/*'],
      destinations: [{ cluster: 'in-process', namespace: 'team-a-*' }],
    },
  });
  const projects = await run('project', 'list');
  t.is(projects.status, 0, projects.stderr);
  t.regex(
    projects.stdout,
    /^NAME\s+SOURCES\s+DESTINATIONS\s+AGE\nteam-a\s+http:\/\/git\.example\/\*\s+in-process\/team-a-\*/,
  );

  const ca = path.join(tempDir(t), 'ca.pem');
  fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const added = await run(
    'cluster',
    'add',
    'prod',
    '--server',
    'https://prod:6443',
    '--token',
    'prod-token',
    '--ca-file',
    ca,
  );
  t.is(added.status, 0, added.stderr);
  t.deepEqual(daemon.callsOf('addCluster')[0][0], {
    name: 'prod',
    server: 'https://prod:6443',
    token: 'prod-token',
    caData: fs.readFileSync(ca, 'utf8'),
  });
  const clusters = await run('cluster', 'list');
  t.regex(
    clusters.stdout,
    /^NAME\s+SERVER\s+ORIGIN\s+STATUS\nin-process\s+in-process\s+builtin\s+OK\nprod\s+https:\/\/prod:6443\s+secret\s+OK\n$/,
  );
});

test('login checks the token and keeps server and token in $XDG_CONFIG_HOME (0600) for later commands', async (t) => {
  const { server } = await setup(t);
  const config = tempDir(t);
  const env = { XDG_CONFIG_HOME: config };
  const refused = await capstan(env, 'login', '--server', server.url, '--token', 'wrong');
  t.is(refused.status, 4);
  t.false(fs.existsSync(path.join(config, 'capstan', 'config.yaml')));
  const login = await capstan(env, 'login', '--server', server.url, '--token', TOKEN);
  t.is(login.status, 0, login.stderr);
  const file = path.join(config, 'capstan', 'config.yaml');
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  t.is(fs.readFileSync(file, 'utf8'), `server: ${server.url}\ntoken: ${TOKEN}\n`);
  const list = await capstan(env, 'app', 'list', '-o', 'json');
  t.is(list.status, 0, list.stderr);
  // flags beat the file
  const flagged = await capstan(env, 'app', 'list', '--token', 'wrong');
  t.is(flagged.status, 4);
});

test('exit codes: 2 usage, 3 daemon unreachable, 4 unauthorized; help documents them', async (t) => {
  const { run, env } = await setup(t);
  // each a different check (the command-line parser, positionals, a flag's value, a command's own)
  for (const args of [
    ['app', 'bogus'],
    ['app', 'sync'],
    ['app', 'list', '-o', 'xml'],
    ['app', 'set', 'shop'],
  ]) {
    const r = await run(...args);
    t.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /\[CLI_USAGE\]/);
  }
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  const unreachable = await capstan({ ...env, CAPSTAN_SERVER: `http://127.0.0.1:${port}` }, 'app', 'list');
  t.is(unreachable.status, 3);
  t.regex(
    unreachable.stderr,
    /cannot reach the Capstan daemon at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
  );
  const unauthorized = await capstan({ ...env, CAPSTAN_TOKEN: 'bad' }, 'app', 'list');
  t.is(unauthorized.status, 4);
  t.notRegex(unauthorized.stderr, /bad/);
  const help = await run('help');
  t.is(help.status, 0);
  t.regex(
    help.stdout,
    /Exit codes:\n {2}0 {2}success\n {2}1 {2}failed.*\n.*\n {2}2 {2}usage.*\n {2}3 {2}cannot reach the daemon\n {2}4 {2}unauthorized/,
  );
});
