import test from 'ava';
import { rateLimitOf } from '../../src/providers/rate-limit.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

const cases: {
  name: string;
  status: number;
  headers: Record<string, string>;
  waitMs?: number;
  none?: boolean;
}[] = [
  { name: 'retry-after in seconds', status: 429, headers: { 'retry-after': '30' }, waitMs: 30_000 },
  {
    name: 'retry-after as an HTTP date',
    status: 429,
    headers: { 'retry-after': 'Wed, 01 May 2024 12:01:30 GMT' },
    waitMs: 90_000,
  },
  {
    name: 'a retry-after in the past is no wait',
    status: 429,
    headers: { 'retry-after': 'Wed, 01 May 2024 11:00:00 GMT' },
    waitMs: 0,
  },
  {
    name: 'GitHub primary limit on a 403',
    status: 403,
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 600) },
    waitMs: 600_000,
  },
  {
    name: 'GitHub secondary limit: retry-after wins over the reset',
    status: 403,
    headers: {
      'retry-after': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(NOW / 1000 + 600),
    },
    waitMs: 60_000,
  },
  {
    name: 'GitLab ratelimit-reset as a Unix time',
    status: 429,
    headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 45) },
    waitMs: 45_000,
  },
  {
    name: 'ratelimit-reset as seconds from now (IETF draft)',
    status: 429,
    headers: { 'ratelimit-reset': '12' },
    waitMs: 12_000,
  },
  { name: 'a 429 that says nothing: limited, wait unknown', status: 429, headers: {} },
  {
    name: 'a 403 with a limit left is not a rate limit',
    status: 403,
    headers: { 'x-ratelimit-remaining': '4999' },
    none: true,
  },
  { name: 'a plain 403 is not a rate limit', status: 403, headers: {}, none: true },
  { name: 'a 503 is not a rate limit', status: 503, headers: { 'retry-after': '5' }, none: true },
];

for (const c of cases) {
  test(`rateLimitOf: ${c.name}`, (t) => {
    const limit = rateLimitOf(c.status, c.headers, NOW);
    if (c.none) return t.is(limit, undefined);
    t.truthy(limit);
    t.is(limit?.waitMs, c.waitMs);
    if (c.waitMs) t.is(limit?.resetAt?.getTime(), NOW + c.waitMs);
  });
}

test('rateLimitOf reads fetch Headers as well as plain objects, case-insensitively', (t) => {
  t.is(rateLimitOf(429, new Headers({ 'Retry-After': '2' }), NOW)?.waitMs, 2000);
  t.is(rateLimitOf(429, { 'Retry-After': '3' }, NOW)?.waitMs, 3000);
});
