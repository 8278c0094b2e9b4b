/**
 * Private repositories for Applications made through the API: credentials registered with
 * `capstan repo add` (the CLI in a child process) or as a Secret applied straight to the
 * daemon's control plane, used without a restart, rotated, removed — and never shown. Real
 * parts: a Git server (git http-backend) that requires basic auth or a bearer token, the
 * daemon as `capstan serve` starts it, its HTTP API.
 *
 * The tests run in order and share one history: each reads what the previous ones left.
 */
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../../src/boot/index.js';
import { embeddedCluster, type Cluster } from '../../../src/cluster/index.js';
import type { Application, Condition, JsonObject, KubeObject } from '../../../src/core/index.js';
import { runCapstan, runCapstanWithInput, type CliRun } from '../../helpers/capstan-cli.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';

const TOKEN = 'repositories-api-token';
const USER = 'deploy';
const FIRST_PASSWORD = 'first-Pa55word-1';
const SECOND_PASSWORD = 'second-Pa55word-2';
const WRONG_PASSWORD = 'wrong-Pa55word-3';
const BEARER = 'bearer-T0ken-4';
const UNUSED_PASSWORD = 'unused-Pa55word-5';
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

let root: string;
let gitServer: GitServer;
let capstan: Capstan;
let local: Cluster;
let env: Record<string, string>;
let shop: WorkTree;
const logs: string[] = [];
/** every answer and output a user could see, checked for secrets at the end */
const seen: string[] = [];

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-repositories-'));
  gitServer = new GitServer({
    root: path.join(root, 'repos'),
    auth: { username: USER, password: FIRST_PASSWORD },
  });
  await gitServer.start();
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: TOKEN,
    runtime: 'simulated',
    server: { port: 0 },
    log: (level, fields, msg) => {
      logs.push(`${level} ${JSON.stringify(fields)} ${msg}`);
      if (process.env.CAPSTAN_TEST_LOG) console.error(level, JSON.stringify(fields), msg);
    },
  });
  local = embeddedCluster(capstan.controlPlane.api);
  fs.mkdirSync(path.join(root, 'config'));
  env = {
    CAPSTAN_SERVER: capstan.server!.url,
    CAPSTAN_TOKEN: TOKEN,
    XDG_CONFIG_HOME: path.join(root, 'config'),
  };
});

