/**
 * The webhook endpoint over real HTTP, one provider after another, with payloads shaped
 * as each Git host sends them: verified pushes queue the matching applications; forged,
 * replayed, oversized and malformed requests are refused and queue nothing.
 */
import test from 'ava';
import { createHmac, randomUUID } from 'node:crypto';
import type { PushTarget as Application } from '../../../src/daemon/webhooks/index.js';
import { CapstanError } from '../../../src/core/index.js';
import {
  MemoryReplayGuard,
  WebhookReceiver,
  type PullRequestEvent,
  type WebhookSyncRequest,
} from '../../../src/daemon/webhooks/index.js';

const SECRET = 's3cret-webhook';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const apps: Application[] = [
  {
    name: 'shop',
    source: { repoURL: 'https://git.example.com/acme/shop.git', targetRevision: 'main', path: 'k8s' },
  },
  {
    name: 'shop-dev',
    source: { repoURL: 'https://git.example.com/acme/shop', targetRevision: 'dev', path: 'k8s' },
  },
  {
    name: 'docs-only',
    source: { repoURL: 'https://git.example.com/acme/shop', targetRevision: 'main', path: 'docs' },
    triggerPaths: ['.'],
  },
];

interface Env {
  receiver: WebhookReceiver;
  queued: WebhookSyncRequest[];
  prs: PullRequestEvent[];
}

function start(rateLimit?: { perSecond: number; burst: number }): Env {
  const queued: WebhookSyncRequest[] = [];
  const prs: PullRequestEvent[] = [];
  const receiver = new WebhookReceiver({
    secrets: { github: SECRET, gitlab: SECRET, gitea: SECRET, bitbucket: SECRET, generic: SECRET },
    applications: () => apps,
    enqueue: async (r) => void queued.push(r),
    onPullRequest: (e) => void prs.push(e),
    replay: new MemoryReplayGuard(),
    rateLimit,
  });
  return { receiver, queued, prs };
}

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

/** One delivery, as plain values: the outcome, or the refusal's code and message. */
async function post(env: Env, provider: string, headers: Record<string, string>, body: string | object) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    return { outcome: await env.receiver.receive(provider, headers, Buffer.from(text)) };
  } catch (e) {
    if (!(e instanceof CapstanError)) throw e;
    return { code: e.code, message: e.message, data: e.data };
  }
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
  const env = start();
  const { headers, text } = github(githubPush());
  const res = await post(env, 'github', headers, text);
  t.deepEqual(res.outcome, { event: 'push', revision: SHA, queued: ['shop'] });
  t.is(env.queued.length, 1);
  t.like(env.queued[0], { app: 'shop', revision: SHA, priority: 'webhook' });
  t.regex(env.queued[0].reason, /github webhook: push to main/);
});

