/**
 * The one place an error becomes an HTTP answer: every route throws `CapstanError`s with
 * codes, and this table gives each code its status. A code not listed is something the
 * request asked that cannot be done: 422. Errors that are not CapstanErrors are bugs; the
 * server's guard logs them and answers 500.
 */
import type { CapstanError } from '../core/index.js';

const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  // the server's own refusals
  API_BAD_REQUEST: 400,
  API_UNAUTHORIZED: 401,
  API_NOT_FOUND: 404,
  API_METHOD_NOT_ALLOWED: 405,
  API_BODY_TOO_LARGE: 413,
  // the daemon's API
  APP_NOT_FOUND: 404,
  PROJECT_NOT_FOUND: 404,
  CLUSTER_NOT_FOUND: 404,
  REPO_NOT_FOUND: 404,
  SYNC_REVISION_UNKNOWN: 404,
  APP_INVALID: 422,
  CLUSTER_INVALID: 422,
  REPO_INVALID: 422,
  APP_EXISTS: 409,
  // another Secret (applied with kubectl) registers the URL
  REPO_EXISTS: 409,
  PROMOTION_NOT_FOUND: 404,
  PROMOTION_INVALID: 422,
  // a promotion refused by the state of things: try again later (src/daemon/promotion/promoter.ts)
  PROMOTION_SOURCE_UNHEALTHY: 409,
  PROMOTION_SOAKING: 409,
  PROMOTION_WINDOW_CLOSED: 409,
  PROMOTION_STALE: 409,
  // a promotion's push lost a race with another push to the branch
  GIT_PUSH_REJECTED: 409,
  // the Git hosting provider failed (src/providers/errors.ts)
  PROVIDER_UNREACHABLE: 502,
  PROVIDER_UNAVAILABLE: 502,
  PROVIDER_BAD_RESPONSE: 502,
  PROVIDER_REQUEST_FAILED: 502,
  PROVIDER_RATE_LIMITED: 503,
  // a rollback without a revision when the history holds no earlier healthy one
  APP_NO_ROLLBACK_TARGET: 409,
  // webhooks (src/daemon/webhooks/errors.ts)
  WEBHOOK_PAYLOAD_INVALID: 400,
  WEBHOOK_SIGNATURE_MISSING: 401,
  WEBHOOK_SIGNATURE_INVALID: 401,
  WEBHOOK_PROVIDER_UNKNOWN: 404,
  WEBHOOK_NOT_CONFIGURED: 404,
  WEBHOOK_REPLAYED: 409,
  WEBHOOK_RATE_LIMITED: 429,
};

/** A request that was understood but cannot be done (an invalid spec, a failed render). */
const DEFAULT_STATUS = 422;

export interface ErrorAnswer {
  status: number;
  body: { error: string; code: string };
  headers: Record<string, string>;
}

/** Headers some answers carry, from the error's data. */
function headersOf(error: CapstanError): Record<string, string> {
  const { data } = error;
  switch (error.code) {
    case 'WEBHOOK_RATE_LIMITED':
      return typeof data.retryAfterSeconds === 'number'
        ? { 'retry-after': String(data.retryAfterSeconds) }
        : {};
    case 'API_METHOD_NOT_ALLOWED':
      return typeof data.allow === 'string' ? { allow: data.allow } : {};
    case 'API_BODY_TOO_LARGE':
      // the rest of the body is not wanted: close once it is sent rather than read it all
      return { connection: 'close' };
    default:
      return {};
  }
}

/** The status, JSON body and headers that answer `error`. */
export function statusOf(error: CapstanError): ErrorAnswer {
  return {
    status: STATUS_OF_CODE[error.code] ?? DEFAULT_STATUS,
    body: { error: error.message, code: error.code },
    headers: headersOf(error),
  };
}
