/**
 * The generic webhook, for CI systems and scripts: a JSON body
 * `{"repoURL": "...", "branch": "main", "revision": "<sha>", "paths": ["..."]}` signed like
 * GitHub (`X-Capstan-Signature: sha256=<hex HMAC-SHA256 of the body>`), with an optional
 * `X-Capstan-Delivery` id for replay protection.
 */
import { eventsOf, headerOf, type WebhookProvider } from './event.js';
import { arr, jsonPayload, obj, str, strings } from './payload.js';
import { verifyHmacSha256 } from './signature.js';

export const generic: WebhookProvider = (headers, body, secret) => {
  verifyHmacSha256('generic', headers, body, secret, 'x-capstan-signature', 'sha256=');
  const p = obj(jsonPayload(body));
  const repoURL = str(p.repoURL);
  if (!repoURL) return [];
  const paths = Array.isArray(p.paths) ? strings(...arr(p.paths)) : undefined;
  const event = {
    kind: 'push' as const,
    repoUrls: [repoURL],
    branch: str(p.branch),
    tag: str(p.tag),
    revision: str(p.revision),
    changedPaths: paths,
  };
  return eventsOf(event, headerOf(headers, 'x-capstan-delivery'));
};
