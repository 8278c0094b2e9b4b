import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { createProvider } from '../../src/providers/index.js';
import { GitLabProvider } from '../../src/providers/gitlab.js';
import { GitLabStandin } from '../helpers/providers/gitlab-standin.js';

const TOKEN = 'glpat-s3cret-standin-token';
const PROJECT = 'acme/platform/shop';
const ENCODED = 'acme%2Fplatform%2Fshop';
const SHA = 'a'.repeat(40);

async function setup(t: { teardown(fn: () => unknown): void }) {
  const standin = new GitLabStandin({ token: TOKEN });
  await standin.start();
  t.teardown(() => standin.close());
  const waits: number[] = [];
  const provider = new GitLabProvider(
    { provider: 'gitlab', apiUrl: standin.url, repository: PROJECT, token: TOKEN },
    { sleep: async (ms) => void waits.push(ms), random: () => 0 },
  );
  return { standin, provider, waits };
}

test('a commit status is posted with name = context, target_url, description and GitLab’s state', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.setCommitStatus({
    sha: SHA,
    state: 'failure',
    context: 'capstan/shop-prod',
    description: 'Degraded: pod web-1 failed its readiness probe\nsecond line',
    targetUrl: 'http://capstan.local/api/v1/applications/shop-prod',
  });
  t.is(standin.requests.length, 1);
  t.is(standin.requests[0].method, 'POST');
  t.is(standin.requests[0].path, `/api/v4/projects/${ENCODED}/statuses/${SHA}`);
  t.is(standin.requests[0].headers['private-token'], TOKEN);
  t.like(standin.statuses[0], {
    project: PROJECT,
    sha: SHA,
    name: 'capstan/shop-prod',
    state: 'failed',
    target_url: 'http://capstan.local/api/v1/applications/shop-prod',
    description: 'Degraded: pod web-1 failed its readiness probe',
  });
  await provider.setCommitStatus({
    sha: SHA,
    state: 'success',
    context: 'capstan/shop-prod',
    description: 'x'.repeat(300),
  });
  t.is(standin.statuses[1].state, 'success');
  t.is(standin.statuses[1].description?.length, 255);
});

test('a second pending for the same commit and context succeeds (GitLab refuses pending → pending)', async (t) => {
  const { standin, provider } = await setup(t);
  const pending = { sha: SHA, state: 'pending' as const, context: 'capstan/shop', description: 'queued' };
  await provider.setCommitStatus(pending);
  await provider.setCommitStatus(pending);
  t.is(standin.requests.length, 2);
  t.is(standin.statuses.length, 1);
});

test('openPullRequest creates a merge request, then edits the open one instead of opening another', async (t) => {
  const { standin, provider } = await setup(t);
  standin.heads.set('capstan/promote/shop/prod/abc1234', 'b'.repeat(40));
  const draft = {
    head: 'capstan/promote/shop/prod/abc1234',
    base: 'main',
    title: 'Promote shop',
    body: 'diff 1',
  };
  const opened = await provider.openPullRequest(draft);
  t.deepEqual(opened, {
    number: 1,
    url: `${standin.origin}/${PROJECT}/-/merge_requests/1`,
    state: 'open',
    title: 'Promote shop',
    headBranch: draft.head,
    headSha: 'b'.repeat(40),
    baseBranch: 'main',
  });
  const create = standin.requests.find((r) => r.method === 'POST')!;
  t.is(create.path, `/api/v4/projects/${ENCODED}/merge_requests`);
  t.like(create.body, {
    source_branch: draft.head,
    target_branch: 'main',
    title: 'Promote shop',
    description: 'diff 1',
  });

  const again = await provider.openPullRequest({ ...draft, title: 'Promote shop (2)', body: 'diff 2' });
  t.is(again.number, 1);
  t.is(standin.pulls.length, 1);
  t.like(standin.pulls[0], { title: 'Promote shop (2)', description: 'diff 2' });
  const edit = standin.requests.at(-1)!;
  t.is(edit.method, 'PUT');
  t.is(edit.path, `/api/v4/projects/${ENCODED}/merge_requests/1`);
});