test('a forged signature is WEBHOOK_SIGNATURE_INVALID, none WEBHOOK_SIGNATURE_MISSING; nothing queued', async (t) => {
  const env = start();
  const { headers, text } = github(githubPush());
  const forged = await post(
    env,
    'github',
    { ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
    text,
  );
  t.is(forged.code, 'WEBHOOK_SIGNATURE_INVALID');
  t.regex(forged.message!, /invalid or missing github webhook signature/);
  const wrongKey = createHmac('sha256', 'guess').update(text).digest('hex');
  t.is(
    (await post(env, 'github', { ...headers, 'x-hub-signature-256': `sha256=${wrongKey}` }, text)).code,
    'WEBHOOK_SIGNATURE_INVALID',
  );
  const unsigned = { ...headers } as Record<string, string>;
  delete unsigned['x-hub-signature-256'];
  const missing = await post(env, 'github', unsigned, text);
  t.is(missing.code, 'WEBHOOK_SIGNATURE_MISSING');
  t.regex(missing.message!, /no x-hub-signature-256 header/);
  // a body changed after signing
  t.is((await post(env, 'github', headers, text.replace('main', 'dev'))).code, 'WEBHOOK_SIGNATURE_INVALID');
  t.is(env.queued.length, 0);
});

test('a replayed delivery is WEBHOOK_REPLAYED and queues nothing more', async (t) => {
  const env = start();
  const { headers, text } = github(githubPush(), 'push', 'delivery-1');
  t.deepEqual((await post(env, 'github', headers, text)).outcome?.queued, ['shop']);
  const again = await post(env, 'github', headers, text);
  t.is(again.code, 'WEBHOOK_REPLAYED');
  t.regex(again.message!, /delivery delivery-1 was already received/);
  t.is(env.queued.length, 1);
});

test('unknown provider, provider without a secret, signed non-JSON, ping ignored', async (t) => {
  const env = start();
  t.is((await post(env, 'sourcehut', {}, '{}')).code, 'WEBHOOK_PROVIDER_UNKNOWN');
  const unconfigured = new WebhookReceiver({
    secrets: { gitlab: SECRET },
    applications: () => apps,
    enqueue: async () => undefined,
    replay: new MemoryReplayGuard(),
  });
  await t.throwsAsync(unconfigured.receive('github', {}, Buffer.from('{}')), {
    code: 'WEBHOOK_NOT_CONFIGURED',
    message: 'no webhook is configured for provider "github"',
  });
  const notJson = await post(env, 'github', { 'x-hub-signature-256': `sha256=${sign('nope')}` }, 'nope');
  t.is(notJson.code, 'WEBHOOK_PAYLOAD_INVALID');
  t.is(notJson.message, 'the webhook body is not JSON');
  const ping = github({ zen: 'Keep it simple.' }, 'ping');
  const res = await post(env, 'github', ping.headers, ping.text);
  t.deepEqual(res.outcome, { queued: [], ignored: 'not an event Capstan acts on' });
  t.is(env.queued.length, 0);
});

test('path filters: a push that touches none of an application’s trigger paths does not sync it', async (t) => {
  const env = start();
  const docs = github(githubPush('refs/heads/main', ['docs/index.md']));
  t.deepEqual((await post(env, 'github', docs.headers, docs.text)).outcome?.queued, ['shop', 'docs-only']);
  const code = github(githubPush('refs/heads/main', ['src/main.go']));
  t.deepEqual((await post(env, 'github', code.headers, code.text)).outcome?.queued, ['shop']);
});

test('a deleted branch queues nothing', async (t) => {
  const env = start();
  const del = github({ ...githubPush(), after: '0'.repeat(40), deleted: true, commits: [] });
  const res = await post(env, 'github', del.headers, del.text);
  t.like(res.outcome, { event: 'push', queued: [], ignored: 'the ref was deleted' });
  t.is(env.queued.length, 0);
});

test('GitHub pull requests are recorded, merged told apart from closed', async (t) => {
  const env = start();
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
    await post(env, 'github', headers, text);
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
});

test('GitLab: X-Gitlab-Token, push and merge request hooks', async (t) => {
  const env = start();
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
  t.is(
    (await post(env, 'gitlab', { ...headers, 'x-gitlab-token': 'wrong' }, push)).code,
    'WEBHOOK_SIGNATURE_INVALID',
  );
  t.is((await post(env, 'gitlab', headers, push)).code, 'WEBHOOK_SIGNATURE_MISSING');
  const ok = await post(env, 'gitlab', { ...headers, 'x-gitlab-token': SECRET }, push);
  t.deepEqual(ok.outcome?.queued, ['shop-dev']);
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
    env,
    'gitlab',
    { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': SECRET },
    mr,
  );
  t.deepEqual(res.outcome, {
    event: 'pull_request',
    pullRequest: { number: 3, action: 'merged' },
    queued: [],
  });
  t.like(env.prs[0], { action: 'merged', number: 3, headBranch: 'feat', baseBranch: 'main', headSha: SHA });
});

test('Gitea: X-Gitea-Signature is the bare hex HMAC', async (t) => {
  const env = start();
  const text = JSON.stringify(githubPush());
  const base = { 'x-gitea-event': 'push', 'x-gitea-delivery': randomUUID() };
  t.is(
    (await post(env, 'gitea', { ...base, 'x-gitea-signature': `sha256=${sign(text)}` }, text)).code,
    'WEBHOOK_SIGNATURE_INVALID',
  );
  const res = await post(env, 'gitea', { ...base, 'x-gitea-signature': sign(text) }, text);
  t.deepEqual(res.outcome?.queued, ['shop']);
});

test('Bitbucket Cloud push and Data Center refs_changed', async (t) => {
  const env = start();
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
    (await post(env, 'bitbucket', { ...head, 'x-hub-signature': sign(cloud) }, cloud)).code,
    'WEBHOOK_SIGNATURE_INVALID',
    'the sha256= prefix is required',
  );
  const res = await post(env, 'bitbucket', { ...head, 'x-hub-signature': `sha256=${sign(cloud)}` }, cloud);
  // Bitbucket lists no changed files: the path-filtered application syncs too
  t.deepEqual(res.outcome?.queued, ['shop', 'docs-only']);
  t.is(env.queued[0].revision, SHA);
  const server = JSON.stringify({
    repository: { links: { clone: [{ href: 'https://git.example.com/scm/acme/other.git', name: 'http' }] } },
    changes: [
      { ref: { id: 'refs/heads/main', displayId: 'main', type: 'BRANCH' }, toHash: SHA, type: 'UPDATE' },
    ],
  });
  const dc = await post(
    env,
    'bitbucket',
    {
      'x-event-key': 'repo:refs_changed',
      'x-request-id': randomUUID(),
      'x-hub-signature': `sha256=${sign(server)}`,
    },
    server,
  );
  t.deepEqual(dc.outcome?.queued, [], 'another repository: nothing matches');
});

