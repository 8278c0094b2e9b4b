/**
 * From `git push` to a sync, with real parts: a Git smart-HTTP server (git http-backend,
 * basic auth), commits pushed with the native git client, Capstan started as `capstan
 * serve` starts it (embedded control plane, daemon, HTTP server), signed webhooks over
 * HTTP, and a local directory watched on disk. The poll interval is the default 3 minutes:
 * within a test, only a webhook, an API call or a local edit moves an application.
 *
 * The tests run in order and share one history: each reads what the previous ones left.
 */
import test from 'ava';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../../src/boot/index.js';
import type { Application, DaemonConfig, JsonObject } from '../../../src/core/index.js';
import type { SyncRecord } from '../../../src/daemon/index.js';
import { createBareRepo, git, GitServer, WorkTree } from '../../helpers/git-server.js';
import { eventually } from '../../helpers/eventually.js';

const SECRET = 'hook-secret';
const TOKEN = 'api-token';
const AUTH = { username: 'deploy', password: 'pa55word' };
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

let root: string;
let gitServer: GitServer;
let work: WorkTree;
let localDir: string;
let capstan: Capstan;
let serverUrl: string;

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
  // the Git layer reads credentials from process.env (startCapstan's `env` does not reach it)
  process.env.TEST_HOOK_SECRET = SECRET;
  process.env.TEST_GIT_USER = AUTH.username;
  process.env.TEST_GIT_PASSWORD = AUTH.password;
  const syncPolicy = { prune: true, selfHeal: false, autoRollback: true };
  const credentials = { env: { username: 'TEST_GIT_USER', password: 'TEST_GIT_PASSWORD' } };
  const repoURL = gitServer.repoUrl('shop.git');
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
      {
        // the same repository and branch as shop, but only pushes under k8s/ concern it
        name: 'shop-paths',
        source: { repoURL, targetRevision: 'main', path: 'k8s' },
        namespace: 'kube-system',
        triggerPaths: ['.'],
        credentials,
        syncPolicy,
      },
    ],
  };
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: TOKEN,
    runtime: 'simulated',
    config,
    server: { port: 0 },
    ...(process.env.CAPSTAN_TEST_LOG
      ? { log: (level, fields, msg) => console.error(level, JSON.stringify(fields), msg) }
      : {}),
  });
  serverUrl = capstan.server!.url;
});

