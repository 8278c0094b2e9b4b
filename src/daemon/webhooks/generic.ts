/**
 * The generic webhook, for CI systems and scripts: a JSON body
 * `{"repoURL": "...", "branch": "main", "revision": "<sha>", "paths": ["..."]}` signed like
 * GitHub (`X-Capstan-Signature: sha256=<hex HMAC-SHA256 of the body>`), with an optional
 * `X-Capstan-Delivery` id for replay protection.
 */
import type { WebhookProvider } from './event.js';
import { arr, obj, str, strings } from './payload.js';
import { validHmacSha256 } from './signature.js';

export const generic: WebhookProvider = {
  name: 'generic',
  verify: (req, secret) => validHmacSha256(secret, req.body, req.headers['x-capstan-signature'], 'sha256='),
  deliveryId: (req) => req.headers['x-capstan-delivery'],
  parse(_req, payload) {
    const p = obj(payload);
    const repoURL = str(p.repoURL);
    if (!repoURL) return undefined;
    const paths = Array.isArray(p.paths) ? strings(...arr(p.paths)) : undefined;
    return {
      kind: 'push',
      repoUrls: [repoURL],
      branch: str(p.branch),
      tag: str(p.tag),
      revision: str(p.revision),
      changedPaths: paths,
    };
  },
};
