import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { createProvider } from '../../src/providers/index.js';
import { BitbucketProvider } from '../../src/providers/bitbucket.js';
import { BitbucketStandin } from '../helpers/providers/bitbucket-standin.js';

const TOKEN = 'ATCTT3xFfGN0-s3cret-standin-token';
const REPO = 'acme/shop';
const SHA = 'c'.repeat(40);

async function setup(t: { teardown(fn: () => unknown): void }) {
  const standin = new BitbucketStandin({ token: TOKEN });
  await standin.start();
  t.teardown(() => standin.close());
  const waits: number[] = [];
  const provider = new BitbucketProvider(
    { provider: 'bitbucket', apiUrl: standin.url, repository: REPO, token: TOKEN },
    { sleep: async (ms) => void waits.push(ms), random: () => 0 },
  );
  return { standin, provider, waits };
}

test('a build status is posted with key = context and Bitbucket’s state, and overwritten by the next', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.setCommitStatus({
    sha: SHA,
    state: 'pending',
    context: 'capstan/shop-prod',
    description: 'Syncing\nmore',
    targetUrl: 'http://capstan.local/api/v1/applications/shop-prod',
  });
  const request = standin.requests[0];
  t.is(request.method, 'POST');
  t.is(request.path, `/2.0/repositories/acme/shop/commit/${SHA}/statuses/build`);
  t.is(request.headers.authorization, `Bearer ${TOKEN}`);
  t.like(request.body, {
    key: 'capstan/shop-prod',
    state: 'INPROGRESS',
    description: 'Syncing',
    url: 'http://capstan.local/api/v1/applications/shop-prod',
  });
  await provider.setCommitStatus({
    sha: SHA,
    state: 'failure',
    context: 'capstan/shop-prod',
    description: 'Degraded',
  });
  await provider.setCommitStatus({
    sha: SHA,
    state: 'success',
    context: 'capstan/shop-dev',
    description: 'Healthy',
  });
  t.deepEqual(
    standin.statuses.map((s) => [s.key, s.state]),
    [
      ['capstan/shop-prod', 'FAILED'],
      ['capstan/shop-dev', 'SUCCESSFUL'],
    ],
  );
  // Bitbucket requires a url: without a target, the commit's page (a template Bitbucket fills)
  t.regex(standin.statuses[0].url, /\{repository\.full_name\}\/commits\/\{commit\.hash\}$/);
});

test('openPullRequest creates a pull request, then updates the open one instead of opening another', async (t) => {
  const { standin, provider } = await setup(t);
  standin.heads.set('capstan/promote/shop/prod/abc1234', 'd'.repeat(40));
  const draft = {
    head: 'capstan/promote/shop/prod/abc1234',
    base: 'main',
    title: 'Promote shop',
    body: 'diff 1',
  };
  const opened = await provider.openPullRequest(draft);
  t.deepEqual(opened, {
    number: 1,
    url: `${standin.origin}/acme/shop/pull-requests/1`,
    state: 'open',
    title: 'Promote shop',
    headBranch: draft.head,
    headSha: 'd'.repeat(12),
    baseBranch: 'main',
  });
  const create = standin.requests.find((r) => r.method === 'POST')!;
  t.is(create.path, '/2.0/repositories/acme/shop/pullrequests');
  t.deepEqual(create.body, {
    title: 'Promote shop',
    description: 'diff 1',
    source: { branch: { name: draft.head } },
    destination: { branch: { name: 'main' } },
  });
  const again = await provider.openPullRequest({ ...draft, title: 'Promote shop (2)', body: 'diff 2' });
  t.is(again.number, 1);
  t.is(standin.pulls.length, 1);
  t.like(standin.pulls[0], { title: 'Promote shop (2)', description: 'diff 2' });
  t.like(standin.requests.at(-1), { method: 'PUT', path: '/2.0/repositories/acme/shop/pullrequests/1' });
});

