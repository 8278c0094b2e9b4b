/**
 * Raw JSON requests to a Kubernetes API server, authenticated by client-node's KubeConfig.
 * Raw rather than client-node's typed clients: those turn objects into model classes
 * (dates as Date, fields they do not know dropped), and a GitOps diff needs the JSON the
 * server sent, unchanged. One keep-alive agent serves every request.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { JsonValue } from '../core/index.js';
import { fromStatus, safeUrl, unreachable } from './errors.js';

export interface RequestOptions {
  /** names the object for messages: `Deployment default/web` */
  what: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** default `application/json` */
  accept?: string;
}

export interface Response {
  status: number;
  /** the answer parsed as JSON; undefined when it is not JSON */
  body: JsonValue | undefined;
  /** the answer as sent (plain text from `pods/log`) */
  text: string;
}

export class KubeTransport {
  /** the server URL without credentials or query, for messages */
  readonly server: string;
  private readonly base: string;
  private agent: http.Agent | undefined;
  private closed = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs: number,
  ) {
    const server = kc.getCurrentCluster()!.server;
    this.base = server.replace(/\/+$/, '');
    this.server = safeUrl(server);
  }

  /** Sends a request; resolves with any answer of the server (errors included), rejects only when it is unreachable. */
  async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    let request: https.RequestOptions;
    try {
      request = await this.requestOptions();
    } catch (e) {
      // a credential plugin or file that failed: nothing was sent
      throw unreachable(this.server, options.what, e);
    }
    request.method = method;
    request.headers = {
      ...request.headers,
      accept: options.accept ?? 'application/json',
      'user-agent': 'capstan',
      ...(payload !== undefined
        ? {
            'content-type': options.contentType ?? 'application/json',
            'content-length': String(Buffer.byteLength(payload)),
          }
        : {}),
    };
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise<Response>((resolve, reject) => {
      const req = lib.request(url, request, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(unreachable(this.server, options.what, e)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: JsonValue | undefined;
          try {
            body = text ? (JSON.parse(text) as JsonValue) : undefined;
          } catch {
            body = undefined; // not JSON (a proxy's page): the status alone tells
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
      });
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`no answer within ${Math.round(this.timeoutMs / 1000)} s`)),
      );
      req.on('error', (e) => reject(unreachable(this.server, options.what, e)));
      req.end(payload);
    });
  }

  /** Sends a request and returns the body of a 2xx answer; throws the ClusterError of any other. */
  async json(method: string, path: string, options: RequestOptions): Promise<JsonValue | undefined> {
    const res = await this.send(method, path, options);
    if (res.status >= 200 && res.status < 300) return res.body;
    throw fromStatus(options.what, res.status, res.body);
  }

  close(): void {
    this.closed = true;
    this.agent?.destroy();
    this.agent = undefined;
  }

  /**
   * Asks the KubeConfig for the TLS material and the credentials of each request (a
   * service account token file or an exec plugin may rotate them), and keeps one agent
   * for the connections — the agent client-node makes anew on every call would open a new
   * connection per request. A proxy (cluster.proxyUrl) keeps client-node's own agent.
   */
  private async requestOptions(): Promise<https.RequestOptions> {
    const options: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(options);
    if (this.kc.getCurrentCluster()?.proxyUrl) return options;
    if (!this.agent && !this.closed) {
      const Agent = this.base.startsWith('http:') ? http.Agent : https.Agent;
      this.agent = new Agent({
        keepAlive: true,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        pfx: options.pfx,
        passphrase: options.passphrase,
        servername: options.servername,
        ...(options.rejectUnauthorized !== undefined
          ? { rejectUnauthorized: options.rejectUnauthorized }
          : {}),
      } as https.AgentOptions);
    }
    options.agent = this.agent;
    return options;
  }
}
