import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { backoffMs, withRetries, type RetryOptions } from '../../src/providers/retry.js';

const TOKEN = 'ghp_secret_token_value';

/** An error shaped as @octokit/request-error throws it. */
function octokitError(status: number, headers: Record<string, string> = {}, message = 'nope') {
  return Object.assign(new Error(message), { status, response: { headers, data: { message } } });
}

/** A call failing with `failures` in order, then answering 'ok'; counts its calls. */
function failing(...failures: unknown[]) {
  const calls = { count: 0 };
  const call = async () => {
    calls.count++;
    const next = failures.shift();
    if (next !== undefined) throw next;
    return 'ok';
  };
  return { call, calls };
}

function options(waits: number[], more: Partial<RetryOptions> = {}): RetryOptions {
  return {
    provider: 'github',
    method: 'get',
    path: '/repos/acme/shop/pulls?state=open',
    secrets: [TOKEN],
    sleep: async (ms) => void waits.push(ms),
    random: () => 0,
    now: () => Date.parse('2024-05-01T12:00:00Z'),
    ...more,
  };
}

test('backoffMs doubles from the base and keeps a random half: 250–500, 500–1,000, …; capped', (t) => {
  t.is(
    backoffMs(0, 500, () => 0, 60_000),
    250,
  );
  t.is(
    backoffMs(0, 500, () => 0.999999, 60_000),
    500,
  );
  t.is(
    backoffMs(3, 500, () => 0, 60_000),
    2000,
  );
  t.is(
    backoffMs(20, 500, () => 1, 60_000),
    30_000,
    'never past 30 s',
  );
  t.is(
    backoffMs(3, 500, () => 1, 1_000),
    1_000,
    'never past maxWaitMs',
  );
});

test('a success after 5xx answers and network errors resolves to the value', async (t) => {
  const waits: number[] = [];
  const refused = new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
  });
  const { call, calls } = failing(octokitError(502), refused, octokitError(503));
  t.is(await withRetries(call, options(waits)), 'ok');
  t.is(calls.count, 4);
  t.deepEqual(waits, [250, 500, 1000]);
});

test('5xx on every try fails with PROVIDER_UNAVAILABLE after retries + 1 calls', async (t) => {
  const waits: number[] = [];
  const { call, calls } = failing(...Array.from({ length: 10 }, () => octokitError(500)));
  const error = await t.throwsAsync(withRetries(call, options(waits, { retries: 2 })), {
    instanceOf: CapstanError,
  });
  t.is(error?.code, 'PROVIDER_UNAVAILABLE');
  t.like(error?.data, {
    status: 500,
    method: 'GET',
    path: '/repos/acme/shop/pulls',
    attempts: 3,
    transient: true,
  });
  t.is(calls.count, 3);
  t.is(waits.length, 2);
  t.false(error?.message.includes('state=open'), 'no query string in the message');
});

test('a 429 on every try fails with PROVIDER_RATE_LIMITED after the retries', async (t) => {
  const waits: number[] = [];
  const { call, calls } = failing(
    ...Array.from({ length: 10 }, () => octokitError(429, { 'retry-after': '1' })),
  );
  const error = await t.throwsAsync(withRetries(call, options(waits, { retries: 1 })), {
    instanceOf: CapstanError,
  });
  t.is(error?.code, 'PROVIDER_RATE_LIMITED');
  t.is(calls.count, 2);
  t.deepEqual(waits, [1000]);
});

test('a 403 without rate-limit headers and a 422 fail at once with PROVIDER_REQUEST_FAILED', async (t) => {
  for (const status of [403, 422, 401]) {
    const waits: number[] = [];
    const { call, calls } = failing(octokitError(status));
    const error = await t.throwsAsync(withRetries(call, options(waits)), { instanceOf: CapstanError });
    t.is(error?.code, 'PROVIDER_REQUEST_FAILED');
    t.is(error?.data.status, status);
    t.is(calls.count, 1);
    t.deepEqual(waits, []);
  }
});

test('a gitbeaker-shaped error (cause.response) and a thrown Response (gitea-js) are read alike', async (t) => {
  const waits: number[] = [];
  const gitbeaker = Object.assign(new Error('Too Many Requests'), {
    cause: {
      description: 'slow down',
      response: new Response(null, { status: 429, headers: { 'ratelimit-reset': '5' } }),
    },
  });
  const gitea = Object.assign(new Response(null, { status: 502 }), { error: { message: 'bad gateway' } });
  const { call } = failing(gitbeaker, gitea);
  t.is(await withRetries(call, options(waits)), 'ok');
  t.deepEqual(waits, [5000, 500]);
});

test('a CapstanError from the call passes through untouched; anything else is wrapped with the token removed', async (t) => {
  const own = new CapstanError('PROVIDER_BAD_RESPONSE', 'odd body');
  t.is(await t.throwsAsync(withRetries(failing(own).call, options([]))), own);
  const odd = new Error(`parse error near Authorization: token ${TOKEN}`);
  const error = await t.throwsAsync(withRetries(failing(odd).call, options([])), {
    instanceOf: CapstanError,
  });
  t.is(error?.code, 'PROVIDER_REQUEST_FAILED');
  t.false(error?.message.includes(TOKEN));
  t.true(error?.message.includes('token ***'));
});
