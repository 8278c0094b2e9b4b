/**
 * From `git push` to a sync, with real parts: a Git smart-HTTP server (git http-backend,
 * basic auth), commits pushed with the native git client, the daemon with its HTTP server,
 * signed webhooks over HTTP, the in-process queue, and a local directory watched on disk.
 */
import test from 'ava';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DaemonConfig } from '../../../src/core/index.js';
import { startDaemon, type Daemon, type SyncRecord } from '../../../src/daemon/index.js';
import { startServer, type Server } from '../../../src/server/index.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';
import { eventually } from '../../helpers/eventually.js';

const SECRET = 'hook-secret';
const TOKEN = 'api-token';
const AUTH = { username: 'deploy', password: 'pa55word' };

let root: string;
let gitServer: GitServer;
let work: WorkTree;
let localDir: string;
let daemon: Daemon;
let server: Server;

const configMap = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-triggers-'));
  gitServer = new GitServer({ root: path.join(root, 'repos'), auth: AUTH });
  await gitServer.start();
  const bare = createBareRepo(gitServer.root, 'shop.git');
  work = new WorkTree(bare);
  work.commit({
    'k8s/kustomization.yaml': 'resources: [config.yaml]\n',
    'k8s/config.yaml': configMap('shop', 'v1'),
    'docs/README.md': 'docs\n',
  });
  work.push();
  work.checkout('dev');
  work.push();
  work.checkout('main');
  localDir = path.join(root, 'local-app');
  fs.mkdirSync(localDir);
  fs.writeFileSync(path.join(localDir, 'config.yaml'), configMap('local', '1'));
  process.env.TEST_HOOK_SECRET = SECRET;
  process.env.TEST_GIT_USER = AUTH.username;
  process.env.TEST_GIT_PASSWORD = AUTH.password;
  const syncPolicy = { prune: true, selfHeal: false, autoRollback: true };
  const credentials = { env: { username: 'TEST_GIT_USER', password: 'TEST_GIT_PASSWORD' } };
  const repoURL = `${gitServer.repoUrl('shop.git')}`;
  const config: DaemonConfig = {
    server: {},
    queue: {},
    webhooks: { secrets: { github: { env: 'TEST_HOOK_SECRET' } } },
    applications: [
      { name: 'shop', source: { repoURL, targetRevision: 'main', path: 'k8s' }, credentials, syncPolicy },
      {
        name: 'shop-dev',
        source: { repoURL, targetRevision: 'dev', path: 'k8s' },
        namespace: 'kube-public',
        credentials,
        syncPolicy,
      },
      { name: 'local', source: { repoURL: localDir, targetRevision: 'HEAD', path: '.' }, syncPolicy },
    ],
  };
  daemon = await startDaemon({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: TOKEN,
    runtime: 'simulated',
    config,
  });
  server = await startServer({ daemon, token: TOKEN, port: 0 });
});