test.after.always(async () => {
  await local?.close();
  await capstan?.close();
  await gitServer?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

async function cli(input: string | undefined, ...args: string[]): Promise<CliRun> {
  const run = await runCapstanWithInput(env, input, ...args);
  seen.push(run.stdout, run.stderr);
  return run;
}

async function api(
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(capstan.server!.url + route, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  seen.push(text);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const configMap = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

function repo(name: string, cm: string, value: string): WorkTree {
  const work = new WorkTree(createBareRepo(gitServer.root, `${name}.git`));
  work.commit({ 'cm.yaml': configMap(cm, value) }, 'first');
  work.push();
  return work;
}

/** An Application created through the API, polling its repository often. */
async function createApp(name: string, repoPath: string): Promise<void> {
  const created = await api('POST', '/api/v1/applications', {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      source: { repoURL: gitServer.repoUrl(`${repoPath}.git`), targetRevision: 'main', path: '.' },
      destination: { namespace: 'default' },
      pollInterval: '300ms',
    },
  });
  if (created.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(created.body)}`);
}

const appOf = (name: string) => capstan.controlPlane.api.get(APPS, undefined, name) as unknown as Application;
const ready = (name: string): Condition | undefined =>
  appOf(name).status?.conditions?.find((c) => c.type === 'Ready');
const liveValue = (name: string) => {
  try {
    return (capstan.controlPlane.api.get(CONFIGMAPS, 'default', name).data as JsonObject).value;
  } catch {
    return undefined;
  }
};
const synced = (name: string, revision: string, cm: string, value: string) =>
  eventually(() => appOf(name).status?.sync?.revision === revision && liveValue(cm) === value, 30_000);

function secret(name: string, type: string, stringData: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'capstan-system', labels: { 'capstan.dev/repository': type } },
    stringData,
  };
}

test.serial(
  'an Application of a private repository fails with the auth error until `capstan repo add`, then syncs without a restart',
  async (t) => {
    shop = repo('shop', 'shop', 'one');
    await createApp('shop', 'shop');
    const failing = await eventually(() => ready('shop')?.reason === 'SourceError' && ready('shop'), 30_000);
    t.is(failing.status, 'False');
    t.regex(failing.message, /requires credentials .*HTTP 401.*none are configured.*GIT_AUTH_FAILED/);
    t.is(liveValue('shop'), undefined);

    const added = await cli(
      `${FIRST_PASSWORD}\n`,
      'repo',
      'add',
      gitServer.repoUrl('shop.git'),
      '--username',
      USER,
      '--password-stdin',
    );
    t.is(added.status, 0, added.stderr);
    t.regex(
      added.stdout,
      new RegExp(`^repository ${gitServer.url}/shop added \\(Secret capstan-system/repo-[0-9a-f]{12}\\)\\n$`),
    );
    await synced('shop', shop.head(), 'shop', 'one');
    t.true(gitServer.requests.some((r) => r.user === USER));
  },
);

test.serial(
  'a rotated password: the old one is refused, `repo add` with the new one deploys the next push',
  async (t) => {
    gitServer.auth = { username: USER, password: SECOND_PASSWORD };
    const next = shop.commit({ 'cm.yaml': configMap('shop', 'two') }, 'second');
    shop.push();
    await eventually(() => logs.some((l) => /"app":"shop".*rejected the credentials/.test(l)), 30_000);
    t.is(liveValue('shop'), 'one');

    const rotated = await cli(
      SECOND_PASSWORD,
      'repo',
      'add',
      gitServer.repoUrl('shop.git'),
      '--username',
      USER,
      '--password-stdin',
    );
    t.is(rotated.status, 0, rotated.stderr);
    await synced('shop', next, 'shop', 'two');
    const listed = await api('GET', '/api/v1/repositories');
    t.is((listed.body as { items: unknown[] }).items.length, 1, 'the same Secret, rewritten');
  },
);

test.serial(
  'template Secrets applied directly cover the repositories under their path; the longest wins; a bearer token',
  async (t) => {
    gitServer.bearerToken = BEARER;
    // a template for the whole server with a wrong password, and a longer one for /team with the token
    await local.apply(
      secret('everything', 'template', {
        url: `${gitServer.url}/`,
        username: USER,
        password: WRONG_PASSWORD,
      }),
    );
    await local.apply(secret('team', 'template', { url: `${gitServer.url}/team`, bearerToken: BEARER }));
    const team = repo('team/api', 'team-api', 'one');
    repo('other', 'other', 'one');
    await createApp('team-api', 'team/api');
    await createApp('other', 'other');
    await synced('team-api', team.head(), 'team-api', 'one');
    t.true(gitServer.requests.some((r) => r.user === 'bearer'));
    const refused = await eventually(
      () => ready('other')?.reason === 'SourceError' && ready('other'),
      30_000,
    );
    t.regex(refused.message, /rejected the credentials .*HTTP 401/);

    // the Secret fixed in place: the application syncs without a restart
    await local.apply(
      secret('everything', 'template', {
        url: `${gitServer.url}/`,
        username: USER,
        password: SECOND_PASSWORD,
      }),
    );
    await eventually(() => liveValue('other') === 'one', 30_000);
    t.pass();
  },
);

test.serial('`repo list` shows each Secret without its secrets, and why one cannot be used', async (t) => {
  await local.apply(
    secret('mislabelled', 'repo', { url: `${gitServer.url}/x`, username: USER, password: UNUSED_PASSWORD }),
  );
  await eventually(() => logs.some((l) => l.includes('Secret capstan-system/mislabelled')));
  const table = await cli(undefined, 'repo', 'list');
  t.is(table.status, 0, table.stderr);
  const rows = table.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/\s{3,}/));
  t.deepEqual(rows[0], ['URL', 'TYPE', 'USERNAME', 'AUTH', 'STATUS']);
  t.deepEqual(rows.slice(1, 4), [
    [gitServer.url, 'template', USER, 'password', 'OK'],
    [`${gitServer.url}/shop`, 'repository', USER, 'password', 'OK'],
    [`${gitServer.url}/team`, 'template', 'bearer', 'OK'],
  ]);
  t.regex(
    rows[4].join(' '),
    /^http:\/\/127\.0\.0\.1:\d+\/x repository Error: Secret capstan-system\/mislabelled: label capstan.dev\/repository must be/,
  );
  const json = await cli(undefined, 'repo', 'list', '-o', 'json');
  t.is(json.status, 0, json.stderr);
  const items = (JSON.parse(json.stdout) as { items: Array<Record<string, unknown>> }).items;
  t.like(items[1], { url: `${gitServer.url}/shop`, type: 'repository', username: USER, auth: 'password' });
  t.regex(String(items[1].secret), /^capstan-system\/repo-/);
  const logged = logs.filter((l) => l.includes('mislabelled'));
  t.is(logged.length, 1, 'an unusable Secret is logged once');
});

test.serial('no API answer, status, CLI output or log holds a password or token', async (t) => {
  await api('GET', '/api/v1/repositories');
  await api('GET', '/api/v1/applications');
  for (const name of ['shop', 'team-api', 'other']) await api('GET', `/api/v1/applications/${name}`);
  const secrets = [FIRST_PASSWORD, SECOND_PASSWORD, WRONG_PASSWORD, BEARER, UNUSED_PASSWORD];
  const encoded = secrets.flatMap((s) => [
    Buffer.from(s).toString('base64'),
    Buffer.from(`${USER}:${s}`).toString('base64'),
  ]);
  const everything = [...seen, ...logs, JSON.stringify(['shop', 'team-api', 'other'].map(appOf))].join('\n');
  for (const s of [...secrets, ...encoded]) t.false(everything.includes(s), `${s.slice(0, 6)}… leaked`);
  t.true(logs.length > 0 && seen.length > 5);
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test.serial('`repo remove` deletes the Secret; exit codes 1, 2, 3 and 4', async (t) => {
  const removed = await cli(undefined, 'repo', 'remove', `${gitServer.url}/shop.git`);
  t.is(removed.status, 0, removed.stderr);
  t.regex(
    removed.stdout,
    new RegExp(`^repository ${gitServer.url}/shop removed \\(Secret capstan-system/repo-`),
  );
  const after = (await api('GET', '/api/v1/repositories')).body as { items: Array<{ url: string }> };
  t.false(after.items.some((r) => r.url === `${gitServer.url}/shop`));

  const again = await cli(undefined, 'repo', 'remove', `${gitServer.url}/shop`);
  t.is(again.status, 1);
  t.regex(again.stderr, /no credentials are registered for .*\[REPO_NOT_FOUND\]/);
  const taken = await cli(
    BEARER,
    'repo',
    'add',
    `${gitServer.url}/team/`,
    '--template',
    '--bearer-token-stdin',
  );
  t.is(taken.status, 1);
  t.regex(taken.stderr, /registered by Secret capstan-system\/team.*\[REPO_EXISTS\]/);

  for (const args of [
    ['repo', 'add', `${gitServer.url}/a`],
    ['repo', 'add', `${gitServer.url}/a`, '--password-stdin'],
    ['repo'],
  ]) {
    const usage = await cli('x', ...args);
    t.is(usage.status, 2, `${args.join(' ')}: ${usage.stderr}`);
  }
  const unreachable = await runCapstan(
    { ...env, CAPSTAN_SERVER: `http://127.0.0.1:${await closedPort()}` },
    'repo',
    'list',
  );
  t.is(unreachable.status, 3, unreachable.stderr);
  const unauthorized = await runCapstan({ ...env, CAPSTAN_TOKEN: 'not-the-token' }, 'repo', 'list');
  t.is(unauthorized.status, 4, unauthorized.stderr);
});
