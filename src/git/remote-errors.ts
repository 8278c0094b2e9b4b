import { CapstanError } from '../core/index.js';
import { gitError } from './errors.js';
import { TIMEOUT_MESSAGE } from './http.js';
import { redactText } from './url.js';

/** What a failed remote operation was doing, for the message. */
export interface RemoteContext {
  /** The redacted URL. */
  display: string;
  /** Whether credentials were sent (a 401 then means "rejected", not "missing"). */
  withCredentials: boolean;
  /** Secrets to strip from any text that came from the server or the library. */
  secrets: readonly string[];
  /** What was being done (default fetch): a push denied needs write access, and fails as GIT_PUSH_FAILED. */
  operation?: 'fetch' | 'push';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/**
 * Turns an isomorphic-git or network error into a CapstanError with a stable code. The
 * library's error is kept as `cause` only when it cannot hold server text or headers
 * (network errors); HTTP errors keep just the status.
 */
export function toRemoteError(err: unknown, ctx: RemoteContext): CapstanError {
  if (err instanceof CapstanError) return err;
  const e = err as {
    code?: string;
    message?: string;
    data?: { statusCode?: number; statusMessage?: string };
  };
  const where = ctx.display;
  const push = ctx.operation === 'push';
  if (e?.code === 'HttpError' && typeof e.data?.statusCode === 'number') {
    const status = e.data.statusCode;
    if (status === 401) {
      return ctx.withCredentials
        ? gitError(
            'GIT_AUTH_FAILED',
            `the Git server rejected the credentials for ${where} (HTTP 401): check the username and password or token`,
            { url: where, status },
          )
        : gitError(
            'GIT_AUTH_FAILED',
            `the Git server requires credentials for ${where} (HTTP 401) and none are configured`,
            { url: where, status },
          );
    }
    if (status === 403) {
      return gitError(
        'GIT_ACCESS_DENIED',
        `the Git server denied access to ${where} (HTTP 403): the credentials lack ${push ? 'write' : 'read'} access to this repository`,
        { url: where, status },
      );
    }
    if (status === 404) {
      return gitError('GIT_REPOSITORY_NOT_FOUND', `no Git repository at ${where} (HTTP 404)`, {
        url: where,
        status,
      });
    }
    if (status >= 500) {
      return gitError(
        'GIT_SERVER_ERROR',
        `the Git server at ${where} failed with HTTP ${status}; will retry`,
        {
          url: where,
          status,
        },
      );
    }
    return gitError(
      push ? 'GIT_PUSH_FAILED' : 'GIT_FETCH_FAILED',
      `the Git server at ${where} answered HTTP ${status}`,
      {
        url: where,
        status,
      },
    );
  }
  if (e?.code === 'SmartHttpError') {
    return gitError(
      'GIT_REPOSITORY_NOT_FOUND',
      `${where} is not a Git repository served over smart HTTP (the server answered something else)`,
      { url: where },
    );
  }
  const message = redactText(String(e?.message ?? err), ctx.secrets);
  if (
    (e?.code && NETWORK_CODES.has(e.code)) ||
    e?.message === TIMEOUT_MESSAGE ||
    /\baborted\b/.test(message)
  ) {
    return gitError(
      'GIT_UNREACHABLE',
      `cannot reach the Git server for ${where}: ${message}; will retry`,
      { url: where, reason: e?.code ?? 'timeout' },
      e?.code ? err : undefined,
    );
  }
  return gitError(
    push ? 'GIT_PUSH_FAILED' : 'GIT_FETCH_FAILED',
    `${push ? 'pushing to' : 'fetching'} ${where} failed: ${message}`,
    {
      url: where,
      reason: e?.code,
    },
  );
}
