/** Writing answers: JSON bodies, and CapstanErrors through the one error table. */
import type { ServerResponse } from 'node:http';
import type { CapstanError } from '../core/index.js';
import { statusOf } from './errors.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Answers `error` with the status, body and headers src/server/errors.ts gives its code. */
export function sendError(res: ServerResponse, error: CapstanError): void {
  const { status, body, headers } = statusOf(error);
  sendJson(res, status, body, headers);
}
