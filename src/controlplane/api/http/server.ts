/** A Node HTTP server around the API handler, with a graceful, idempotent close. */
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApiHandlerWithWatches } from './handler.js';
import type { ApiHandlerOptions } from './options.js';

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
}

export interface ApiServer {
  url: string;
  port: number;
  /** stops accepting connections, ends open watches, and resolves once in-flight requests are done */
  close(): Promise<void>;
}

/** Starts serving the Kubernetes REST API on host:port. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { handle, closeWatches } = createApiHandlerWithWatches(options);
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handle)
    : createServer(handle);
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
