/** Bearer-token authentication, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Paths kube-apiserver lets `system:unauthenticated` read (the `system:public-info-viewer`
 * and `system:discovery` bootstrap roles cover health and version): load balancers and
 * `kubectl version` probe them without credentials.
 */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

export function isPublicPath(path: string): boolean {
  return publicPaths.has(path) || /^\/(healthz|livez|readyz)\/[^/]+$/.test(path);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A checker for `Authorization: Bearer <token>`; hashing first makes the lengths equal for timingSafeEqual. */
export function bearerChecker(token: string): (req: IncomingMessage) => boolean {
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return false;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return false;
    return timingSafeEqual(digest(m[1]), expected);
  };
}