test.after.always(async () => {
  await server?.close();
  await daemon?.close();
  await gitServer?.stop();
  work?.remove();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const syncs = (app: string): SyncRecord[] => daemon.sync.state.syncs(app, 1000);
const finished = (app: string) => syncs(app).filter((s) => s.finishedAt !== undefined);

function pushEvent(after: string, branch = 'main', files = ['k8s/config.yaml']) {
  return JSON.stringify({
    ref: `refs/heads/${branch}`,
    after,
    repository: { clone_url: gitServer.repoUrl('shop.git'), default_branch: 'main' },
    commits: [{ id: after, added: [], modified: files, removed: [] }],
  });
}

async function webhook(body: string, opts: { secret?: string; event?: string } = {}) {
  const signature = createHmac('sha256', opts.secret ?? SECRET)
    .update(body)
    .digest('hex');
  const res = await fetch(`${server.url}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': opts.event ?? 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function api(method: string, urlPath: string, body?: unknown) {
  const res = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test.serial(
  'every application is synced once at start: fetched over authenticated HTTP and rendered',
  async (t) => {
    const main = await eventually(() => finished('shop')[0], 30_000);
    t.like(main, { result: 'Succeeded', revision: work.head(), objects: 1, reason: 'startup' });
    t.like(await eventually(() => finished('shop-dev')[0], 30_000), { result: 'Succeeded', objects: 1 });
    const local = await eventually(() => finished('local')[0], 30_000);
    t.like(local, { result: 'Succeeded', objects: 1 });
    t.regex(local.revision!, /^local:/);
    t.true(
      gitServer.requests.some((r) => r.user === AUTH.username),
      'the server saw the credentials',
    );
  },
);

test.serial('push → webhook → a sync of the right application at the new commit', async (t) => {
  const before = finished('shop-dev').length;
  const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v2') }, 'shop: v2');
  work.push();
  const res = await webhook(pushEvent(sha));
  t.is(res.status, 202);
  t.deepEqual(res.body.queued, ['shop']);
  const synced = await eventually(() => finished('shop').find((s) => s.revision === sha), 30_000);
  t.like(synced, { result: 'Succeeded', requestedRevision: sha, priority: 'webhook', subject: 'shop: v2' });
  t.regex(synced.reason, /github webhook: push to main/);
  const live = daemon.controlPlane.api.get(
    { group: '', version: 'v1', resource: 'configmaps' },
    'default',
    'shop',
  ) as any;
  t.is(live.data.value, 'v2', 'the new commit is what runs');
  t.is(finished('shop-dev').length, before, 'the dev application was not touched');
});

test.serial('a forged webhook is refused and triggers nothing', async (t) => {
  const count = syncs('shop').length;
  const res = await webhook(pushEvent(work.head()), { secret: 'not-the-secret' });
  t.is(res.status, 401);
  t.is((await api('GET', '/api/v1/queue')).body.pending.length, 0);
  t.is(syncs('shop').length, count);
});

test.serial('a burst of 100 webhooks for one push gives one or two syncs, not 100', async (t) => {
  const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v3') }, 'shop: v3');
  work.push();
  const count = syncs('shop').length;
  const answers = await Promise.all(Array.from({ length: 100 }, () => webhook(pushEvent(sha))));
  t.true(answers.every((a) => a.status === 202));
  await eventually(() => finished('shop').some((s) => s.revision === sha), 30_000);
  await eventually(async () => (await api('GET', '/api/v1/queue')).body.pending.length === 0 || undefined);
  const runs = syncs('shop').length - count;
  t.true(runs >= 1 && runs <= 2, `${runs} syncs`);
});

test.serial(
  'malformed YAML fails the sync with a precise message, is not retried, and the daemon keeps serving',
  async (t) => {
    const bad = work.commit(
      { 'k8s/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' },
      'broken',
    );
    work.push();
    await webhook(pushEvent(bad));
    const failed = await eventually(() => finished('shop').find((s) => s.revision === bad), 30_000);
    t.is(failed.result, 'Failed');
    t.regex(failed.message!, /k8s\/config\.yaml/);
    t.regex(failed.message!, /YAML/);
    t.is(failed.attempt, 1);
    t.is((await fetch(`${server.url}/healthz`)).status, 200);
    const good = work.commit({ 'k8s/config.yaml': configMap('shop', 'v4') }, 'fixed');
    work.push();
    await webhook(pushEvent(good));
    t.like(await eventually(() => finished('shop').find((s) => s.revision === good), 30_000), {
      result: 'Succeeded',
    });
    t.is(finished('shop').filter((s) => s.revision === bad).length, 1, 'the broken revision ran once');
  },
);

test.serial(
  'the Git server goes down and comes back: the sync is retried and succeeds without a restart',
  async (t) => {
    const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v5') }, 'while down');
    work.push();
    await gitServer.stop();
    t.is((await api('POST', '/api/v1/applications/shop/sync', {})).status, 202);
    const failure = await eventually(
      () => finished('shop').find((s) => s.result === 'Failed' && s.attempt >= 1 && !s.revision),
      30_000,
    );
    t.regex(failure.message!, /127\.0\.0\.1/);
    t.notRegex(failure.message!, new RegExp(AUTH.password), 'no password in messages');
    await gitServer.start();
    const ok = await eventually(
      () => finished('shop').find((s) => s.revision === sha && s.result === 'Succeeded'),
      60_000,
    );
    t.true(ok.attempt > 1, `succeeded on attempt ${ok.attempt}`);
    t.is(ok.priority, 'manual');
  },
);

test.serial('an edit in a local directory triggers a sync within moments', async (t) => {
  const before = finished('local').length;
  fs.writeFileSync(path.join(localDir, 'extra.yaml'), configMap('extra', '2'));
  const s = await eventually(() => finished('local').slice(0, finished('local').length - before)[0], 15_000);
  t.like(s, { result: 'Succeeded', objects: 2 });
  t.regex(s.reason, /local edit: extra\.yaml/);
});

test.serial(
  'pull request events are recorded; the API lists applications, history and the queue',
  async (t) => {
    const body = JSON.stringify({
      action: 'opened',
      number: 12,
      pull_request: {
        number: 12,
        title: 'Try v6',
        head: { ref: 'feat', sha: 'f'.repeat(40) },
        base: { ref: 'main' },
      },
      repository: { clone_url: gitServer.repoUrl('shop.git') },
    });
    t.is((await webhook(body, { event: 'pull_request' })).status, 202);
    const prs = (await api('GET', '/api/v1/pullrequests?state=open')).body.items;
    t.like(prs[0], { number: 12, state: 'open', headBranch: 'feat', baseBranch: 'main', provider: 'github' });
    const apps = (await api('GET', '/api/v1/applications')).body.items;
    t.deepEqual(
      apps.map((a: any) => a.app.name),
      ['shop', 'shop-dev', 'local'],
    );
    t.is(apps[0].lastSync.result, 'Succeeded');
    t.true((await api('GET', '/api/v1/applications/shop/syncs?limit=3')).body.items.length === 3);
    t.is((await api('GET', '/api/v1/applications/nope')).status, 404);
    const noToken = await fetch(`${server.url}/api/v1/applications`);
    t.is(noToken.status, 401);
  },
);

test.serial(
  'diff: what a sync would change, as a unified diff and a JSON patch; drift is reported',
  async (t) => {
    const CM = { group: '', version: 'v1', resource: 'configmaps' };
    const clean = (await api('GET', '/api/v1/applications/shop/diff')).body;
    t.is(clean.revision, work.head());
    t.deepEqual(
      clean.objects.map((o: any) => [o.object, o.action]),
      [['/ConfigMap/default/shop', 'unchanged']],
    );
    // someone edits the live object by hand
    await daemon.controlPlane.api.patch(
      CM,
      'default',
      'shop',
      'merge',
      { data: { value: 'hand-edited' } },
      { fieldManager: 'kubectl-edit' },
    );
    const drifted = (await api('GET', '/api/v1/applications/shop/diff')).body.objects[0];
    t.is(drifted.action, 'update');
    t.regex(drifted.diff, /^-\s+value: hand-edited$/m);
    t.regex(drifted.diff, /^\+\s+value: v5$/m);
    t.deepEqual(drifted.patch, [{ op: 'replace', path: '/data/value', value: 'v5' }]);
    const text = await fetch(`${server.url}/api/v1/applications/shop/diff?format=text`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    t.regex(await text.text(), /ConfigMap default\/shop/);
    // selfHeal is off for this application: reported, not corrected
    const app = await eventually(async () => {
      const a = (await api('GET', '/api/v1/applications/shop')).body;
      return a.drift.length ? a : undefined;
    });
    t.like(app.drift[0], { object: 'ConfigMap default/shop', fields: ['.data.value'] });
    t.is((daemon.controlPlane.api.get(CM, 'default', 'shop') as any).data.value, 'hand-edited');
  },
);

test.serial('manual rollback to an earlier revision re-applies what it rendered', async (t) => {
  const CM = { group: '', version: 'v1', resource: 'configmaps' };
  const v2 = finished('shop').find((s) => s.subject === 'shop: v2' && s.result === 'Succeeded')!.revision!;
  t.is((await api('POST', '/api/v1/applications/shop/rollback', { revision: 'f'.repeat(40) })).status, 404);
  t.is((await api('POST', '/api/v1/applications/shop/rollback', {})).status, 400);
  t.is((await api('POST', '/api/v1/applications/shop/rollback', { revision: v2 })).status, 202);
  const run = await eventually(
    () => finished('shop').find((s) => s.reason.startsWith('manual rollback')),
    30_000,
  );
  t.like(run, { result: 'Succeeded', revision: v2, priority: 'manual' });
  t.is((daemon.controlPlane.api.get(CM, 'default', 'shop') as any).data.value, 'v2');
});
