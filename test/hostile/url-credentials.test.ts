/**
 * A password written into a repoURL (`http://user:password@host/repo`) works — it is sent
 * as basic auth — but never comes out again: the daemon warns at start, and the API's
 * answers, the state store, the control plane's Events and the daemon's log carry the URL
 * without it, for an application that syncs and for one whose repository does not exist.
 */
import test from 'ava';
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DaemonConfig } from '../../src/core/index.js';
import { startDaemon, type Daemon } from '../../src/daemon/index.js';
import { startServer, type Server } from '../../src/server/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../helpers/git-server.js';

const TOKEN = 'url-credentials-token';
const USER = 'deployer';
const PASSWORD = 'pw-in-the-url-s3cr3t';

let root: string;
let gitServer: GitServer;
let daemon: Daemon;
let server: Server;
const logLines: string[] = [];

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-url-credentials-'));
  gitServer = new GitServer({ root: path.join(root, 'repos'), auth: { username: USER, password: PASSWORD } });
  await gitServer.start();
  const work = new WorkTree(createBareRepo(gitServer.root, 'app.git'));
  work.commit(
    {
      'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greeting}\ndata: {text: hello}\n',
    },
    'v1',
  );
  work.push();
  const withPassword = (repo: string) =>
    gitServer.repoUrl(repo).replace('http://', `http://${USER}:${PASSWORD}@`);
  const config: DaemonConfig = {
    server: {},
    queue: {},
    webhooks: { secrets: {} },
    applications: ['app.git', 'missing.git'].map((repo) => ({
      name: repo.replace('.git', ''),
      source: { repoURL: withPassword(repo), targetRevision: 'main', path: 'app' },
      namespace: 'default',
      syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
      healthTimeoutMs: 10_000,
    })),
  };
  daemon = await startDaemon({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    config,
    pollMs: 100,
    log: (line) => logLines.push(line),
  });
  server = await startServer({ daemon, token: TOKEN, port: 0 });
});

test.after.always(async () => {
  await server?.close();
  await daemon?.close();
  await gitServer?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

async function get(route: string): Promise<string> {
  const res = await fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return `${route} → ${res.status}: ${await res.text()}`;
}

test('a password in a repoURL is used, warned about, and appears in no output', async (t) => {
  // the password in the URL authenticates: the application syncs
  const synced = await eventually(
    () => daemon.sync.state.syncs('app', 10).find((s) => s.finishedAt !== undefined),
    40_000,
    100,
  );
  t.is(synced.result, 'Succeeded', synced.message);
  // the other one fails to fetch, with the URL in its error
  const failed = await eventually(() => daemon.sync.application('missing')?.sourceError, 40_000, 100);
  t.regex(failed, /missing\.git/);

  for (const name of ['app', 'missing']) {
    const warning = logLines.find((l) => l.includes(`applications.${name}.source.repoURL`));
    t.truthy(warning, `no warning for ${name} in:\n${logLines.join('\n')}`);
    t.regex(warning!, /credentials:/);
  }

  const outputs: Array<[string, string]> = [];
  const list = await get('/api/v1/applications');
  outputs.push(['GET /applications', list]);
  // the URL is still shown, without its user info
  t.true(list.includes(`"repoURL":"${gitServer.repoUrl('app.git')}"`), list);
  for (const name of ['app', 'missing']) {
    for (const route of ['', '/syncs', '/diff'])
      outputs.push([`GET ${name}${route}`, await get(`/api/v1/applications/${name}${route}`)]);
  }
  const db = new BetterSqlite3(path.join(root, 'data', 'daemon', 'daemon.db'), { readonly: true });
  try {
    for (const table of ['syncs', 'app_state', 'pull_requests', 'revisions'])
      outputs.push([`table ${table}`, JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all())]);
  } finally {
    db.close();
  }
  const events = daemon.controlPlane.api.list({ group: '', version: 'v1', resource: 'events' }, undefined);
  outputs.push(['Events', JSON.stringify(events)]);
  outputs.push(['log', logLines.join('\n')]);

  const encoded = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  for (const [where, text] of outputs) {
    for (const secret of [PASSWORD, encoded, `${USER}:`])
      t.false(text.includes(secret), `${where} holds ${secret}: ${text.slice(0, 2000)}`);
  }
});
