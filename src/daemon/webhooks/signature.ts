/**
 * Webhook signature checks, each as its provider signs, all in constant time: comparing
 * digests with `===` would leak, through timing, how many leading bytes were right.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HMAC-SHA256 of the raw body, hex, compared with `header` (after an optional `sha256=` prefix). */
export function validHmacSha256(
  secret: string,
  body: Buffer,
  header: string | undefined,
  prefix: 'sha256=' | '',
): boolean {
  if (!header || !header.startsWith(prefix)) return false;
  const given = header.slice(prefix.length).trim();
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return sameBytes(expected, Buffer.from(given.toLowerCase(), 'hex'));
}

/** A shared token sent as is (GitLab's X-Gitlab-Token). Hashing first makes the lengths equal. */
export function validToken(secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const h = (s: string) => createHmac('sha256', 'capstan-token-compare').update(s).digest();
  return sameBytes(h(secret), h(header));
}
