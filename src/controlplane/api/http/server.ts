/** A Node HTTP server around the API handler, with a graceful, idempotent close. */
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { httpGuard, type HttpLimits } from '../../../core/index.js';
import { createApiHandlerWithWatches } from './handler.js';
import type { ApiHandlerOptions } from './options.js';
import { cacheControl } from './response.js';
import { guardStatus, internalError } from './status.js';

export interface ApiServerOptions extends ApiHandlerOptions {
  /** default 127.0.0.1: the API is local unless asked otherwise */
  host?: string;
  /** default 0: any free port */
  port?: number;
  /**
   * PEM certificate and key to serve HTTPS. client-go (so kubectl) only sends a bearer
   * token over TLS (kubernetes/kubectl#744): with a token, kubectl needs this.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** timeouts and the per-address connection cap (defaults: defaultApiServerLimits) */
  limits?: Partial<HttpLimits>;
}

/**
 * Headers within 30 s and a whole request within 60 s, as kube-apiserver bounds them
 * (ReadHeaderTimeout 32 s, --request-timeout 1 min); watches are responses, not bounded
 * by either. The cap counts every client on this machine as one address (kubectl,
 * controllers, scripts) and each watch holds a connection of its own: 1,024 leaves room
 * for all of them. The daemon itself and the kubelet use the API in process.
 */
export const defaultApiServerLimits: HttpLimits = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  maxConnectionsPerIp: 1024,
};

export interface ApiServer {
  url: string;
  port: number;
  /** stops accepting connections, ends open watches, and resolves once in-flight requests are done */
  close(): Promise<void>;
}

/** Starts serving the Kubernetes REST API on host:port. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { handle, closeWatches } = createApiHandlerWithWatches(options);
  const guard = httpGuard({
    limits: { ...defaultApiServerLimits, ...options.limits },
    errorBody: (code, message) => (code === 500 ? internalError() : guardStatus(code, message)).toStatus(),
    onError: (err, req) => {
      // only the path: query strings may carry selectors or tokens that do not belong in logs
      const fields = { err, method: req.method, path: (req.url ?? '').split('?')[0] };
      if (options.logger) options.logger.error(fields, 'unexpected error serving an API request');
      else
        process.stderr.write(
          `capstan: unexpected error serving ${fields.method} ${fields.path}: ${String(err)}\n`,
        );
    },
    headers: { 'Cache-Control': cacheControl },
  });
  const listener = guard.listener(handle);
  const server = options.tls
    ? createTlsServer({ ...guard.serverOptions, cert: options.tls.cert, key: options.tls.key }, listener)
    : createServer(guard.serverOptions, listener);
  guard.install(server);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // watches never end by themselves: end them so the connections can close
        closeWatches();
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
