/**
 * The webhook endpoint over real HTTP, one provider after another, with payloads shaped
 * as each Git host sends them: verified pushes queue the matching applications; forged,
 * replayed, oversized and malformed requests are refused and queue nothing.
 */
import test from 'ava';
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from '../../../src/daemon/applications.js';
import {
  MemoryReplayGuard,
  WebhookHandler,
  type PullRequestEvent,
  type WebhookSyncRequest,
} from '../../../src/daemon/webhooks/index.js';

const SECRET = 's3cret-webhook';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const syncPolicy = { prune: true, selfHeal: false, autoRollback: true };
const apps: Application[] = [
  {
    name: 'shop',
    syncPolicy,
    source: { repoURL: 'https://git.example.com/acme/shop.git', targetRevision: 'main', path: 'k8s' },
  },
  {
    name: 'shop-dev',
    syncPolicy,
    source: { repoURL: 'https://git.example.com/acme/shop', targetRevision: 'dev', path: 'k8s' },
  },
  {
    name: 'docs-only',
    syncPolicy,
    source: { repoURL: 'https://git.example.com/acme/shop', targetRevision: 'main', path: 'docs' },
    triggerPaths: ['.'],
  },
];

interface Env {
  url: string;
  queued: WebhookSyncRequest[];
  prs: PullRequestEvent[];
  close(): Promise<void>;
}

