/**
 * The daemon's trigger-to-sync path: applications and their sources (polled or watched),
 * the sync queue (in process or on Redis), the webhook endpoint, and the worker that
 * fetches and renders each queued sync. Every trigger ends in `queue.enqueue`; only the
 * worker syncs.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { isCapstanError, type DaemonConfig } from '../core/index.js';
import { DEFAULT_POLL_INTERVAL_MS, SnapshotStore, redactText } from '../git/index.js';
import { createAppSource, type AppSource } from './app-source.js';
import type { Application } from './applications.js';
import { createSyncQueue, type SyncJob, type SyncPriority, type SyncQueue } from './queue/index.js';
import { readSecret } from './secrets.js';
import { StateStore } from './state/state-store.js';
import { SyncWorker, type RenderedRevision } from './sync-worker.js';
import {
  MemoryReplayGuard,
  RedisReplayGuard,
  WebhookHandler,
  normalizeRepoUrl,
  type ProviderName,
} from './webhooks/index.js';

export interface SyncServiceOptions {
  dataDir: string;
  config: DaemonConfig;
  env?: NodeJS.ProcessEnv;
  /** the step after rendering (the sync engine) */
  deliver?: (rendered: RenderedRevision, signal: AbortSignal) => Promise<void>;
  /** reports problems that have no caller to throw to (a source that cannot be polled) */
  log?: (line: string) => void;
}

export interface ApplicationStatus {
  app: Application;
  source: string;
  /** the last error polling or watching the source, until a check succeeds */
  sourceError?: string;
}

interface Entry {
  app: Application;
  source: AppSource;
  sourceError?: string;
}

export class SyncService {
  readonly state: StateStore;
  readonly queue: SyncQueue;
  readonly webhooks: WebhookHandler;
  private readonly entries = new Map<string, Entry>();
  private readonly redis?: Redis;
  private readonly log: (line: string) => void;

  private constructor(options: SyncServiceOptions) {
    const { config, dataDir } = options;
    const env = options.env ?? process.env;
    this.log = options.log ?? (() => undefined);
    // secrets first: a missing one stops the start before anything runs
    const secrets: Partial<Record<ProviderName, string>> = {};
    for (const [provider, ref] of Object.entries(config.webhooks.secrets))
      secrets[provider as ProviderName] = readSecret(ref, `webhooks.${provider}`, env);
    this.state = new StateStore(path.join(dataDir, 'daemon'));
    const snapshots = new SnapshotStore({ dir: path.join(dataDir, 'git', 'snapshots') });
    for (const a of config.applications) {
      const app: Application = {
        name: a.name,
        source: a.source,
        ...(a.triggerPaths ? { triggerPaths: a.triggerPaths } : {}),
        ...(a.pollIntervalMs ? { pollIntervalSeconds: a.pollIntervalMs / 1000 } : {}),
      };
      const source = createAppSource(app, {
        cacheDir: path.join(dataDir, 'git', 'repos'),
        snapshots,
        credentials: a.credentials,
        pollIntervalMs: config.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      });
      this.entries.set(app.name, { app, source });
    }
    const redisUrl = config.queue.redisUrl;
    if (redisUrl) this.redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.queue = createSyncQueue({
      redisUrl,
      concurrency: config.queue.concurrency,
      onFailed: (job: SyncJob, e: unknown) =>
        this.log(`sync of ${job.app} failed after ${job.attempt} attempts: ${redactText(String(e))}`),
    });
    this.webhooks = new WebhookHandler({
      secrets,
      applications: () => [...this.entries.values()].map((e) => e.app),
      enqueue: (req) => this.queue.enqueue(req),
      onPullRequest: (pr, provider) =>
        this.state.recordPullRequest({
          repo: normalizeRepoUrl(pr.repoUrls[0] ?? ''),
          number: pr.number,
          provider,
          state: pr.action === 'merged' ? 'merged' : pr.action === 'closed' ? 'closed' : 'open',
          lastAction: pr.action,
          title: pr.title,
          headBranch: pr.headBranch,
          headSha: pr.headSha,
          baseBranch: pr.baseBranch,
          url: pr.url,
          updatedAt: Date.now(),
        }),
      replay: this.redis ? new RedisReplayGuard(this.redis) : new MemoryReplayGuard(),
      maxBodyBytes: config.webhooks.maxBodyBytes,
    });
  }

  /** Starts processing the queue and watching the sources; each source's first revision queues a first sync. */
  static async start(options: SyncServiceOptions): Promise<SyncService> {
    const service = new SyncService(options);
    const worker = new SyncWorker({
      application: (name) => service.entries.get(name),
      state: service.state,
      deliver: options.deliver,
    });
    service.queue.process(worker.handle);
    for (const entry of service.entries.values()) {
      await entry.source.watch(
        (revision, reason) => {
          entry.sourceError = undefined;
          // a developer's edit is as urgent as a webhook; polls and start-up come after
          const priority: SyncPriority = reason.startsWith('local edit') ? 'webhook' : 'poll';
          void service.enqueue(entry.app.name, revision, priority, reason);
        },
        (e) => {
          entry.sourceError = isCapstanError(e) ? `${e.message} [${e.code}]` : String(e);
          service.log(`source of ${entry.app.name}: ${entry.sourceError}`);
        },
      );
    }
    return service;
  }

  applications(): ApplicationStatus[] {
    return [...this.entries.values()].map((e) => ({
      app: e.app,
      source: e.source.display,
      ...(e.sourceError ? { sourceError: e.sourceError } : {}),
    }));
  }

  application(name: string): ApplicationStatus | undefined {
    return this.applications().find((a) => a.app.name === name);
  }

  /** Queues a sync of `name` (false when there is no such application). */
  async enqueue(name: string, revision: string, priority: SyncPriority, reason: string): Promise<boolean> {
    if (!this.entries.has(name)) return false;
    try {
      await this.queue.enqueue({ app: name, revision, priority, reason, requestedAt: Date.now() });
    } catch (e) {
      this.log(`cannot queue a sync of ${name}: ${String(e)}`);
      throw e;
    }
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.source.close()));
    await this.queue.close();
    this.redis?.disconnect();
    this.state.close();
  }
}
