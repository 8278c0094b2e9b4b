/**
 * The daemon's HTTP server: webhooks (verified by their own signatures), health, and a
 * JSON API behind a bearer token — applications, their sync history, the queue, pull
 * requests, and manual syncs. Plain HTTP on loopback by default; put TLS in front of it
 * (or keep it on loopback) when exposing it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpGuard, isCapstanError, type HttpLimits } from '../core/index.js';
import type { Daemon } from '../daemon/index.js';
import { sendError } from './respond.js';
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

/** A plain-text answer (a diff), where everything else is JSON. */
class TextBody {
  constructor(readonly text: string) {}
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (body instanceof TextBody) {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(body.text);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function authorized(req: http.IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return given !== '' && timingSafeEqual(digest(given), digest(token));
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_API_BODY) throw new HttpError(413, `request body over ${MAX_API_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'the request body must be a JSON object');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function api(daemon: Daemon, req: http.IncomingMessage, url: URL): Promise<[number, unknown]> {
  const sync = daemon.sync;
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent); // api v1 …
  const [, , collection, name, action] = parts;
  const method = req.method ?? 'GET';
  if (collection === 'applications' && !name && method === 'GET') {
    return [
      200,
      {
        items: sync.applications().map((a) => ({ ...a, lastSync: sync.state.syncs(a.app.name, 1)[0] })),
      },
    ];
  }
  if (collection === 'applications' && name) {
    const status = sync.application(name);
    if (!status) throw new HttpError(404, `application "${name}" not found`);
    if (!action && method === 'GET') return [200, { ...status, syncs: sync.state.syncs(name, 20) }];
    if (action === 'syncs' && method === 'GET') {
      const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 100) || 100);
      return [200, { items: sync.state.syncs(name, limit) }];
    }
    if (action === 'diff' && method === 'GET') {
      const preview = await sync.preview(name, { color: url.searchParams.get('color') === 'true' });
      if (url.searchParams.get('format') === 'text')
        return [
          200,
          new TextBody(
            preview!.objects
              .map((o) => o.diff)
              .filter(Boolean)
              .join('\n'),
          ),
        ];
      return [200, preview];
    }
    if (action === 'rollback' && method === 'POST') {
      const body = await readJson(req);
      if (typeof body.revision !== 'string' || !body.revision)
        throw new HttpError(400, 'give the revision to roll back to: {"revision": "<commit>"}');
      await sync.rollback(name, body.revision);
      return [202, { queued: name, rollbackTo: body.revision }];
    }
    if (action === 'sync' && method === 'POST') {
      const body = await readJson(req);
      const revision =
        typeof body.revision === 'string' && body.revision ? body.revision : status.app.source.targetRevision;
      await sync.enqueue(name, revision, 'manual', 'manual sync (API)');
      return [202, { queued: name, revision }];
    }
  }
  if (collection === 'queue' && !name && method === 'GET') return [200, await sync.queue.snapshot()];
  if (collection === 'pullrequests' && !name && method === 'GET') {
    const state = url.searchParams.get('state');
    return [
      200,
      {
        items: sync.state.pullRequests(
          state === 'open' || state === 'closed' || state === 'merged' ? { state } : {},
        ),
      },
    ];
  }
  throw new HttpError(404, `no route for ${method} ${url.pathname}`);
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
      if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
      if (!url.pathname.startsWith('/api/v1/'))
        return send(res, 404, { error: `no route for ${url.pathname}` });
      if (!authorized(req, token)) return send(res, 401, { error: 'a valid bearer token is required' });
      let answer: [number, unknown];
      try {
        answer = await api(daemon, req, url);
      } catch (e) {
        if (e instanceof HttpError) return send(res, e.status, { error: e.message });
        if (isCapstanError(e)) return sendError(res, e);
        throw e; // a bug: the guard logs it and answers 500
      }
      send(res, ...answer);
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