async function start(rateLimit?: { perSecond: number; burst: number }): Promise<Env> {
  const queued: WebhookSyncRequest[] = [];
  const prs: PullRequestEvent[] = [];
  const handler = new WebhookHandler({
    secrets: { github: SECRET, gitlab: SECRET, gitea: SECRET, bitbucket: SECRET, generic: SECRET },
    applications: () => apps,
    enqueue: async (r) => void queued.push(r),
    onPullRequest: (e) => void prs.push(e),
    replay: new MemoryReplayGuard(),
    maxBodyBytes: 64 * 1024,
    rateLimit,
  });
  const server = http.createServer((req, res) => {
    const m = /^\/api\/webhooks\/([a-z]+)$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    void handler.serve(m[1], req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks`;
  return { url, queued, prs, close: () => new Promise((r) => server.close(() => r())) };
}

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

async function post(url: string, headers: Record<string, string>, body: string | object) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const githubPush = (ref = 'refs/heads/main', files = ['k8s/deployment.yaml']) => ({
  ref,
  before: 'f'.repeat(40),
  after: SHA,
  deleted: false,
  repository: {
    full_name: 'acme/shop',
    clone_url: 'https://git.example.com/acme/shop.git',
    html_url: 'https://git.example.com/acme/shop',
    ssh_url: 'git@git.example.com:acme/shop.git',
    default_branch: 'main',
  },
  commits: [{ id: SHA, added: [], modified: files, removed: [] }],
});

function github(body: object, event = 'push', delivery: string = randomUUID()) {
  const text = JSON.stringify(body);
  return {
    headers: {
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${sign(text)}`,
    },
    text,
  };
}

test('GitHub push: verified, matched by repository and branch, queued with the commit', async (t) => {
  const env = await start();
  const { headers, text } = github(githubPush());
  const res = await post(`${env.url}/github`, headers, text);
  t.is(res.status, 202);
  t.deepEqual(res.body.queued, ['shop']);
  t.is(env.queued.length, 1);
  t.like(env.queued[0], { app: 'shop', revision: SHA, priority: 'webhook' });
  t.regex(env.queued[0].reason, /github webhook: push to main/);
  await env.close();
});

test('a forged or unsigned webhook is 401 and queues nothing', async (t) => {
  const env = await start();
  const { headers, text } = github(githubPush());
  const forged = await post(
    `${env.url}/github`,
    { ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
    text,
  );
  t.is(forged.status, 401);
  t.regex(String(forged.body.error), /invalid or missing github webhook signature/);
  const wrongKey = createHmac('sha256', 'guess').update(text).digest('hex');
  t.is(
    (await post(`${env.url}/github`, { ...headers, 'x-hub-signature-256': `sha256=${wrongKey}` }, text))
      .status,
    401,
  );
  const unsigned = { ...headers } as Record<string, string>;
  delete unsigned['x-hub-signature-256'];
  t.is((await post(`${env.url}/github`, unsigned, text)).status, 401);
  // a body changed after signing
  t.is((await post(`${env.url}/github`, headers, text.replace('main', 'dev'))).status, 401);
  t.is(env.queued.length, 0);
  await env.close();
});

test('a replayed delivery is 409 and queues nothing more', async (t) => {
  const env = await start();
  const { headers, text } = github(githubPush(), 'push', 'delivery-1');
  t.is((await post(`${env.url}/github`, headers, text)).status, 202);
  const again = await post(`${env.url}/github`, headers, text);
  t.is(again.status, 409);
  t.regex(String(again.body.error), /delivery delivery-1 was already received/);
  t.is(env.queued.length, 1);
  await env.close();
});

test('an oversized body is 413, before any verification', async (t) => {
  const env = await start();
  const big = JSON.stringify({ ...githubPush(), padding: 'x'.repeat(100 * 1024) });
  const res = await post(
    `${env.url}/github`,
    { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(big)}` },
    big,
  );
  t.is(res.status, 413);
  t.regex(String(res.body.error), /over the limit of 65536/);
  t.is(env.queued.length, 0);
  await env.close();
});

test('unknown provider 404, wrong method 405, signed non-JSON 400, ping ignored', async (t) => {
  const env = await start();
  t.is((await post(`${env.url}/sourcehut`, {}, '{}')).status, 404);
  t.is((await fetch(`${env.url}/github`)).status, 405);
  t.is(
    (await post(`${env.url}/github`, { 'x-hub-signature-256': `sha256=${sign('nope')}` }, 'nope')).status,
    400,
  );
  const ping = github({ zen: 'Keep it simple.' }, 'ping');
  const res = await post(`${env.url}/github`, ping.headers, ping.text);
  t.is(res.status, 200);
  t.true(res.body.ignored as boolean);
  t.is(env.queued.length, 0);
  await env.close();
});

test('path filters: a push that touches none of an application’s trigger paths does not sync it', async (t) => {
  const env = await start();
  const docs = github(githubPush('refs/heads/main', ['docs/index.md']));
  t.deepEqual((await post(`${env.url}/github`, docs.headers, docs.text)).body.queued, ['shop', 'docs-only']);
  const code = github(githubPush('refs/heads/main', ['src/main.go']));
  t.deepEqual((await post(`${env.url}/github`, code.headers, code.text)).body.queued, ['shop']);
  await env.close();
});

test('a deleted branch queues nothing', async (t) => {
  const env = await start();
  const del = github({ ...githubPush(), after: '0'.repeat(40), deleted: true, commits: [] });
  const res = await post(`${env.url}/github`, del.headers, del.text);
  t.is(res.status, 200);
  t.is(env.queued.length, 0);
  await env.close();
});

test('GitHub pull requests are recorded, merged told apart from closed', async (t) => {
  const env = await start();
  const pr = (action: string, merged = false) =>
    github(
      {
        action,
        number: 7,
        pull_request: {
          number: 7,
          title: 'Bump replicas',
          merged,
          html_url: 'https://git.example.com/acme/shop/pull/7',
          head: { ref: 'feature/replicas', sha: SHA },
          base: { ref: 'main' },
        },
        repository: githubPush().repository,
      },
      'pull_request',
    );
  for (const [action, merged] of [
    ['opened', false],
    ['synchronize', false],
    ['closed', true],
    ['labeled', false],
  ] as const) {
    const { headers, text } = pr(action, merged);
    await post(`${env.url}/github`, headers, text);
  }
  t.deepEqual(
    env.prs.map((p) => p.action),
    ['opened', 'synchronize', 'merged'],
  );
  t.like(env.prs[0], {
    number: 7,
    headBranch: 'feature/replicas',
    headSha: SHA,
    baseBranch: 'main',
    title: 'Bump replicas',
  });
  t.is(env.queued.length, 0);
  await env.close();
});

test('GitLab: X-Gitlab-Token, push and merge request hooks', async (t) => {
  const env = await start();
  const project = {
    git_http_url: 'https://git.example.com/acme/shop.git',
    web_url: 'https://git.example.com/acme/shop',
    default_branch: 'main',
  };
  const push = {
    object_kind: 'push',
    ref: 'refs/heads/dev',
    after: SHA,
    checkout_sha: SHA,
    project,
    commits: [{ added: ['k8s/a.yaml'], modified: [], removed: [] }],
  };
  const headers = { 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': randomUUID() };
  t.is((await post(`${env.url}/gitlab`, { ...headers, 'x-gitlab-token': 'wrong' }, push)).status, 401);
  const ok = await post(`${env.url}/gitlab`, { ...headers, 'x-gitlab-token': SECRET }, push);
  t.is(ok.status, 202);
  t.deepEqual(ok.body.queued, ['shop-dev']);
  const mr = {
    object_kind: 'merge_request',
    project,
    object_attributes: {
      iid: 3,
      action: 'merge',
      source_branch: 'feat',
      target_branch: 'main',
      title: 'T',
      last_commit: { id: SHA },
    },
  };
  const res = await post(
    `${env.url}/gitlab`,
    { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': SECRET },
    mr,
  );
  t.is(res.status, 202);
  t.like(env.prs[0], { action: 'merged', number: 3, headBranch: 'feat', baseBranch: 'main', headSha: SHA });
  await env.close();
});

test('Gitea: X-Gitea-Signature is the bare hex HMAC', async (t) => {
  const env = await start();
  const text = JSON.stringify(githubPush());
  const base = { 'x-gitea-event': 'push', 'x-gitea-delivery': randomUUID() };
  t.is(
    (await post(`${env.url}/gitea`, { ...base, 'x-gitea-signature': `sha256=${sign(text)}` }, text)).status,
    401,
  );
  const res = await post(`${env.url}/gitea`, { ...base, 'x-gitea-signature': sign(text) }, text);
  t.is(res.status, 202);
  t.deepEqual(res.body.queued, ['shop']);
  await env.close();
});

test('Bitbucket Cloud push and Data Center refs_changed', async (t) => {
  const env = await start();
  const cloud = JSON.stringify({
    repository: { full_name: 'acme/shop', links: { html: { href: 'https://git.example.com/acme/shop' } } },
    push: {
      changes: [
        {
          new: { type: 'branch', name: 'main', target: { hash: SHA } },
          old: { type: 'branch', name: 'main' },
        },
      ],
    },
  });
  const head = { 'x-event-key': 'repo:push', 'x-request-uuid': randomUUID() };
  t.is(
    (await post(`${env.url}/bitbucket`, { ...head, 'x-hub-signature': sign(cloud) }, cloud)).status,
    401,
    'the sha256= prefix is required',
  );
  const res = await post(
    `${env.url}/bitbucket`,
    { ...head, 'x-hub-signature': `sha256=${sign(cloud)}` },
    cloud,
  );
  t.is(res.status, 202);
  // Bitbucket lists no changed files: the path-filtered application syncs too
  t.deepEqual(res.body.queued, ['shop', 'docs-only']);
  t.is(env.queued[0].revision, SHA);
  const server = JSON.stringify({
    repository: { links: { clone: [{ href: 'https://git.example.com/scm/acme/other.git', name: 'http' }] } },
    changes: [
      { ref: { id: 'refs/heads/main', displayId: 'main', type: 'BRANCH' }, toHash: SHA, type: 'UPDATE' },
    ],
  });
  const dc = await post(
    `${env.url}/bitbucket`,
    {
      'x-event-key': 'repo:refs_changed',
      'x-request-id': randomUUID(),
      'x-hub-signature': `sha256=${sign(server)}`,
    },
    server,
  );
  t.is(dc.status, 202);
  t.deepEqual(dc.body.queued, [], 'another repository: nothing matches');
  await env.close();
});

test('generic webhook: a signed JSON body naming the repository and branch', async (t) => {
  const env = await start();
  const body = JSON.stringify({ repoURL: 'https://git.example.com/acme/shop', branch: 'dev' });
  const res = await post(`${env.url}/generic`, { 'x-capstan-signature': `sha256=${sign(body)}` }, body);
  t.is(res.status, 202);
  t.deepEqual(res.body.queued, ['shop-dev']);
  t.is(env.queued[0].revision, 'dev', 'no commit named: the newest of the branch');
  await env.close();
});

test('per-source rate limit: 429 with Retry-After, other sources unaffected', async (t) => {
  const env = await start({ perSecond: 0.001, burst: 3 });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { headers, text } = github(githubPush());
    statuses.push((await post(`${env.url}/github`, headers, text)).status);
  }
  t.deepEqual(statuses, [202, 202, 202, 429, 429]);
  const { headers, text } = github(githubPush());
  const limited = await post(`${env.url}/github`, headers, text);
  t.truthy(limited.headers.get('retry-after'));
  const other = JSON.stringify({ repoURL: 'https://git.example.com/acme/other', branch: 'main' });
  t.is(
    (await post(`${env.url}/generic`, { 'x-capstan-signature': `sha256=${sign(other)}` }, other)).status,
    202,
  );
  t.is(env.queued.length, 3);
  await env.close();
});
