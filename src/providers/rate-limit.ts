import { headerOf, type HeaderBag } from './http-failure.js';

/**
 * Reads a provider's "slow down" answer. The headers differ by provider:
 * - `retry-after`: seconds or an HTTP date (GitHub's secondary limits, GitLab, Bitbucket, Gitea);
 * - GitHub: `x-ratelimit-remaining: 0` with `x-ratelimit-reset` in epoch seconds;
 * - GitLab: `ratelimit-remaining: 0` with `ratelimit-reset` in epoch seconds (the IETF draft
 *   header of the same name holds seconds from now, so a small number is read as a delta).
 * GitHub answers a spent limit with 403 as well as 429, so a 403 counts only with such headers.
 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
 */

export interface RateLimit {
  /** How long to wait before the next call, when the answer says; never negative. */
  waitMs?: number;
  /** When the limit resets, when the answer says. */
  resetAt?: Date;
}

/** Below this a `ratelimit-reset` is seconds from now, above it a Unix time (2001-09-09). */
const EPOCH_SECONDS_FLOOR = 1e9;

function at(resetMs: number, nowMs: number): RateLimit {
  return { waitMs: Math.max(0, resetMs - nowMs), resetAt: new Date(resetMs) };
}

function fromRetryAfter(value: string, nowMs: number): RateLimit | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return at(nowMs + Number(trimmed) * 1000, nowMs);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : at(date, nowMs);
}

function fromReset(value: string | undefined, nowMs: number): RateLimit | undefined {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0) return undefined;
  return at(n >= EPOCH_SECONDS_FLOOR ? n * 1000 : nowMs + n * 1000, nowMs);
}

/**
 * The rate limit a 403 or 429 answer reports, or undefined when the answer is not about a
 * rate limit (a 403 without rate-limit headers: the token lacks the rights).
 * Worked example: 403, `x-ratelimit-remaining: 0`, `x-ratelimit-reset: 1700000060`, now
 * 1700000000000 → wait 60,000 ms, reset at 2023-11-14T22:14:20Z.
 */
export function rateLimitOf(status: number, headers: HeaderBag, nowMs: number): RateLimit | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headerOf(headers, 'retry-after');
  const fromHeader = retryAfter === undefined ? undefined : fromRetryAfter(retryAfter, nowMs);
  if (fromHeader) return fromHeader;
  if (headerOf(headers, 'x-ratelimit-remaining') === '0') {
    return fromReset(headerOf(headers, 'x-ratelimit-reset'), nowMs) ?? {};
  }
  if (headerOf(headers, 'ratelimit-remaining') === '0' || status === 429) {
    return fromReset(headerOf(headers, 'ratelimit-reset'), nowMs) ?? {};
  }
  return undefined;
}
