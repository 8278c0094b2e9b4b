import { CapstanError } from '../core/index.js';

/**
 * The Git hosting providers' error codes. Messages name the provider, the HTTP method and the
 * API path (never the token, never a query string) and say what to do; `data.transient` is
 * true when retrying later may succeed without anyone acting.
 *
 * | code | meaning |
 * |---|---|
 * | `PROVIDER_UNREACHABLE` | connection refused, DNS failure, timeout, reset — after every retry (transient) |
 * | `PROVIDER_UNAVAILABLE` | the API answered 5xx to every retry (transient) |
 * | `PROVIDER_RATE_LIMITED` | the rate limit is spent and resets later than `maxWaitMs` allows, or after every retry; `data.resetAt` says when (transient) |
 * | `PROVIDER_REQUEST_FAILED` | any other 4xx (bad token, no rights, not found, invalid): `data.status`, `data.method`, `data.path` |
 * | `PROVIDER_BAD_RESPONSE` | the API answered 2xx with a body Capstan cannot read |
 * | `PROVIDER_INVALID_OPTION` | the provider options are wrong (unknown provider, bad URL, repository not `owner/name`) |
 * | `PROVIDER_UNSUPPORTED` | the provider has no API for what was asked |
 */
export type ProviderErrorCode =
  | 'PROVIDER_UNREACHABLE'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_RATE_LIMITED'
  | 'PROVIDER_REQUEST_FAILED'
  | 'PROVIDER_BAD_RESPONSE'
  | 'PROVIDER_INVALID_OPTION'
  | 'PROVIDER_UNSUPPORTED';

const TRANSIENT = new Set<ProviderErrorCode>([
  'PROVIDER_UNREACHABLE',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_RATE_LIMITED',
]);

/** Builds a CapstanError with a provider code; `data.transient` is set from the code. */
export function providerError(
  code: ProviderErrorCode,
  message: string,
  data: Record<string, unknown> = {},
  cause?: unknown,
): CapstanError {
  return new CapstanError(code, message, { ...data, transient: TRANSIENT.has(code) }, cause);
}

/** True for provider errors where retrying later may succeed (unreachable, 5xx, rate limited). */
export function isTransientProviderError(e: unknown): boolean {
  return e instanceof CapstanError && e.code.startsWith('PROVIDER_') && e.data.transient === true;
}
