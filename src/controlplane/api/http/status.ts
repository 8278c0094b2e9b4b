/**
 * The errors the HTTP layer itself raises, with the codes, reasons and messages
 * kube-apiserver uses for them (apimachinery/pkg/api/errors), plus the one place that
 * turns any thrown value into a Status.
 */
import { ApiError, type StatusReason } from '../errors.js';

/** 404 for a path that names no served resource: `kubectl` shows this text as is. */
export function routeNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function notAcceptable(): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/yaml',
  );
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType || 'no Content-Type'}) - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function entityTooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** What clients see of an unexpected failure: the detail goes to the log only. */
export function internalError(): ApiError {
  return new ApiError(
    500,
    'InternalError',
    'Internal error occurred: an unexpected error occurred, see the server log',
  );
}

/** An ApiError unchanged; anything else is a bug and becomes a generic 500. */
export function asApiError(e: unknown): { error: ApiError; unexpected: boolean } {
  if (e instanceof ApiError) return { error: e, unexpected: false };
  return { error: internalError(), unexpected: true };
}

/** The reasons of the answers the server itself gives before or around a handler (core's HTTP guard). */
const guardReasons: Record<number, StatusReason> = {
  400: 'BadRequest',
  408: 'Timeout',
  // no StatusReason names 431: like kube-apiserver's 400s, the message says what was wrong
  431: 'BadRequest',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** A Status for an answer of the HTTP guard: unparsable requests, timeouts, refused connections. */
export function guardStatus(code: number, message: string): ApiError {
  return new ApiError(code, guardReasons[code] ?? 'BadRequest', message);
}