test('generic webhook: a signed JSON body naming the repository and branch', async (t) => {
  const env = start();
  const body = JSON.stringify({ repoURL: 'https://git.example.com/acme/shop', branch: 'dev' });
  const res = await post(env, 'generic', { 'x-capstan-signature': `sha256=${sign(body)}` }, body);
  t.deepEqual(res.outcome?.queued, ['shop-dev']);
  t.is(env.queued[0].revision, 'dev', 'no commit named: the newest of the branch');
});

test('per-source rate limit: WEBHOOK_RATE_LIMITED with the wait, other sources unaffected', async (t) => {
  const env = start({ perSecond: 0.001, burst: 3 });
  const codes: Array<string | undefined> = [];
  for (let i = 0; i < 5; i++) {
    const { headers, text } = github(githubPush());
    codes.push((await post(env, 'github', headers, text)).code);
  }
  t.deepEqual(codes, [undefined, undefined, undefined, 'WEBHOOK_RATE_LIMITED', 'WEBHOOK_RATE_LIMITED']);
  const { headers, text } = github(githubPush(), 'push', 'limited-delivery');
  const limited = await post(env, 'github', headers, text);
  t.true((limited.data?.retryAfterSeconds as number) > 0);
  const other = JSON.stringify({ repoURL: 'https://git.example.com/acme/other', branch: 'main' });
  t.deepEqual(
    (await post(env, 'generic', { 'x-capstan-signature': `sha256=${sign(other)}` }, other)).outcome?.queued,
    [],
  );
  t.is(env.queued.length, 3);
});

test('a delivery refused for the rate is not remembered: its redelivery, once allowed, is taken', async (t) => {
  let now = 0;
  const queued: WebhookSyncRequest[] = [];
  const receiver = new WebhookReceiver({
    secrets: { github: SECRET },
    applications: () => apps,
    enqueue: async (r) => void queued.push(r),
    replay: new MemoryReplayGuard(),
    rateLimit: { perSecond: 1, burst: 1 },
    now: () => now,
  });
  const first = github(githubPush());
  await receiver.receive('github', first.headers, Buffer.from(first.text));
  const second = github(githubPush(), 'push', 'second');
  await t.throwsAsync(receiver.receive('github', second.headers, Buffer.from(second.text)), {
    code: 'WEBHOOK_RATE_LIMITED',
  });
  now += 1000;
  t.deepEqual((await receiver.receive('github', second.headers, Buffer.from(second.text))).queued, ['shop']);
  t.is(queued.length, 2);
});
