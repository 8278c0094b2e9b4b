/**
 * `POST /api/webhooks/<provider>`: the HTTP half of a webhook. This reads the body within
 * the limit and answers; the daemon verifies, de-duplicates, rate-limits and queues
 * (`receiveWebhook`), from plain values. Answers: 202 with what was queued, 200 for a
 * delivery that asks nothing (a ping, a deleted ref), and every refusal through the error
 * table (401, 404, 405, 409, 400, 413, 429).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CapstanError, isCapstanError } from '../core/index.js';
import type { DaemonApi, WebhookOutcome } from '../daemon/api.js';
import { webhookProviderNamed } from '../daemon/webhooks/index.js';
import { readBody } from './body.js';
import { sendError, sendJson } from './respond.js';

/** Git hosts send a few KiB; 5 MiB leaves room for a push of many commits. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 5 * 1024 * 1024;

const WEBHOOK_PATH = /^\/api\/webhooks\/([a-z]+)\/?$/;

/** The provider named by a webhook path, or undefined for any other path. */
export function webhookPathProvider(pathname: string): string | undefined {
  return WEBHOOK_PATH.exec(pathname)?.[1];
}

export interface WebhookRouteOptions {
  receive: DaemonApi['receiveWebhook'];
  /** default DEFAULT_WEBHOOK_MAX_BODY_BYTES (configuration: `webhooks.maxBodyBytes`) */
  maxBodyBytes?: number;
}

/** The JSON answer to a delivery: the outcome, with `ignored: true` and the reason when it asked nothing. */
function answerOf(outcome: WebhookOutcome): [number, Record<string, unknown>] {
  const { ignored, ...rest } = outcome;
  return ignored === undefined ? [202, rest] : [200, { ...rest, ignored: true, reason: ignored }];
}

/** Serves one webhook request for `provider` (the path's last segment). */
export async function serveWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  provider: string,
  options: WebhookRouteOptions,
): Promise<void> {
  try {
    const name = webhookProviderNamed(provider);
    if (req.method !== 'POST')
      throw new CapstanError('API_METHOD_NOT_ALLOWED', 'webhooks are POST requests', { allow: 'POST' });
    const body = await readBody(req, options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES);
    sendJson(res, ...answerOf(await options.receive(name, req.headers, body)));
  } catch (e) {
    if (isCapstanError(e)) return sendError(res, e);
    if (req.destroyed) return; // the client left: nobody to answer
    throw e; // a bug: the server's guard logs it and answers 500
  }
}
