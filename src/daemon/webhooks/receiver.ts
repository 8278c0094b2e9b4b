/**
 * What a webhook delivery does, from plain values (the server has read the body within its
 * limit): verify and parse (the provider), rate-limit, de-duplicate, match, queue — and
 * return what was queued, in milliseconds; the sync itself runs from the queue. A refused
 * delivery throws a `WEBHOOK_*` CapstanError (see errors.ts) and triggers nothing.
 */
import type { WebhookProviderName } from '../../core/index.js';
import type { WebhookOutcome } from '../api.js';
import { webhookError, webhookProviderNamed } from './errors.js';
import type { PullRequestEvent, PushEvent, WebhookEvent, WebhookHeaders } from './event.js';
import { applicationsForPush, type PushTarget } from './match.js';
import { webhookProviders } from './providers.js';
import { SourceRateLimiter } from './rate-limit.js';
import type { ReplayGuard } from './replay-guard.js';
import { normalizeRepoUrl } from './repo-url.js';

/** What a delivery asks of the queue (the queue's SyncRequest). */
export interface WebhookSyncRequest {
  app: string;
  revision: string;
  priority: 'webhook';
  reason: string;
  requestedAt: number;
}

export interface WebhookReceiverOptions {
  /** the shared secret of each provider that is enabled; a provider without one is `WEBHOOK_NOT_CONFIGURED` */
  secrets: Partial<Record<WebhookProviderName, string>>;
  applications: () => readonly PushTarget[];
  enqueue: (req: WebhookSyncRequest) => Promise<void>;
  /** pull/merge request events, for preview environments */
  onPullRequest?: (event: PullRequestEvent, provider: WebhookProviderName) => void | Promise<void>;
  replay: ReplayGuard;
  /** per provider and repository; default 20 a second with bursts of 100 */
  rateLimit?: { perSecond: number; burst: number };
  now?: () => number;
}

export class WebhookReceiver {
  private readonly limiter: SourceRateLimiter;
  private readonly now: () => number;

  constructor(private readonly options: WebhookReceiverOptions) {
    this.now = options.now ?? Date.now;
    const rate = options.rateLimit ?? { perSecond: 20, burst: 100 };
    this.limiter = new SourceRateLimiter(rate.perSecond, rate.burst, this.now);
  }

  /** One delivery for `provider` (the last segment of the webhook's path). */
  async receive(provider: string, headers: WebhookHeaders, body: Buffer): Promise<WebhookOutcome> {
    const name = webhookProviderNamed(provider);
    const secret = this.options.secrets[name];
    if (!secret)
      throw webhookError('WEBHOOK_NOT_CONFIGURED', `no webhook is configured for provider "${name}"`, {
        provider: name,
      });
    const events = webhookProviders[name](headers, body, secret);
    if (events.length === 0) return { queued: [], ignored: 'not an event Capstan acts on' };
    // the rate first: a delivery refused for it is not remembered, so its redelivery is taken
    this.takeRate(name, events[0]);
    const delivery = events[0].delivery;
    if (delivery !== undefined && !(await this.options.replay.firstSighting(`${name}:${delivery}`)))
      throw webhookError('WEBHOOK_REPLAYED', `delivery ${delivery} was already received`, { delivery });
    const outcome: WebhookOutcome = { event: events[0].kind, queued: [] };
    for (const event of events) {
      if (event.kind === 'pull_request') {
        await this.options.onPullRequest?.(event, name);
        outcome.pullRequest ??= { number: event.number, action: event.action };
      } else {
        outcome.revision ??= event.revision;
        for (const app of await this.push(name, event))
          if (!outcome.queued.includes(app)) outcome.queued.push(app);
      }
    }
    if (events.every((e) => e.kind === 'push' && e.deleted)) outcome.ignored = 'the ref was deleted';
    return outcome;
  }

  /** Takes a token for the delivery's source (provider and repository), or `WEBHOOK_RATE_LIMITED`. */
  private takeRate(provider: WebhookProviderName, event: WebhookEvent): void {
    const source = `${provider}:${event.repoUrls.map(normalizeRepoUrl).sort()[0] ?? ''}`;
    const wait = this.limiter.take(source);
    if (wait > 0)
      throw webhookError('WEBHOOK_RATE_LIMITED', `too many webhooks for ${source}; retry in ${wait} s`, {
        retryAfterSeconds: wait,
      });
  }

  /** Queues the applications a push concerns; their names. */
  private async push(provider: WebhookProviderName, event: PushEvent): Promise<string[]> {
    if (event.deleted) return [];
    const apps = applicationsForPush(this.options.applications(), event);
    const ref = event.branch ?? event.tag ?? 'push';
    await Promise.all(
      apps.map((app) =>
        this.options.enqueue({
          app: app.name,
          // a sender that names no commit (generic) asks for the newest of the app's revision
          revision: event.revision ?? app.source.targetRevision,
          priority: 'webhook',
          reason: `${provider} webhook: push to ${ref}`,
          requestedAt: this.now(),
        }),
      ),
    );
    return apps.map((a) => a.name);
  }
}
