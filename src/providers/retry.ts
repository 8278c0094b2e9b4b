import { STATUS_CODES } from 'node:http';
import { CapstanError, redactText, sleep as timerSleep } from '../core/index.js';
import { providerError } from './errors.js';
import { describeFailure, type CallFailure } from './http-failure.js';
import { rateLimitOf } from './rate-limit.js';

/**
 * Retries one provider API call: network errors, 5xx, 429 and rate-limited 403s are tried
 * again with exponential backoff and jitter, waiting what the rate-limit headers ask but
 * never longer than `maxWaitMs`; any other 4xx fails at once. Every failure becomes a
 * CapstanError with a PROVIDER_* code naming the method and path, never the token.
 */

/** How one provider client retries; shared by all its calls. */
export interface RetryPolicy {
  /** Retries after the first try; default 4 (five calls at most). */
  retries?: number;
  /** The longest single wait accepted from a rate-limit header, ms; default 60,000. */
  maxWaitMs?: number;
  /** The first backoff step, ms; default 500. */
  baseDelayMs?: number;
  /** Waits `ms`; tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock rate-limit reset times are read against, ms since the epoch. */
  now?: () => number;
  /** A number in [0, 1) for the jitter. */
  random?: () => number;
}

export interface RetryOptions extends RetryPolicy {
  /** For messages: `github`, `gitea`, … */
  provider: string;
  method: string;
  /** The API path called, e.g. `/repos/acme/shop/pulls`; a query string is dropped from messages. */
  path: string;
  /** Strings never to repeat in a message (the token), replaced by `***` in the provider's own text. */
  secrets?: readonly string[];
  /** Sorts a thrown value; the default knows Octokit, gitbeaker, gitea-js and fetch. */
  describe?: (error: unknown) => CallFailure;
}

export const DEFAULT_RETRIES = 4;
export const DEFAULT_MAX_WAIT_MS = 60_000;
const DEFAULT_BASE_DELAY_MS = 500;
/** No backoff step grows past this, whatever the attempt. */
const MAX_BACKOFF_MS = 30_000;
/** Spread added to a rate-limit wait so replicas waiting on one reset do not call at once. */
const RESET_SPREAD_MS = 1_000;

/**
 * The wait before retry number `attempt + 1`: the step doubles, and a random half of it is
 * dropped ("equal jitter"). Worked example, base 500 ms: attempt 0 → 250–500 ms, 1 → 0.5–1 s,
 * 2 → 1–2 s, 3 → 2–4 s; never more than 30 s or `maxWaitMs`.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number, maxWaitMs: number): number {
  const step = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  return Math.min(maxWaitMs, Math.round(step / 2 + (random() * step) / 2));
}

/** Runs `call`, retrying as the policy says; resolves to its value or throws a PROVIDER_* error. */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const baseMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const wait = options.sleep ?? timerSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const describe = options.describe ?? describeFailure;
  const where = `${options.provider}: ${options.method.toUpperCase()} ${options.path.split('?')[0]}`;
  const data = {
    provider: options.provider,
    method: options.method.toUpperCase(),
    path: options.path.split('?')[0],
  };
  const clean = (text: string | undefined) => (text ? redactText(text, options.secrets ?? []) : undefined);

  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CapstanError) throw error;
      const failure = describe(error);
      const tries = { ...data, attempts: attempt + 1 };
      if (failure.kind === 'other') {
        const text = clean(error instanceof Error ? error.message : String(error));
        throw providerError('PROVIDER_REQUEST_FAILED', `${where} failed: ${text}`, {
          ...tries,
          detail: text,
        });
      }
      if (failure.kind === 'network') {
        if (attempt >= retries) {
          throw providerError(
            'PROVIDER_UNREACHABLE',
            `${where} could not reach the API (${failure.code}) after ${attempt + 1} tries: check apiUrl and the network`,
            { ...tries, errno: failure.code },
          );
        }
        await wait(backoffMs(attempt, baseMs, random, maxWaitMs));
        continue;
      }
      const { status, headers } = failure;
      const detail = clean(failure.detail);
      const said = `${status} ${STATUS_CODES[status] ?? ''}`.trim() + (detail ? ` (${detail})` : '');
      const limit = rateLimitOf(status, headers, now());
      if (limit) {
        const needed = limit.waitMs ?? backoffMs(attempt, baseMs, random, maxWaitMs);
        const resets = limit.resetAt ? ` it resets at ${limit.resetAt.toISOString()}` : '';
        const limitData = { ...tries, status, detail, resetAt: limit.resetAt?.toISOString() };
        if (needed > maxWaitMs) {
          throw providerError(
            'PROVIDER_RATE_LIMITED',
            `${where} is rate limited (${status}):${resets || ' no reset time given'}, ${Math.ceil(needed / 1000)} s away — longer than the ${Math.round(maxWaitMs / 1000)} s Capstan waits`,
            limitData,
          );
        }
        if (attempt >= retries) {
          throw providerError(
            'PROVIDER_RATE_LIMITED',
            `${where} is still rate limited (${status}) after ${attempt + 1} tries;${resets || ' no reset time given'}`,
            limitData,
          );
        }
        await wait(needed + Math.round(random() * Math.min(RESET_SPREAD_MS, maxWaitMs - needed)));
        continue;
      }
      if (status >= 500) {
        if (attempt >= retries) {
          throw providerError('PROVIDER_UNAVAILABLE', `${where} answered ${said} to ${attempt + 1} tries`, {
            ...tries,
            status,
            detail,
          });
        }
        await wait(backoffMs(attempt, baseMs, random, maxWaitMs));
        continue;
      }
      throw providerError('PROVIDER_REQUEST_FAILED', `${where} answered ${said}${hintFor(status)}`, {
        ...tries,
        status,
        detail,
      });
    }
  }
}

/** What a user can do about a refused call. */
function hintFor(status: number): string {
  if (status === 401) return ': the token was rejected — check that it is valid and not expired';
  if (status === 403) return ': the token lacks the rights for this call';
  if (status === 404) return ': check the repository name and that the token can see it';
  if (status === 409 || status === 422) return ': the provider refused the request as sent';
  return '';
}
