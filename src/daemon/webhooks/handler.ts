/**
 * The webhook endpoint, `POST /api/webhooks/<provider>`: verify, de-duplicate, rate-limit,
 * match, queue — and answer 202 in milliseconds; the sync itself runs from the queue.
 * Every refusal has its own status and a one-line reason, and triggers nothing:
 *   404 unknown or unconfigured provider · 405 not POST · 413 body over the limit ·
 *   401 bad or missing signature · 409 a delivery id seen before · 400 not JSON ·
 *   429 the source's rate is exceeded (with Retry-After).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Application } from '../applications.js';
import { bitbucket } from './bitbucket.js';
import type { PullRequestEvent, WebhookProvider, WebhookRequest } from './event.js';
import { generic } from './generic.js';
import { gitea, github } from './github.js';
import { gitlab } from './gitlab.js';
import { applicationsForPush } from './match.js';
import type { ReplayGuard } from './replay-guard.js';
import { SourceRateLimiter } from './rate-limit.js';
import { normalizeRepoUrl } from './repo-url.js';

export type ProviderName = WebhookProvider['name'];
export const PROVIDERS: Record<ProviderName, WebhookProvider> = { github, gitlab, gitea, bitbucket, generic };

/** What the endpoint asks of the queue (the queue's SyncRequest). */
export interface WebhookSyncRequest {
  app: string;
  revision: string;
  priority: 'webhook';
  reason: string;
  requestedAt: number;
}

export interface WebhookHandlerOptions {
  /** the shared secret of each provider that is enabled; a provider without one answers 404 */
  secrets: Partial<Record<ProviderName, string>>;
  applications: () => readonly Application[];
  enqueue: (req: WebhookSyncRequest) => Promise<void>;
  /** pull/merge request events, for preview environments */
  onPullRequest?: (event: PullRequestEvent, provider: ProviderName) => void | Promise<void>;
  replay: ReplayGuard;
  /** default 5 MiB */
  maxBodyBytes?: number;
  /** per provider and repository; default 20 a second with bursts of 100 */
  rateLimit?: { perSecond: number; burst: number };
  now?: () => number;
}

export interface WebhookOutcome {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (status: number, message: string): WebhookOutcome => ({ status, body: { error: message } });

/** Reads the body, refusing (413) as soon as it is over `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new Refusal(413, `payload of ${declared} bytes is over the limit of ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new Refusal(413, `payload is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class WebhookHandler {
  private readonly limiter: SourceRateLimiter;
  private readonly maxBodyBytes: number;
  private readonly now: () => number;

  constructor(private readonly options: WebhookHandlerOptions) {
    this.now = options.now ?? Date.now;
    const rate = options.rateLimit ?? { perSecond: 20, burst: 100 };
    this.limiter = new SourceRateLimiter(rate.perSecond, rate.burst, this.now);
    this.maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  }

  /** Serves one request for `provider` (the last path segment) and writes the answer. */
  async serve(provider: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let outcome: WebhookOutcome;
    try {
      outcome = await this.handle(provider, req);
    } catch (e) {
      outcome =
        e instanceof Refusal ? refuse(e.status, e.message) : refuse(500, `webhook failed: ${String(e)}`);
      // the body is not wanted: let the client finish sending, then close
      if (e instanceof Refusal && e.status === 413) res.setHeader('connection', 'close');
    }
    res.writeHead(outcome.status, { 'content-type': 'application/json', ...outcome.headers });
    res.end(JSON.stringify(outcome.body));
  }

  private async handle(name: string, req: IncomingMessage): Promise<WebhookOutcome> {
    const provider = (PROVIDERS as Record<string, WebhookProvider | undefined>)[name];
    const secret = provider ? this.options.secrets[provider.name] : undefined;
    if (!provider || !secret) return refuse(404, `no webhook is configured for provider "${name}"`);
    if (req.method !== 'POST')
      return { ...refuse(405, 'webhooks are POST requests'), headers: { allow: 'POST' } };
    const request: WebhookRequest = {
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
      ),
      body: await readBody(req, this.maxBodyBytes),
    };
    if (!provider.verify(request, secret)) return refuse(401, `invalid or missing ${name} webhook signature`);
    const delivery = provider.deliveryId(request);
    if (delivery !== undefined && !(await this.options.replay.firstSighting(`${name}:${delivery}`)))
      return refuse(409, `delivery ${delivery} was already received`);
    let payload: unknown;
    try {
      payload = JSON.parse(request.body.toString('utf8'));
    } catch {
      return refuse(400, 'the webhook body is not JSON');
    }
    const event = provider.parse(request, payload);
    if (!event) return { status: 200, body: { ignored: true } };
    const source = `${name}:${event.repoUrls.map(normalizeRepoUrl).sort()[0] ?? ''}`;
    const wait = this.limiter.take(source);
    if (wait > 0)
      return {
        ...refuse(429, `too many webhooks for ${source}; retry in ${wait} s`),
        headers: { 'retry-after': String(wait) },
      };
    if (event.kind === 'pull_request') {
      await this.options.onPullRequest?.(event, provider.name);
      return { status: 202, body: { event: 'pull_request', action: event.action, number: event.number } };
    }
    if (event.deleted) return { status: 200, body: { ignored: true, reason: 'the ref was deleted' } };
    const apps = applicationsForPush(this.options.applications(), event);
    const ref = event.branch ?? event.tag ?? 'push';
    await Promise.all(
      apps.map((app) =>
        this.options.enqueue({
          app: app.name,
          // a sender that names no commit (generic) asks for the newest of the app's revision
          revision: event.revision ?? app.source.targetRevision,
          priority: 'webhook',
          reason: `${name} webhook: push to ${ref}`,
          requestedAt: this.now(),
        }),
      ),
    );
    return {
      status: 202,
      body: { event: 'push', revision: event.revision, queued: apps.map((a) => a.name) },
    };
  }
}
