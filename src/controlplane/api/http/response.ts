/** Writing JSON responses with the headers kube-apiserver sends. */
import type { ServerResponse } from 'node:http';
import type { JsonValue } from '../../../core/index.js';
import type { ApiError } from '../errors.js';

/**
 * kube-apiserver marks every API response private and uncacheable (the
 * `CacheControl` filter in k8s.io/apiserver/pkg/server/filters) so that shared caches
 * never hand one user's objects to another.
 */
export const cacheControl = 'no-cache, private';

/** Writes a JSON body; `contentType` carries the media type parameters a client negotiated. */
export function writeJson(
  res: ServerResponse,
  code: number,
  body: JsonValue,
  contentType = 'application/json',
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) {
    // a stream has begun: the status line is gone, so the only honest thing left is to stop
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Cache-Control': cacheControl,
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

/** Writes an error as its meta/v1 Status, with the error's HTTP code. */
export function writeStatus(
  res: ServerResponse,
  error: ApiError,
  extraHeaders: Record<string, string> = {},
): void {
  const headers = { ...extraHeaders };
  if (error.details?.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(error.details.retryAfterSeconds);
  writeJson(res, error.code, error.toStatus(), 'application/json', headers);
}

/** Plain text for the health endpoints (`ok`), as kube-apiserver answers them. */
export function writeText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': cacheControl,
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
