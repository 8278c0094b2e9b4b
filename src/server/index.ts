/**
 * The daemon's HTTP server: webhooks (verified by their own signatures), health, and a
 * JSON API behind a bearer token — applications, projects, clusters, syncs, diffs,
 * rollbacks and pull requests. Plain HTTP on loopback by default; put TLS in front of it
 * (or keep it on loopback) when exposing it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CapstanError, httpGuard, isCapstanError, type HttpLimits } from '../core/index.js';
import type { Daemon } from '../daemon/index.js';
import { handleAppRoute, type AppRouteResponse } from './app-routes.js';
import { readBody } from './body.js';
import { sendError, sendJson } from './respond.js';
import { serveWebhook, webhookPathProvider } from './webhook-route.js';

export interface ServerOptions {
  daemon: Daemon;
  token: string;
  host?: string;
  /** 0 picks a free port (default 7070) */
  port?: number;
  /** timeouts and the per-address connection cap (defaults: defaultServerLimits) */
  limits?: Partial<HttpLimits>;
  /** where unexpected errors of request handlers are reported (default: stderr) */
  log?: (line: string) => void;
  /** the largest webhook body taken (configuration `webhooks.maxBodyBytes`; default 5 MiB) */
  webhookMaxBodyBytes?: number;
}

/**
 * Request bodies here are at most 64 KiB, so a minute to receive one is ample; 256
 * connections from one address leave room for any dashboard or script.
 */
export const defaultServerLimits: HttpLimits = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  maxConnectionsPerIp: 256,
};

export interface Server {
  url: string;
  close(): Promise<void>;
}

const MAX_API_BODY = 64 * 1024;

function authorized(req: http.IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return given !== '' && timingSafeEqual(digest(given), digest(token));
}

/** The JSON body of a POST or PUT, undefined when there is none. */
async function jsonBody(req: http.IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return undefined;
  const bytes = await readBody(req, MAX_API_BODY);
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new CapstanError('API_BAD_REQUEST', 'the request body must be JSON');
  }
}

/** The routes of /api/v1: applications, projects and clusters, then pull requests. */
async function api(daemon: Daemon, req: http.IncomingMessage, url: URL): Promise<AppRouteResponse> {
  const request = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    body: await jsonBody(req),
  };
  const answer = await handleAppRoute(daemon, request);
  if (answer) return answer;
  if (url.pathname === '/api/v1/pullrequests' && request.method === 'GET') {
    const state = url.searchParams.get('state');
    const filter =
      state === 'open' || state === 'closed' || state === 'merged' ? { state: state as typeof state } : {};
    return { status: 200, body: { items: await daemon.pullRequests(filter) } };
  }
  throw new CapstanError('API_NOT_FOUND', `no route for ${request.method} ${url.pathname}`);
}

export async function startServer(options: ServerOptions): Promise<Server> {
  const { daemon, token } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`capstan: ${line}\n`));
  const guard = httpGuard({
    limits: { ...defaultServerLimits, ...options.limits },
    errorBody: (_status, message) => ({ error: message }),
    // the path only: query strings may carry tokens
    onError: (e, req) =>
      log(
        `unexpected error serving ${req.method} ${(req.url ?? '').split('?')[0]}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      ),
  });
  const server = http.createServer(
    guard.serverOptions,
    guard.listener(async (req, res) => {
      // the guard has checked the target is a path the URL parser reads as one
      const url = new URL(req.url!, 'http://capstan');
      const hook = webhookPathProvider(url.pathname);
      if (hook !== undefined)
        return serveWebhook(req, res, hook, {
          receive: (provider, headers, body) => daemon.receiveWebhook(provider, headers, body),
          maxBodyBytes: options.webhookMaxBodyBytes,
        });
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (!url.pathname.startsWith('/api/v1/'))
        return sendJson(res, 404, { error: `no route for ${url.pathname}` });
      if (!authorized(req, token)) return sendJson(res, 401, { error: 'a valid bearer token is required' });
      let answer: AppRouteResponse;
      try {
        answer = await api(daemon, req, url);
      } catch (e) {
        if (isCapstanError(e)) return sendError(res, e);
        throw e; // a bug: the guard logs it and answers 500
      }
      if ('text' in answer) {
        res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(answer.text);
        return;
      }
      sendJson(res, answer.status, answer.body);
    }),
  );
  guard.install(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7070, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