test('findOpenPullRequest filters OPEN pull requests with q on both branches', async (t) => {
  const { standin, provider } = await setup(t);
  t.is(await provider.findOpenPullRequest('feat "x"', 'main'), undefined);
  const query = new URL(standin.requests[0].path, standin.origin).searchParams;
  t.is(query.get('state'), 'OPEN');
  t.is(query.get('q'), 'source.branch.name = "feat \\"x\\"" AND destination.branch.name = "main"');
  await provider.openPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' });
  await provider.openPullRequest({ head: 'feature', base: 'release', title: 'r', body: '' });
  t.like(await provider.findOpenPullRequest('feature', 'release'), { number: 2, baseBranch: 'release' });
  standin.pulls[1].state = 'DECLINED';
  t.is(await provider.findOpenPullRequest('feature', 'release'), undefined);
});

test('upsertComment posts one comment, then edits it on every later call and never posts again', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.openPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' });
  const marker = '<!-- capstan:preview:shop -->';
  const first = await provider.upsertComment(1, marker, `${marker}\nPreview starting`);
  t.true(first.created);
  t.deepEqual(standin.requests.at(-1)!.body, { content: { raw: `${marker}\nPreview starting` } });
  const second = await provider.upsertComment(1, marker, 'Preview Healthy');
  const third = await provider.upsertComment(1, marker, 'Preview Degraded');
  t.deepEqual(
    [second, third],
    [
      { id: first.id, created: false },
      { id: first.id, created: false },
    ],
  );
  t.is(standin.comments.length, 1);
  t.is(standin.comments[0].raw, `${marker}\nPreview Degraded`);
  t.is(standin.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments')).length, 1);
  t.like(standin.requests.at(-1), {
    method: 'PUT',
    path: `/2.0/repositories/acme/shop/pullrequests/1/comments/${first.id}`,
  });
});

test('upsertComment reads every page and skips deleted comments', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.openPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' });
  const marker = '<!-- capstan:promotion:shop -->';
  const base = { repository: REPO, pullRequestId: 1, deleted: false };
  standin.comments.push({ ...base, id: 500, raw: `${marker}\nold`, deleted: true });
  for (let i = 0; i < 120; i++) standin.comments.push({ ...base, id: 1000 + i, raw: `review ${i}` });
  standin.comments.push({ ...base, id: 2000, raw: `${marker}\nmine` });
  const again = await provider.upsertComment(1, marker, 'updated');
  t.deepEqual(again, { id: '2000', created: false });
  t.is(standin.requests.filter((r) => r.method === 'GET' && r.path.includes('/comments')).length, 2);
  t.is(standin.comments.at(-1)!.raw, `${marker}\nupdated`);
});

test('listOpenPullRequests sends If-None-Match and reports unchanged on 304 only', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.openPullRequest({ head: 'a', base: 'main', title: 'a', body: '' });
  await provider.openPullRequest({ head: 'b', base: 'release', title: 'b', body: '' });
  const all = await provider.listOpenPullRequests();
  t.deepEqual(all.unchanged ? [] : all.pulls.map((p) => p.headBranch), ['a', 'b']);
  standin.requests.length = 0;
  t.deepEqual(await provider.listOpenPullRequests(), { unchanged: true });
  t.truthy(standin.requests[0].headers['if-none-match']);
  const intoMain = await provider.listOpenPullRequests('main');
  t.deepEqual(intoMain.unchanged ? [] : intoMain.pulls.map((p) => p.headBranch), ['a']);
  standin.pulls[0].state = 'MERGED';
  const afterMerge = await provider.listOpenPullRequests();
  t.deepEqual(afterMerge.unchanged ? 'unchanged' : afterMerge.pulls.map((p) => p.headBranch), ['b']);

  standin.honourIfNoneMatch = false;
  t.false((await provider.listOpenPullRequests()).unchanged);
});

