/**
 * The HTTP part shared by the providers' REST stand-ins: a node:http server on 127.0.0.1 that
 * records every request (method, path with its query, headers, parsed JSON body), answers
 * queued failures first (`failNext`), and otherwise hands the request to the stand-in's routes.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The path as sent, query string included (`/api/v4/projects/acme%2Fshop/merge_requests?state=opened`). */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The JSON body, parsed; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

/** What a route answers. A body is sent as JSON; `undefined` sends none. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A request as routes see it. */
export interface IncomingCall {
  method: string;
  url: URL;
  /** The path split on `/` and each segment decoded (`acme%2Fshop` → `acme/shop`). */
  segments: string[];
  headers: http.IncomingHttpHeaders;
  body: any;
}

interface QueuedFailure {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** A weak ETag over a reply body, as Rails' Rack::ETag computes one (a digest of the body). */
export function weakEtag(body: unknown): string {
  return `W/"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`;
}

export abstract class RecordingServer {
  /** Every request received, in order; tests may clear it. */
  readonly requests: RecordedRequest[] = [];
  readonly #failures: QueuedFailure[] = [];
  readonly #sockets = new Set<Socket>();
  #server?: http.Server;
  #port = 0;

  /** Answers one request that no queued failure took. */
  protected abstract route(call: IncomingCall): Reply;

  /** The next `n` requests, whatever they are, are answered with `status`, `headers` and `body`. */
  failNext(n: number, status: number, headers: Record<string, string> = {}, body?: unknown): void {
    for (let i = 0; i < n; i++) this.#failures.push({ status, headers, body });
  }

  /** The origin, `http://127.0.0.1:<port>`. */
  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const server = http.createServer((req, res) => void this.#serve(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  /** Stops the server; idempotent. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text === '' ? undefined : text;
    try {
      if (text) body = JSON.parse(text);
    } catch {
      // kept as text
    }
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    this.requests.push({ method, path, headers: req.headers, body });
    const url = new URL(path, this.origin);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let reply: Reply;
    try {
      reply = this.#failures.shift() ?? this.route({ method, url, segments, headers: req.headers, body });
    } catch (e) {
      reply = { status: 500, body: { message: String(e) } };
    }
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined) headers['content-type'] = 'application/json';
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }
}