test('findOpenPullRequest asks for opened merge requests by source and target branch', async (t) => {
  const { standin, provider } = await setup(t);
  t.is(await provider.findOpenPullRequest('feature', 'main'), undefined);
  const query = new URL(standin.requests[0].path, standin.origin).searchParams;
  t.is(query.get('state'), 'opened');
  t.is(query.get('source_branch'), 'feature');
  t.is(query.get('target_branch'), 'main');
  await provider.openPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' });
  await provider.openPullRequest({ head: 'other', base: 'main', title: 'o', body: '' });
  standin.pulls[0].state = 'merged';
  t.is(await provider.findOpenPullRequest('feature', 'main'), undefined);
  t.like(await provider.findOpenPullRequest('other', 'main'), { number: 2, headBranch: 'other' });
});

test('upsertComment posts one note, then edits it on every later call and never posts again', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.openPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' });
  const marker = '<!-- capstan:preview:shop -->';
  const first = await provider.upsertComment(1, marker, `${marker}\nPreview starting`);
  t.true(first.created);
  const second = await provider.upsertComment(1, marker, `${marker}\nPreview Healthy`);
  const third = await provider.upsertComment(1, marker, 'Preview Degraded (the marker is added)');
  t.deepEqual(
    [second, third],
    [
      { id: first.id, created: false },
      { id: first.id, created: false },
    ],
  );
  t.is(standin.comments.length, 1);
  t.is(standin.comments[0].body, `${marker}\nPreview Degraded (the marker is added)`);
  t.is(standin.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/notes')).length, 1);
  const edit = standin.requests.at(-1)!;
  t.is(edit.method, 'PUT');
  t.is(edit.path, `/api/v4/projects/${ENCODED}/merge_requests/1/notes/${first.id}`);
});

test('upsertComment finds its note beyond the first page of notes', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.openPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' });
  const marker = '<!-- capstan:promotion:shop -->';
  const mine = await provider.upsertComment(1, marker, 'first');
  for (let i = 0; i < 150; i++)
    standin.comments.push({ ...standin.comments[0], id: 1000 + i, body: `review ${i}` });
  standin.comments.push(standin.comments.splice(0, 1)[0]); // now the last of 151
  standin.requests.length = 0;
  const again = await provider.upsertComment(1, marker, 'second');
  t.deepEqual(again, { id: mine.id, created: false });
  t.is(standin.requests.filter((r) => r.method === 'GET').length, 2);
  t.is(standin.comments.at(-1)!.body, `${marker}\nsecond`);
});

test('listOpenPullRequests sends If-None-Match and reports unchanged on 304 only', async (t) => {
  const { standin, provider } = await setup(t);
  await provider.openPullRequest({ head: 'a', base: 'main', title: 'a', body: '' });
  await provider.openPullRequest({ head: 'b', base: 'release', title: 'b', body: '' });
  const all = await provider.listOpenPullRequests();
  t.false(all.unchanged);
  t.deepEqual(all.unchanged ? [] : all.pulls.map((p) => p.headBranch).sort(), ['a', 'b']);

  standin.requests.length = 0;
  t.deepEqual(await provider.listOpenPullRequests(), { unchanged: true });
  t.truthy(standin.requests[0].headers['if-none-match']);

  const intoMain = await provider.listOpenPullRequests('main');
  t.deepEqual(intoMain.unchanged ? [] : intoMain.pulls.map((p) => p.headBranch), ['a']);

  standin.pulls[0].state = 'closed';
  const afterClose = await provider.listOpenPullRequests();
  t.deepEqual(afterClose.unchanged ? 'unchanged' : afterClose.pulls.map((p) => p.headBranch), ['b']);
});

test('listOpenPullRequests reports a change every time when GitLab ignores If-None-Match', async (t) => {
  const { standin, provider } = await setup(t);
  standin.honourIfNoneMatch = false;
  await provider.openPullRequest({ head: 'a', base: 'main', title: 'a', body: '' });
  await provider.listOpenPullRequests();
  const again = await provider.listOpenPullRequests();
  t.false(again.unchanged);
  t.truthy(standin.requests.at(-1)!.headers['if-none-match']);
});

test('a 502 and a 429 are retried, waiting what retry-after asks', async (t) => {
  const { standin, provider, waits } = await setup(t);
  standin.failNext(1, 502);
  standin.failNext(1, 429, { 'retry-after': '2', 'ratelimit-remaining': '0' });
  await provider.setCommitStatus({
    sha: SHA,
    state: 'success',
    context: 'capstan/shop',
    description: 'Healthy',
  });
  t.is(standin.requests.length, 3);
  t.is(standin.statuses.length, 1);
  t.is(waits.length, 2);
  t.true(waits[1] >= 2000);
});

