/**
 * Webhook signature checks, each as its provider signs, all in constant time: comparing
 * digests with `===` would leak, through timing, how many leading bytes were right. A
 * check that fails throws `WEBHOOK_SIGNATURE_MISSING` (no header) or
 * `WEBHOOK_SIGNATURE_INVALID`; the messages never quote the header or the secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookProviderName } from '../../core/index.js';
import { webhookError } from './errors.js';
import { headerOf, type WebhookHeaders } from './event.js';

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The header's value, or `WEBHOOK_SIGNATURE_MISSING` naming the header. */
function signatureHeader(provider: WebhookProviderName, headers: WebhookHeaders, name: string): string {
  const value = headerOf(headers, name);
  if (value === undefined || value === '')
    throw webhookError(
      'WEBHOOK_SIGNATURE_MISSING',
      `invalid or missing ${provider} webhook signature: no ${name} header`,
      { provider, header: name },
    );
  return value;
}

function invalid(provider: WebhookProviderName, name: string) {
  return webhookError(
    'WEBHOOK_SIGNATURE_INVALID',
    `invalid or missing ${provider} webhook signature: ${name} does not match the body and the secret`,
    { provider, header: name },
  );
}

/** HMAC-SHA256 of the raw body, hex, in header `name` after `prefix` (`sha256=` or none). */
export function verifyHmacSha256(
  provider: WebhookProviderName,
  headers: WebhookHeaders,
  body: Buffer,
  secret: string,
  name: string,
  prefix: 'sha256=' | '',
): void {
  const header = signatureHeader(provider, headers, name);
  const given = header.startsWith(prefix) ? header.slice(prefix.length).trim() : '';
  if (!/^[0-9a-f]{64}$/i.test(given)) throw invalid(provider, name);
  const expected = createHmac('sha256', secret).update(body).digest();
  if (!sameBytes(expected, Buffer.from(given.toLowerCase(), 'hex'))) throw invalid(provider, name);
}

/** A shared token sent as is in header `name` (GitLab). Hashing first makes the lengths equal. */
export function verifyToken(
  provider: WebhookProviderName,
  headers: WebhookHeaders,
  secret: string,
  name: string,
): void {
  const given = signatureHeader(provider, headers, name);
  const h = (s: string) => createHmac('sha256', 'capstan-token-compare').update(s).digest();
  if (!sameBytes(h(secret), h(given))) throw invalid(provider, name);
}