test.after.always(async () => {
  await capstan?.close();
  await gitServer?.stop();
  work?.remove();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const syncs = (app: string): SyncRecord[] => capstan.daemon!.state.syncs(app, 1000);
const finished = (app: string) => syncs(app).filter((s) => s.finishedAt !== undefined);
const appOf = (name: string) => capstan.controlPlane.api.get(APPS, undefined, name) as unknown as Application;
const condition = (app: Application, type: string) => app.status?.conditions?.find((c) => c.type === type);
const liveValue = (namespace: string, name: string) =>
  (capstan.controlPlane.api.get(CONFIGMAPS, namespace, name).data as JsonObject).value;
/** Ready at `revision`: synced, healthy, nothing under way. */
const ready = (name: string, revision?: string) =>
  eventually(
    () => {
      const app = appOf(name);
      return condition(app, 'Ready')?.status === 'True' &&
        (!revision || app.status?.sync?.revision === revision)
        ? app
        : undefined;
    },
    90_000,
    50,
  );
/** Requests the Git server answered for the shop repository's refs (a poll, or a webhook's check). */
const refsChecks = () => gitServer.requests.filter((r) => r.path === '/shop.git/info/refs').length;

function pushEvent(after: string, branch = 'main', files = ['k8s/config.yaml']) {
  return JSON.stringify({
    ref: `refs/heads/${branch}`,
    after,
    repository: { clone_url: gitServer.repoUrl('shop.git'), default_branch: 'main' },
    commits: [{ id: after, added: [], modified: files, removed: [] }],
  });
}

async function webhook(body: string, opts: { secret?: string; event?: string; delivery?: string } = {}) {
  const signature = createHmac('sha256', opts.secret ?? SECRET)
    .update(body)
    .digest('hex');
  const res = await fetch(`${serverUrl}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': opts.event ?? 'push',
      'x-github-delivery': opts.delivery ?? randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function api(method: string, urlPath: string, body?: unknown) {
  const res = await fetch(`${serverUrl}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test.serial(
  'every application is synced once at start: fetched over authenticated HTTP and rendered',
  async (t) => {
    const head = work.head();
    await ready('shop', head);
    t.like(finished('shop'), [{ result: 'Succeeded', revision: head, objects: 1, reason: 'startup' }]);
    await ready('shop-dev');
    t.like(finished('shop-dev'), [{ result: 'Succeeded', objects: 1 }]);
    const local = await ready('local');
    t.like(finished('local'), [{ result: 'Succeeded', objects: 1 }]);
    t.regex(local.status!.sync!.revision!, /^local:/);
    await ready('shop-paths', head);
    t.is(liveValue('default', 'shop'), 'v1');
    t.true(
      gitServer.requests.some((r) => r.user === AUTH.username),
      'the server saw the credentials',
    );
  },
);

test.serial('push → webhook → a sync of the right application at the new commit', async (t) => {
  const devBefore = finished('shop-dev').length;
  const devRevision = appOf('shop-dev').status?.sync?.revision;
  const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v2') }, 'shop: v2');
  work.push();
  const res = await webhook(pushEvent(sha));
  t.is(res.status, 202);
  t.like(res.body, { event: 'push', revision: sha });
  t.deepEqual(res.body.queued, ['shop', 'shop-paths']);
  const app = await ready('shop', sha);
  t.like(app.status?.operationState, { phase: 'Succeeded', revision: sha });
  const synced = finished('shop').find((s) => s.revision === sha);
  t.like(synced, { result: 'Succeeded', subject: 'shop: v2' });
  t.is(liveValue('default', 'shop'), 'v2', 'the new commit is what runs');
  t.is(app.status?.history?.at(-1)?.subject, 'shop: v2');
  t.is(finished('shop-dev').length, devBefore, 'the dev application was not touched');
  t.is(appOf('shop-dev').status?.sync?.revision, devRevision);
});

// A webhook makes the source look again, and the sync that applies the commit it announced
// says it was the webhook ("github webhook: push to main"), in its record and in the status.
test.serial('a sync a webhook caused says so in its record and in the status', async (t) => {
  const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v2b') }, 'shop: v2b');
  work.push();
  t.is((await webhook(pushEvent(sha))).status, 202);
  const app = await ready('shop', sha);
  t.regex(finished('shop').find((s) => s.revision === sha)!.reason, /github webhook: push to main/);
  t.regex(app.status!.operationState!.reason, /github webhook: push to main/);
});

test.serial('a forged or replayed webhook is refused and triggers nothing', async (t) => {
  const count = syncs('shop').length;
  const checks = refsChecks();
  const forged = await webhook(pushEvent(work.head()), { secret: 'not-the-secret' });
  t.is(forged.status, 401);
  t.is(forged.body.code, 'WEBHOOK_SIGNATURE_INVALID');
  // a webhook that is taken makes the source look at the repository: this one did not
  t.is(refsChecks(), checks);

  const delivery = randomUUID();
  t.is((await webhook(pushEvent(work.head()), { delivery })).status, 202);
  // answered first, then the source looks (a look asked for during a check adds one after it,
  // so the count of looks is no measure of the replay: its refusal and the syncs are)
  await eventually(() => refsChecks() > checks, 60_000);
  const replayed = await webhook(pushEvent(work.head()), { delivery });
  t.is(replayed.status, 409);
  t.is(replayed.body.code, 'WEBHOOK_REPLAYED');
  // nothing new at the head: no sync either
  t.is(syncs('shop').length, count);
});

test.serial('a push to another branch syncs only the application that follows it', async (t) => {
  const shopBefore = finished('shop').length;
  // (WorkTree.checkout resets the branch to HEAD: switch with plain git, keeping main as it is)
  git(work.dir, ['checkout', '--quiet', 'dev']);
  work.branch = 'dev';
  const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'dev-2') }, 'dev: 2');
  work.push();
  git(work.dir, ['checkout', '--quiet', 'main']);
  work.branch = 'main';
  const res = await webhook(pushEvent(sha, 'dev'));
  t.is(res.status, 202);
  t.deepEqual(res.body.queued, ['shop-dev']);
  await ready('shop-dev', sha);
  t.is(liveValue('kube-public', 'shop'), 'dev-2');
  t.is(finished('shop').length, shopBefore);
  t.is(liveValue('default', 'shop'), 'v2b');
});

test.serial('triggerPaths: a push outside them does not queue the application', async (t) => {
  const sha = work.commit({ 'docs/README.md': 'more docs\n' }, 'docs only');
  work.push();
  const res = await webhook(pushEvent(sha, 'main', ['docs/README.md']));
  t.is(res.status, 202);
  t.deepEqual(res.body.queued, ['shop'], 'shop-paths only wants pushes under k8s/');
  await ready('shop', sha);
  t.is(liveValue('default', 'shop'), 'v2b');
});

test.serial('a burst of 100 webhooks for one push gives one sync, not 100', async (t) => {
  const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v3') }, 'shop: v3');
  work.push();
  const count = syncs('shop').length;
  const answers = await Promise.all(Array.from({ length: 100 }, () => webhook(pushEvent(sha))));
  t.deepEqual(
    answers.filter((a) => a.status !== 202),
    [],
  );
  await ready('shop', sha);
  const runs = syncs('shop').length - count;
  t.true(runs >= 1 && runs <= 2, `${runs} syncs`);
  t.is(finished('shop').filter((s) => s.revision === sha).length, 1);
});

test.serial(
  'malformed YAML fails the sync with a precise message, is not retried, and the daemon keeps serving',
  async (t) => {
    const bad = work.commit(
      { 'k8s/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' },
      'broken',
    );
    work.push();
    t.is((await webhook(pushEvent(bad))).status, 202);
    const app = await eventually(() => {
      const a = appOf('shop');
      return a.status?.failedRevision?.revision === bad ? a : undefined;
    }, 90_000);
    t.regex(app.status!.failedRevision!.reason, /k8s\/config\.yaml/);
    t.regex(app.status!.failedRevision!.reason, /YAML/);
    t.is(condition(app, 'Stalled')?.status, 'True');
    t.is(condition(app, 'Ready')?.reason, 'RenderFailed');
    const failed = finished('shop').find((s) => s.revision === bad)!;
    t.like(failed, { result: 'Failed', attempt: 1 });
    t.regex(failed.message!, /k8s\/config\.yaml/);
    t.is(liveValue('default', 'shop'), 'v3', 'the running revision stays');
    t.is((await fetch(`${serverUrl}/healthz`)).status, 200);

    const good = work.commit({ 'k8s/config.yaml': configMap('shop', 'v4') }, 'fixed');
    work.push();
    t.is((await webhook(pushEvent(good))).status, 202);
    const fixed = await ready('shop', good);
    t.is(fixed.status?.failedRevision, undefined);
    t.is(finished('shop').filter((s) => s.revision === bad).length, 1, 'the broken revision ran once');
  },
);

test.serial(
  'the Git server goes down and comes back: the new commit is synced without a restart',
  async (t) => {
    const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v5') }, 'while down');
    work.push();
    await gitServer.stop();
    try {
      // the webhook is taken; looking at the repository fails, and the status says why
      t.is((await webhook(pushEvent(sha))).status, 202);
      const down = await eventually(() => {
        const a = appOf('shop');
        return a.status?.sourceError ? a : undefined;
      }, 90_000);
      t.regex(down.status!.sourceError!, /127\.0\.0\.1/);
      t.notRegex(down.status!.sourceError!, new RegExp(AUTH.password), 'no password in messages');
      t.is(down.status?.failedRevision, undefined, 'an unreachable server fails no revision');
      t.is(liveValue('default', 'shop'), 'v4');
    } finally {
      await gitServer.start();
    }
    // the source looks again by itself (backing off), finds the commit and syncs it
    const app = await ready('shop', sha);
    t.is(app.status?.sourceError, undefined);
    t.is(liveValue('default', 'shop'), 'v5');
  },
);

test.serial('an edit in a local directory triggers a sync within moments', async (t) => {
  const before = finished('local').length;
  fs.writeFileSync(path.join(localDir, 'extra.yaml'), configMap('extra', '2'));
  const s = await eventually(() => finished('local').slice(0, finished('local').length - before)[0], 90_000);
  t.like(s, { result: 'Succeeded', objects: 2 });
  t.regex(s.reason, /local edit: extra\.yaml/);
  await ready('local', s.revision);
  t.is(liveValue('default', 'extra'), '2');
});

test.serial('pull request events are recorded; the API lists applications and history', async (t) => {
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
  const res = await webhook(body, { event: 'pull_request' });
  t.is(res.status, 202);
  t.like(res.body, { event: 'pull_request', pullRequest: { number: 12, action: 'opened' }, queued: [] });
  const prs = (await api('GET', '/api/v1/pullrequests?state=open')).body.items;
  t.like(prs[0], { number: 12, state: 'open', headBranch: 'feat', baseBranch: 'main', provider: 'github' });
  const apps = (await api('GET', '/api/v1/applications')).body.items as Application[];
  t.deepEqual(apps.map((a) => a.metadata.name).sort(), ['local', 'shop', 'shop-dev', 'shop-paths']);
  const shop = apps.find((a) => a.metadata.name === 'shop')!;
  t.like(shop.status, { sync: { status: 'Synced' }, operationState: { phase: 'Succeeded' } });
  const history = (await api('GET', '/api/v1/applications/shop/history')).body.items;
  t.true(history.length >= 3, `${history.length} entries`);
  t.is(history.at(-1).revision, work.head());
  t.is((await api('GET', '/api/v1/applications/nope')).status, 404);
  t.is((await fetch(`${serverUrl}/api/v1/applications`)).status, 401);
});

test.serial(
  'diff: what a sync would change, as a unified diff and a JSON patch; drift is reported',
  async (t) => {
    const clean = (await api('GET', '/api/v1/applications/shop/diff')).body;
    t.is(clean.revision, work.head());
    t.deepEqual(
      clean.objects.map((o: any) => [o.object, o.action]),
      [['/ConfigMap/default/shop', 'unchanged']],
    );
    // someone edits the live object by hand
    await capstan.controlPlane.api.patch(
      CONFIGMAPS,
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
    const text = await fetch(`${serverUrl}/api/v1/applications/shop/diff?format=text`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    t.regex(await text.text(), /ConfigMap default\/shop/);
    // selfHeal is off for this application: reported, not corrected
    const app = await eventually(async () => {
      const a = (await api('GET', '/api/v1/applications/shop')).body as Application;
      return a.status?.resources?.some((r) => r.status === 'OutOfSync') ? a : undefined;
    }, 90_000);
    const resource = app.status!.resources!.find((r) => r.name === 'shop')!;
    t.like(resource, { kind: 'ConfigMap', namespace: 'default', status: 'OutOfSync' });
    t.regex(resource.drift!, /kubectl-edit/);
    t.regex(resource.drift!, /data\.value/);
    t.is(app.status?.sync?.status, 'OutOfSync');
    t.is(liveValue('default', 'shop'), 'hand-edited');
  },
);

test.serial('manual rollback to an earlier revision re-applies what it rendered', async (t) => {
  const v2 = finished('shop').find((s) => s.subject === 'shop: v2' && s.result === 'Succeeded')!.revision!;
  const unknown = await api('POST', '/api/v1/applications/shop/rollback', { revision: 'f'.repeat(40) });
  t.is(unknown.status, 404);
  t.is(unknown.body.code, 'SYNC_REVISION_UNKNOWN');
  t.is((await api('POST', '/api/v1/applications/shop/rollback', { revision: v2 })).status, 202);
  const app = await eventually(() => {
    const a = appOf('shop');
    const op = a.status?.operationState;
    return op?.intent.type === 'rollback' && op.phase === 'Succeeded' && a.status?.sync?.revision === v2
      ? a
      : undefined;
  }, 90_000);
  t.is(app.status?.operationState?.reason, 'manual rollback (API)');
  const run = finished('shop').find((s) => s.reason.startsWith('manual rollback'))!;
  t.like(run, { result: 'Succeeded', revision: v2, priority: 'manual', rollback: true, changed: 1 });
});

// A manual rollback holds, as a pin does, until a plain sync: the next reconcile of an
// automated application (here caused by a hand edit) does not move it back to its branch.
test.serial('a manual rollback holds: the next reconcile does not move the application back', async (t) => {
  const v2 = finished('shop').find((s) => s.subject === 'shop: v2' && s.result === 'Succeeded')!.revision!;
  // a hand edit makes the application reconcile again (selfHeal is off: reported only)
  await capstan.controlPlane.api.patch(
    CONFIGMAPS,
    'default',
    'shop',
    'merge',
    { data: { value: 'edited-after-rollback' } },
    { fieldManager: 'kubectl-edit' },
  );
  const app = await eventually(() => {
    const a = appOf('shop');
    return a.status?.resources?.some((r) => r.status === 'OutOfSync') ? a : undefined;
  }, 90_000);
  t.is(app.status?.sync?.revision, v2);
  t.is(finished('shop')[0].reason, 'manual rollback (API)');
});

// A manual sync request survives a transient failure of its fetch (it is taken up only when
// the sync starts), and a plain manual sync looks at the repository first, so a push no
// webhook announced is applied.
test.serial('a revision asked for while the Git server is down is applied once it is back', async (t) => {
  // a commit the daemon has not fetched (the application is held by the rollback above)
  const v4 = work.commit({ 'k8s/config.yaml': configMap('shop', 'v5') }, 'asked for while down');
  work.push();
  await gitServer.stop();
  try {
    t.is((await api('POST', '/api/v1/applications/shop/sync', { revision: v4 })).status, 202);
    const retrying = await eventually(() => {
      const a = appOf('shop');
      return condition(a, 'Reconciling')?.reason === 'RetryingAfterError' ? a : undefined;
    }, 90_000);
    t.regex(condition(retrying, 'Reconciling')!.message, /127\.0\.0\.1/);
    t.notRegex(condition(retrying, 'Reconciling')!.message, new RegExp(AUTH.password));
  } finally {
    await gitServer.start();
  }
  // the retry comes back with the server up: it fetches the commit and pins the application
  const app = await eventually(() => {
    const a = appOf('shop');
    return condition(a, 'Reconciling')?.reason !== 'RetryingAfterError' ? a : undefined;
  }, 90_000);
  t.is(app.status?.pinnedRevision, v4);
  t.is(app.status?.sync?.revision, v4);
  t.like(
    finished('shop').find((s) => s.revision === v4 && s.reason === 'manual sync (API)'),
    { result: 'Succeeded', priority: 'manual' },
  );
});

test.serial('a manual sync looks at the repository: a push no webhook announced is applied', async (t) => {
  const sha = work.commit({ 'k8s/config.yaml': configMap('shop', 'v6') }, 'no webhook');
  work.push();
  const before = syncs('shop')[0]?.id ?? 0;
  t.is((await api('POST', '/api/v1/applications/shop/sync', {})).status, 202);
  const run = await eventually(
    () => finished('shop').find((s) => s.id > before && s.reason === 'manual sync (API)'),
    90_000,
  );
  t.is(run.revision, sha);
  await ready('shop', sha);
  t.is(liveValue('default', 'shop'), 'v6');
});