test('a 429 with only ratelimit-reset (epoch seconds) waits until the reset', async (t) => {
  const { standin, provider, waits } = await setup(t);
  const resetAt = Math.ceil(Date.now() / 1000) + 5;
  standin.failNext(1, 429, { 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetAt) });
  await provider.findOpenPullRequest('a', 'main');
  t.is(standin.requests.length, 2);
  t.true(waits[0] >= 3000 && waits[0] <= 7000);
});

test('a 404 fails at once with PROVIDER_REQUEST_FAILED, and no error carries the token', async (t) => {
  const { standin, provider } = await setup(t);
  standin.failNext(1, 404, {}, { message: `404 Project Not Found (token ${TOKEN})` });
  const error = await t.throwsAsync(
    provider.setCommitStatus({ sha: SHA, state: 'success', context: 'c', description: 'd' }),
  );
  t.true(error instanceof CapstanError);
  t.is((error as CapstanError).code, 'PROVIDER_REQUEST_FAILED');
  t.is((error as CapstanError).data.status, 404);
  t.is(standin.requests.length, 1);
  t.false(
    JSON.stringify({ m: error.message, d: (error as CapstanError).data, s: error.stack }).includes(TOKEN),
  );
  t.regex(error.message, /gitlab: POST \/projects\/acme%2Fplatform%2Fshop\/statuses/);

  const wrongToken = new GitLabProvider({
    provider: 'gitlab',
    apiUrl: standin.url,
    repository: PROJECT,
    token: 'nope-not-it',
  });
  const refused = await t.throwsAsync(wrongToken.findOpenPullRequest('a', 'main'));
  t.is((refused as CapstanError).code, 'PROVIDER_REQUEST_FAILED');
  t.is((refused as CapstanError).data.status, 401);
  t.false(refused.message.includes('nope-not-it'));
});

test('5xx on every try ends in PROVIDER_UNAVAILABLE after the configured retries', async (t) => {
  const { standin } = await setup(t);
  const provider = new GitLabProvider(
    { provider: 'gitlab', apiUrl: standin.url, repository: PROJECT, token: TOKEN, retries: 2 },
    { sleep: async () => {} },
  );
  standin.failNext(5, 503);
  const error = await t.throwsAsync(provider.findOpenPullRequest('a', 'main'));
  t.is((error as CapstanError).code, 'PROVIDER_UNAVAILABLE');
  t.is(standin.requests.length, 3);
});

test('a repository that is not a project path, or an apiUrl that is not http(s), is refused', (t) => {
  const options = {
    provider: 'gitlab' as const,
    apiUrl: 'https://gitlab.com/api/v4',
    repository: 'shop',
    token: TOKEN,
  };
  t.is(
    (t.throws(() => new GitLabProvider(options)) as CapstanError | undefined)?.code,
    'PROVIDER_INVALID_OPTION',
  );
  t.is(
    (
      t.throws(() => new GitLabProvider({ ...options, repository: 'a/b', apiUrl: 'gitlab.com' })) as
        CapstanError | undefined
    )?.code,
    'PROVIDER_INVALID_OPTION',
  );
});

test('an API that cannot be reached ends in PROVIDER_UNREACHABLE after the retries', async (t) => {
  const { standin } = await setup(t);
  const url = standin.url;
  await standin.close();
  const provider = new GitLabProvider(
    { provider: 'gitlab', apiUrl: url, repository: PROJECT, token: TOKEN, retries: 1 },
    { sleep: async () => {} },
  );
  const error = await t.throwsAsync(provider.listOpenPullRequests());
  t.is((error as CapstanError).code, 'PROVIDER_UNREACHABLE');
  t.is((error as CapstanError).data.attempts, 2);
});

test('createProvider gives the GitLab client, and refuses a repository it cannot name at once', async (t) => {
  const { standin } = await setup(t);
  const provider = createProvider({
    provider: 'gitlab',
    apiUrl: standin.url,
    repository: PROJECT,
    token: TOKEN,
  });
  t.is(provider.name, 'gitlab');
  await provider.setCommitStatus({
    sha: SHA,
    state: 'success',
    context: 'capstan/shop',
    description: 'Healthy',
  });
  t.is(standin.statuses.length, 1);
  const error = t.throws(() =>
    createProvider({ provider: 'gitlab', apiUrl: standin.url, repository: 'shop', token: TOKEN }),
  ) as CapstanError | undefined;
  t.is(error?.code, 'PROVIDER_INVALID_OPTION');
});
