/**
 * Hardening shared by Capstan's two HTTP servers (the daemon's API and the embedded
 * Kubernetes API): bounded time to receive a request, a cap on connections per client
 * address, answers with a body for requests Node cannot parse, 400 for request targets
 * that are not a path, and one guard that turns any exception of a handler into a 500
 * instead of the end of the process. Each server supplies only the shape of its error
 * body ({error} or a meta/v1 Status) and where unexpected errors are logged.
 *
 * Written here rather than taken from a library: Node's server has every knob needed,
 * what was missing is setting them together on both servers.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { setTimer } from './timers.js';

/** What a slow or greedy client may hold of a server. */
export interface HttpLimits {
  /** time to receive a request's headers, from its first byte */
  headersTimeoutMs: number;
  /**
   * time to receive a whole request, headers and body. Node stops counting once the
   * request is received, so long responses (watch streams, logs) are never cut by it.
   */
  requestTimeoutMs: number;
  /** connections one client address may hold open at once; more are refused (503 or closed) */
  maxConnectionsPerIp: number;
}

/** A handler the guard calls for each request; a returned promise is watched for rejections. */
export type GuardedHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpGuardOptions {
  limits: HttpLimits;
  /** the JSON body of an error the guard answers itself ({error} on the daemon, a Status on the API) */
  errorBody(status: number, message: string): unknown;
  /** receives what a handler threw; the client sees only a generic 500 */
  onError(err: unknown, req: IncomingMessage): void;
  /** headers every error answer carries besides the content type and length */
  headers?: Record<string, string>;
}

export interface HttpGuard {
  /** options for http.createServer / https.createServer */
  serverOptions: http.ServerOptions;
  /** the request listener: bad targets get 400, exceptions 500, and nothing escapes */
  listener(handle: GuardedHandler): http.RequestListener;
  /** answers parse errors and timeouts with a body, and caps connections per address */
  install(server: http.Server): void;
}

/** How long an answered or refused connection may stay open for the client to read the answer. */
const lingerMs = 2_000;

const base = new URL('http://request-target.invalid');

/**
 * The request target in origin form (`/path?query`), or undefined when it is not one we can
 * route: not a path (`*`, `%`, an authority), a path the URL parser would read as a host
 * (`//x`, `/\x`), or broken percent-encoding. An absolute-form target (`http://h/p`, which
 * proxies send) is reduced to its path and query.
 */
export function originFormTarget(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const absolute = /^https?:\/\//i.test(raw);
  if (!absolute && !raw.startsWith('/')) return undefined;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (!absolute && url.origin !== base.origin) return undefined;
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  return absolute ? url.pathname + url.search : raw;
}

/** Timeouts Node checks only every `connectionsCheckingInterval`: check often enough to honour them. */
function serverOptions(limits: HttpLimits): http.ServerOptions {
  const requestTimeout = limits.requestTimeoutMs;
  const headersTimeout = Math.min(limits.headersTimeoutMs, requestTimeout);
  return {
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(headersTimeout / 4))),
    // a missing Host is answered by the guard, with a body, instead of Node's bare 400
    requireHostHeader: false,
  };
}

/** The answer to a request Node could not parse or did not receive in time. */
function describeClientError(err: NodeJS.ErrnoException, limits: HttpLimits): [number, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        `request header fields too large: the request line and headers must fit in ${http.maxHeaderSize} bytes`,
      ];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [
        408,
        `request timeout: the headers must arrive within ${limits.headersTimeoutMs} ms and the whole request within ${limits.requestTimeoutMs} ms`,
      ];
    default:
      return [400, `bad request: the request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`];
  }
}

