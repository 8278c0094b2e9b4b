/**
 * The Ingress listener: one HTTP server on the host that routes requests by host and
 * path to Services, as an ingress controller for the default IngressClass does. Rules
 * are matched like Kubernetes specifies: an exact host before a wildcard host before no
 * host; for paths, Exact before Prefix, longer prefixes first, Prefix matching whole path
 * elements (`/foo` matches `/foo` and `/foo/bar`, not `/foobar`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  host?: string;
  path: string;
  pathType: 'Exact' | 'Prefix';
  /** where to send it: the Service's ready backends, read at request time */
  backends: () => Array<{ host: string; port: number }>;
}

function hostMatches(ruleHost: string | undefined, host: string): number {
  if (!ruleHost) return 1;
  if (ruleHost === host) return 3;
  if (ruleHost.startsWith('*.')) {
    const suffix = ruleHost.slice(1);
    const rest = host.slice(0, host.length - suffix.length);
    if (host.endsWith(suffix) && rest.length > 0 && !rest.includes('.')) return 2;
  }
  return 0;
}

function pathMatches(route: Route, path: string): boolean {
  if (route.pathType === 'Exact') return path === route.path;
  const prefix = route.path.replace(/\/+$/, '');
  return prefix === '' || path === prefix || path.startsWith(prefix + '/');
}

/** The best route for a request, or undefined. */
export function chooseRoute(routes: readonly Route[], host: string, path: string): Route | undefined {
  let best: { route: Route; score: [number, number, number] } | undefined;
  for (const route of routes) {
    const h = hostMatches(route.host, host);
    if (h === 0 || !pathMatches(route, path)) continue;
    const score: [number, number, number] = [h, route.pathType === 'Exact' ? 1 : 0, route.path.length];
    if (
      !best ||
      score[0] > best.score[0] ||
      (score[0] === best.score[0] &&
        (score[1] > best.score[1] || (score[1] === best.score[1] && score[2] > best.score[2])))
    ) {
      best = { route, score };
    }
  }
  return best?.route;
}

export class IngressRouter {
  private routes: Route[] = [];
  private next = 0;
  private readonly server: http.Server;

  constructor(private readonly options: { port: number; host?: string }) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  setRoutes(routes: Route[]): void {
    this.routes = routes;
  }

  /** Starts listening; resolves with the port. */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const path = (req.url ?? '/').split('?')[0];
    const route = chooseRoute(this.routes, host, path);
    const backends = route?.backends() ?? [];
    if (!route || backends.length === 0) {
      res.writeHead(route ? 503 : 404, { 'content-type': 'text/plain' });
      res.end(route ? 'no ready endpoints for this route\n' : 'no Ingress rule matches\n');
      return;
    }
    const target = backends[this.next++ % backends.length];
    const upstream = http.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway\n');
    });
    req.pipe(upstream);
  }
}