test('a 502 and a 429 are retried, waiting what retry-after asks', async (t) => {
  const { standin, provider, waits } = await setup(t);
  standin.failNext(1, 502);
  standin.failNext(1, 429, { 'retry-after': '3' });
  await provider.setCommitStatus({
    sha: SHA,
    state: 'success',
    context: 'capstan/shop',
    description: 'Healthy',
  });
  t.is(standin.requests.length, 3);
  t.is(standin.statuses.length, 1);
  t.is(waits.length, 2);
  t.true(waits[1] >= 3000);
});

test('a 404 fails at once with PROVIDER_REQUEST_FAILED, and no error carries the token', async (t) => {
  const { standin, provider } = await setup(t);
  standin.failNext(1, 404, {}, { type: 'error', error: { message: `Repository not found for ${TOKEN}` } });
  const error = await t.throwsAsync(provider.findOpenPullRequest('a', 'main'));
  t.true(error instanceof CapstanError);
  t.is((error as CapstanError).code, 'PROVIDER_REQUEST_FAILED');
  t.is((error as CapstanError).data.status, 404);
  t.is(standin.requests.length, 1);
  t.regex(error.message, /bitbucket: GET \/repositories\/acme\/shop\/pullrequests/);
  t.false(
    JSON.stringify({ m: error.message, d: (error as CapstanError).data, s: error.stack }).includes(TOKEN),
  );

  const wrong = new BitbucketProvider({
    provider: 'bitbucket',
    apiUrl: standin.url,
    repository: REPO,
    token: 'nope-not-it',
  });
  const refused = await t.throwsAsync(wrong.upsertComment(1, '<!-- m -->', 'x'));
  t.is((refused as CapstanError).data.status, 401);
  t.false(refused.message.includes('nope-not-it'));
});

test('a paged list whose next page is on another host is refused, the token not sent there', async (t) => {
  const { standin, provider } = await setup(t);
  standin.failNext(1, 200, {}, { values: [], next: 'http://127.0.0.2:9/2.0/elsewhere?page=2' });
  const error = await t.throwsAsync(provider.findOpenPullRequest('a', 'main'));
  t.regex(error.message, /another host/);
  t.is(standin.requests.length, 1);
});

test('a repository that is not workspace/slug is refused', (t) => {
  const options = { provider: 'bitbucket' as const, apiUrl: 'https://api.bitbucket.org/2.0', token: TOKEN };
  t.is(
    (t.throws(() => new BitbucketProvider({ ...options, repository: 'shop' })) as CapstanError | undefined)
      ?.code,
    'PROVIDER_INVALID_OPTION',
  );
  t.is(
    (t.throws(() => new BitbucketProvider({ ...options, repository: 'a/b/c' })) as CapstanError | undefined)
      ?.code,
    'PROVIDER_INVALID_OPTION',
  );
});

test('an API that cannot be reached ends in PROVIDER_UNREACHABLE after the retries', async (t) => {
  const { standin } = await setup(t);
  const url = standin.url;
  await standin.close();
  const provider = new BitbucketProvider(
    { provider: 'bitbucket', apiUrl: url, repository: REPO, token: TOKEN, retries: 1 },
    { sleep: async () => {} },
  );
  const error = await t.throwsAsync(provider.listOpenPullRequests());
  t.is((error as CapstanError).code, 'PROVIDER_UNREACHABLE');
  t.is((error as CapstanError).data.attempts, 2);
});

test('createProvider gives the Bitbucket client, and refuses a repository it cannot name at once', async (t) => {
  const { standin } = await setup(t);
  const provider = createProvider({
    provider: 'bitbucket',
    apiUrl: standin.url,
    repository: REPO,
    token: TOKEN,
  });
  t.is(provider.name, 'bitbucket');
  await provider.setCommitStatus({
    sha: SHA,
    state: 'success',
    context: 'capstan/shop',
    description: 'Healthy',
  });
  t.is(standin.statuses.length, 1);
  const error = t.throws(() =>
    createProvider({ provider: 'bitbucket', apiUrl: standin.url, repository: 'shop', token: TOKEN }),
  ) as CapstanError | undefined;
  t.is(error?.code, 'PROVIDER_INVALID_OPTION');
});
