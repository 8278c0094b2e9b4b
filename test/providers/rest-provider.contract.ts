/**
 * The behaviour every provider client owes Capstan, run against a stand-in of the provider's
 * REST API over real HTTP. GitHub and Gitea share the stand-in shape (pulls, comments,
 * statuses, `token …` authorization), so one suite serves both.
 */
import test, { type ExecutionContext } from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { createProvider } from '../../src/providers/index.js';
import type { ApiProviderName, GitProvider } from '../../src/providers/types.js';
import type { RecordedRequest } from '../helpers/providers/recording-server.js';

/** What the suite reads of a stand-in. */
export interface RestStandin {
  readonly url: string;
  readonly token: string;
  readonly requests: RecordedRequest[];
  readonly pulls: {
    number: number;
    title: string;
    body: string;
    state: string;
    head: string;
    base: string;
    repository: string;
  }[];
  readonly comments: { id: number; issue: number; body: string; repository: string }[];
  readonly statuses: {
    sha: string;
    state: string;
    context: string;
    description: string | null;
    target_url: string | null;
  }[];
  start(): Promise<void>;
  close(): Promise<void>;
  failNext(n: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  headOf(branch: string): string;
}

export interface ContractSubject {
  provider: Exclude<ApiProviderName, 'gitlab' | 'bitbucket'>;
  standin: () => RestStandin;
  /** The API path prefix the stand-in serves under (`/api/v3`, `/api/v1`). */
  prefix: string;
  /** The longest status description the provider keeps. */
  descriptionMax: number;
  /** The client's page size for pull requests. */
  pullsPerPage: number;
}

const REPO = 'acme/shop';
const SHA = 'c'.repeat(40);
const MARKER = '<!-- capstan:preview:shop -->';

export function providerContract(subject: ContractSubject): void {
  const name = subject.provider;

  async function setup(
    t: ExecutionContext,
    options: { maxWaitMs?: number; repository?: string; token?: string } = {},
  ) {
    const standin = subject.standin();
    await standin.start();
    t.teardown(() => standin.close());
    const waits: number[] = [];
    const provider: GitProvider = createProvider(
      {
        provider: name,
        apiUrl: standin.url,
        repository: options.repository ?? REPO,
        token: options.token ?? standin.token,
        maxWaitMs: options.maxWaitMs,
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0 },
    );
    return { standin, provider, waits };
  }

  function seedPull(standin: RestStandin, n: number, head: string, base = 'main') {
    standin.pulls.push({
      number: n,
      repository: REPO,
      title: `PR ${n}`,
      body: '',
      state: 'open',
      head,
      base,
      ...extra(standin, head),
    });
  }

  function extra(standin: RestStandin, head: string) {
    return { merged: false, headSha: standin.headOf(head) };
  }

  test(`${name}: a commit status carries state, context, target URL and a one-line description, with the token`, async (t) => {
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
    t.is(standin.requests[0].path, `${subject.prefix}/repos/${REPO}/statuses/${SHA}`);
    t.is(standin.requests[0].headers.authorization, `token ${standin.token}`);
    t.like(standin.statuses[0], {
      sha: SHA,
      state: 'failure',
      context: 'capstan/shop-prod',
      description: 'Degraded: pod web-1 failed its readiness probe',
      target_url: 'http://capstan.local/api/v1/applications/shop-prod',
    });
    await provider.setCommitStatus({
      sha: SHA,
      state: 'success',
      context: 'capstan/shop-prod',
      description: 'x'.repeat(400),
    });
    t.is(standin.statuses[1].state, 'success');
    t.is(standin.statuses[1].description?.length, subject.descriptionMax);
    t.true(standin.statuses[1].description?.endsWith('…'));
  });

  test(`${name}: openPullRequest creates one, then edits the open one between the same branches`, async (t) => {
    const { standin, provider } = await setup(t);
    const draft = {
      head: 'capstan/promote/shop/prod/abc1234',
      base: 'main',
      title: 'Promote shop to prod',
      body: 'diff v1',
    };
    const created = await provider.openPullRequest(draft);
    t.like(created, {
      number: 1,
      state: 'open',
      title: draft.title,
      headBranch: draft.head,
      baseBranch: 'main',
    });
    t.is(created.headSha, standin.headOf(draft.head));
    t.true(created.url.endsWith('/1'));
    const edited = await provider.openPullRequest({
      ...draft,
      title: 'Promote shop to prod (2 images)',
      body: 'diff v2',
    });
    t.is(edited.number, 1);
    t.is(edited.title, 'Promote shop to prod (2 images)');
    t.is(standin.pulls.length, 1);
    t.like(standin.pulls[0], { title: 'Promote shop to prod (2 images)', body: 'diff v2' });
    t.deepEqual(
      standin.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`),
      [
        `GET ${subject.prefix}/repos/${REPO}/pulls`,
        `POST ${subject.prefix}/repos/${REPO}/pulls`,
        `GET ${subject.prefix}/repos/${REPO}/pulls`,
        `PATCH ${subject.prefix}/repos/${REPO}/pulls/1`,
      ],
    );
  });

  test(`${name}: a pull request opened by someone else since the look is edited, not duplicated`, async (t) => {
    const { standin, provider } = await setup(t);
    // The first look answers an empty list; the PR appears before the create.
    standin.failNext(1, 200, {}, []);
    seedPull(standin, 1, 'feature', 'main');
    const pull = await provider.openPullRequest({ head: 'feature', base: 'main', title: 'Mine', body: 'b' });
    t.is(pull.number, 1);
    t.is(standin.pulls.length, 1);
    t.is(standin.pulls[0].title, 'Mine');
  });

  test(`${name}: findOpenPullRequest matches head and base and skips closed ones`, async (t) => {
    const { standin, provider } = await setup(t);
    seedPull(standin, 1, 'feature', 'main');
    seedPull(standin, 2, 'feature', 'release');
    seedPull(standin, 3, 'old', 'main');
    standin.pulls[2].state = 'closed';
    t.is((await provider.findOpenPullRequest('feature', 'release'))?.number, 2);
    t.is((await provider.findOpenPullRequest('feature', 'main'))?.number, 1);
    t.is(await provider.findOpenPullRequest('old', 'main'), undefined);
    t.is(await provider.findOpenPullRequest('nothing', 'main'), undefined);
  });

  test(`${name}: the open pull requests are listed on every page, filtered by base`, async (t) => {
    const { standin, provider } = await setup(t);
    const count = subject.pullsPerPage + 5;
    for (let n = 1; n <= count; n++) seedPull(standin, n, `pr-${n}`, n % 2 ? 'main' : 'release');
    standin.pulls[0].state = 'closed';
    const all = await provider.listOpenPullRequests();
    t.false(all.unchanged);
    if (all.unchanged) return;
    t.is(all.pulls.length, count - 1);
    t.deepEqual(new Set(all.pulls.map((p) => p.number)).size, count - 1);
    t.is(standin.requests.length, 2, 'two pages');
    const main = await provider.listOpenPullRequests('main');
    if (main.unchanged) return t.fail('the main list was never read');
    t.true(main.pulls.every((p) => p.baseBranch === 'main'));
    t.is(main.pulls.length, Math.ceil(count / 2) - 1);
  });

  test(`${name}: an unchanged list is answered 304 to its ETag and reported unchanged; a change is seen`, async (t) => {
    const { standin, provider } = await setup(t);
    seedPull(standin, 1, 'feature');
    const first = await provider.listOpenPullRequests();
    t.false(first.unchanged);
    const etag = standin.requests[0].headers['if-none-match'];
    t.is(etag, undefined, 'the first list is unconditional');
    const second = await provider.listOpenPullRequests();
    t.deepEqual(second, { unchanged: true });
    t.truthy(standin.requests[1].headers['if-none-match'], 'the second list sends the ETag');
    seedPull(standin, 2, 'other');
    const third = await provider.listOpenPullRequests();
    if (third.unchanged) return t.fail('a new pull request was not seen');
    t.deepEqual(third.pulls.map((p) => p.number).sort(), [1, 2]);
  });

  test(`${name}: upsertComment posts once, then edits the marked comment and never posts again`, async (t) => {
    const { standin, provider } = await setup(t);
    seedPull(standin, 1, 'feature');
    // someone else's comments first, enough to push Capstan's past GitHub's first page
    for (let i = 0; i < 120; i++)
      standin.comments.push({ id: 5000 + i, issue: 1, body: `LGTM ${i}`, repository: REPO });
    const posted = await provider.upsertComment(1, MARKER, 'Preview: http://shop-pr-1.local — Progressing');
    t.true(posted.created);
    t.is(standin.comments.length, 121);
    const mine = standin.comments[120];
    t.is(mine.body, `${MARKER}\nPreview: http://shop-pr-1.local — Progressing`);
    const edited = await provider.upsertComment(
      1,
      MARKER,
      `${MARKER}\nPreview: http://shop-pr-1.local — Healthy`,
    );
    t.deepEqual(edited, { id: posted.id, created: false });
    await provider.upsertComment(1, MARKER, 'Preview: http://shop-pr-1.local — Degraded');
    t.is(standin.comments.length, 121, 'never re-posted');
    t.is(mine.body, `${MARKER}\nPreview: http://shop-pr-1.local — Degraded`);
    t.is(standin.requests.filter((r) => r.method === 'POST').length, 1);
    t.is(standin.requests.filter((r) => r.method === 'PATCH').length, 2);
  });

  test(`${name}: 502s are retried with backoff and the call succeeds`, async (t) => {
    const { standin, provider, waits } = await setup(t);
    standin.failNext(2, 502, {}, { message: 'Server Error' });
    await provider.setCommitStatus({
      sha: SHA,
      state: 'pending',
      context: 'capstan/shop',
      description: 'queued',
    });
    t.is(standin.requests.length, 3);
    t.is(standin.statuses.length, 1);
    t.deepEqual(waits, [250, 500], 'equal jitter with random() = 0: half of 500, then half of 1,000');
  });

  test(`${name}: a 429 with retry-after waits that long, then succeeds`, async (t) => {
    const { standin, provider, waits } = await setup(t);
    standin.failNext(1, 429, { 'retry-after': '7' }, { message: 'Too Many Requests' });
    const list = await provider.listOpenPullRequests();
    t.false(list.unchanged);
    t.is(standin.requests.length, 2);
    t.deepEqual(waits, [7000]);
  });

  test(`${name}: a 403 rate limit resetting after maxWaitMs fails with PROVIDER_RATE_LIMITED naming the reset`, async (t) => {
    const { standin, provider, waits } = await setup(t, { maxWaitMs: 30_000 });
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    standin.failNext(
      1,
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      {
        message: 'API rate limit exceeded',
      },
    );
    const error = await t.throwsAsync(provider.findOpenPullRequest('feature', 'main'), {
      instanceOf: CapstanError,
    });
    t.is(error?.code, 'PROVIDER_RATE_LIMITED');
    t.true(error?.message.includes(new Date(reset * 1000).toISOString()), error?.message);
    t.is(error?.data.resetAt, new Date(reset * 1000).toISOString());
    t.true(error?.data.transient);
    t.deepEqual(waits, [], 'no wait at all');
    t.is(standin.requests.length, 1);
  });

  test(`${name}: a 403 rate limit within maxWaitMs is waited out`, async (t) => {
    const { standin, provider, waits } = await setup(t);
    const reset = Math.ceil(Date.now() / 1000) + 20;
    standin.failNext(1, 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    seedPull(standin, 1, 'feature');
    t.is((await provider.findOpenPullRequest('feature', 'main'))?.number, 1);
    t.is(waits.length, 1);
    // the reset is a whole second 20–21 s from now: Date.now() is rounded up to the second
    t.true(waits[0] > 15_000 && waits[0] <= 21_000, String(waits[0]));
  });

  test(`${name}: a 404 fails at once with PROVIDER_REQUEST_FAILED naming status, method and path`, async (t) => {
    const { standin, provider, waits } = await setup(t);
    const error = await t.throwsAsync(provider.upsertComment(99, MARKER, 'hello'), {
      instanceOf: CapstanError,
    });
    t.is(error?.code, 'PROVIDER_REQUEST_FAILED');
    t.like(error?.data, {
      status: 404,
      method: 'GET',
      path: `/repos/${REPO}/issues/99/comments`,
      transient: false,
    });
    t.regex(error?.message ?? '', new RegExp(`GET /repos/${REPO}/issues/99/comments answered 404`));
    t.is(standin.requests.length, 1);
    t.deepEqual(waits, []);
  });

  test(`${name}: the token never appears in an error, even when the server repeats it`, async (t) => {
    const { standin, provider } = await setup(t);
    standin.failNext(1, 422, {}, { message: `token ${standin.token} may not post here` });
    const echoed = await t.throwsAsync(
      provider.setCommitStatus({ sha: SHA, state: 'success', context: 'c', description: 'd' }),
      { instanceOf: CapstanError },
    );
    t.false(JSON.stringify({ m: echoed?.message, d: echoed?.data }).includes(standin.token));
    t.true(echoed?.message.includes('token *** may not post here'), echoed?.message);
    const wrongToken = 'wrong-token-value-1234567890';
    const { provider: stranger, standin: other } = await setup(t, { token: wrongToken });
    const refused = await t.throwsAsync(stranger.listOpenPullRequests(), { instanceOf: CapstanError });
    t.is(refused?.code, 'PROVIDER_REQUEST_FAILED');
    t.is(refused?.data.status, 401);
    t.is(other.requests[0].headers.authorization, `token ${wrongToken}`);
    t.false(
      `${refused?.message} ${JSON.stringify(refused?.data)} ${String(refused?.cause ?? '')}`.includes(
        wrongToken,
      ),
    );
  });

  test(`${name}: an API that does not answer fails with PROVIDER_UNREACHABLE after the retries`, async (t) => {
    const { standin, provider, waits } = await setup(t);
    await standin.close();
    const error = await t.throwsAsync(
      provider.setCommitStatus({ sha: SHA, state: 'pending', context: 'c', description: 'd' }),
      { instanceOf: CapstanError },
    );
    t.is(error?.code, 'PROVIDER_UNREACHABLE');
    t.is(error?.data.errno, 'ECONNREFUSED');
    t.is(waits.length, 4, 'four retries by default');
  });
}