function rawResponse(status: number, body: string, headers: Record<string, string>): string {
  const lines = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`];
  for (const [k, v] of Object.entries({ ...headers, Connection: 'close' })) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Ends our side after the answer but keeps reading, so the rest of what the client is still
 * sending does not make the kernel reset the connection before the client reads the answer
 * (what kubectl saw after a bare 431). A client that never closes is cut after `lingerMs`.
 */
function endGracefully(socket: Socket, answer: string): void {
  const timer = setTimer(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(answer);
}

export function httpGuard(options: HttpGuardOptions): HttpGuard {
  const { limits } = options;
  const errorHeaders = (body: string) => ({
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    ...options.headers,
  });
  const bodyOf = (status: number, message: string) => JSON.stringify(options.errorBody(status, message));
  // responses the guard itself answered: what their handler does afterwards is moot
  const answeredByGuard = new WeakSet<ServerResponse>();
  const answer = (res: ServerResponse, status: number, message: string, close = false) => {
    answeredByGuard.add(res);
    const body = bodyOf(status, message);
    res.writeHead(status, { ...errorHeaders(body), ...(close ? { Connection: 'close' } : {}) });
    res.end(body);
  };
  // the response in progress on each connection: a late client error must not write over it
  const inFlight = new WeakMap<Socket, ServerResponse>();
  const answered = new WeakSet<Socket>();

  const listener = (handle: GuardedHandler): http.RequestListener => {
    return (req, res) => {
      inFlight.set(req.socket, res);
      res.once('close', () => {
        if (inFlight.get(req.socket) === res) inFlight.delete(req.socket);
      });
      const fail = (err: unknown) => {
        // a handler still reading a request the guard timed out fails only because of that
        if (answeredByGuard.has(res)) return void res.destroy();
        options.onError(err, req);
        if (res.headersSent) res.destroy();
        else answer(res, 500, 'internal error: an unexpected error occurred, see the server log');
      };
      const target = originFormTarget(req.url);
      if (!target)
        return answer(res, 400, 'bad request: the request target must be a path such as /healthz', true);
      if (req.headers.host === undefined && req.httpVersion === '1.1')
        return answer(res, 400, 'bad request: an HTTP/1.1 request must carry a Host header', true);
      req.url = target;
      try {
        const done = handle(req, res);
        if (done) done.catch(fail);
      } catch (e) {
        fail(e);
      }
    };
  };

  const onClientError = (err: NodeJS.ErrnoException, socket: Socket) => {
    if (answered.has(socket)) return; // the parser reports again for each further chunk
    const parseError = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code?.startsWith('HPE_');
    const res = inFlight.get(socket);
    // TLS handshake failures, resets, or an answer already under way: nothing can be said
    if (!parseError || !socket.writable || res?.headersSent) return void socket.destroy();
    answered.add(socket);
    const [status, message] = describeClientError(err, limits);
    if (res) return answer(res, status, message, true);
    const body = bodyOf(status, message);
    endGracefully(socket, rawResponse(status, body, errorHeaders(body)));
  };

  const install = (server: http.Server) => {
    server.on('clientError', onClientError);
    capConnections(server, limits.maxConnectionsPerIp, (socket) => {
      // a TLS socket cannot be answered before its handshake: close it
      if (server instanceof TlsServer || !socket.remoteAddress) return void socket.destroy();
      const body = bodyOf(
        503,
        `service unavailable: too many connections from ${socket.remoteAddress} (limit ${limits.maxConnectionsPerIp}); close some and retry`,
      );
      // no parser owns this socket: a reset by the client must not become an uncaught error
      socket.on('error', () => socket.destroy());
      socket.on('end', () => socket.destroy()).resume();
      endGracefully(socket, rawResponse(503, body, errorHeaders(body)));
    });
  };

  return { serverOptions: serverOptions(limits), listener, install };
}

/**
 * Puts a per-address count in front of the server's own connection handling (the HTTP
 * parser, or the TLS handshake): a connection over the cap never reaches it.
 */
function capConnections(server: NetServer, max: number, refuse: (socket: Socket) => void): void {
  const open = new Map<string, number>();
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    const count = address === undefined ? max : (open.get(address) ?? 0);
    if (address === undefined || count >= max) return refuse(socket);
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    for (const handler of handlers) handler.call(server, socket);
  });
}
