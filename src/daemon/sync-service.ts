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
import { Redactor } from './redaction.js';
import { readSecret } from './secrets.js';
import { StateStore } from './state/state-store.js';
import { fetchRevision, ROLLBACK_PREFIX, SyncWorker } from './sync-worker.js';
import { RenderPool } from './render-pool.js';
import { previewSync, type ObjectPreview } from '../sync/index.js';
import { CapstanError } from '../core/index.js';
import { DriftWatcher, type Drift } from './drift-watcher.js';
import { Reconciler } from './reconciler.js';
import type { FailedRevision } from './state/state-store.js';
import type { Cluster } from '../cluster/index.js';
import { validateIgnoreDifferences } from '../diff/index.js';
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
  /** where applications are applied; without one, syncs stop after rendering */
  cluster?: Cluster;
  /** health polling while a wave settles (default 500 ms) */
  pollMs?: number;
  /** reports problems that have no caller to throw to (a source that cannot be polled) */
  log?: (line: string) => void;
}

export interface ApplicationStatus {
  app: Application;
  source: string;
  /** the last error polling or watching the source, until a check succeeds */
  sourceError?: string;
  /** live objects that differ from what the last sync applied */
  drift: Drift[];
  /** a revision that ended Degraded and is not retried until a new commit arrives */
  failedRevision?: FailedRevision;
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
  /** renders run in worker threads, so the APIs answer during a heavy one */
  private readonly renders: RenderPool;
  private readonly entries = new Map<string, Entry>();
  private readonly redis?: Redis;
  private readonly drift?: DriftWatcher;
  private readonly cluster?: Cluster;
  private readonly reconciler?: Reconciler;
  private readonly log: (line: string) => void;

  private constructor(options: SyncServiceOptions) {
    const { config, dataDir } = options;
    const env = options.env ?? process.env;
    const log = options.log ?? (() => undefined);
    // a URL with user info can reach a line through any error text: none leaves with it
    this.log = (line) => log(redactText(line));
    // secrets first: a missing one stops the start before anything runs
    const secrets: Partial<Record<ProviderName, string>> = {};
    for (const [provider, ref] of Object.entries(config.webhooks.secrets))
      secrets[provider as ProviderName] = readSecret(ref, `webhooks.${provider}`, env);
    this.state = new StateStore(path.join(dataDir, 'daemon'));
    this.renders = new RenderPool({ limits: config.render });
    const snapshots = new SnapshotStore({ dir: path.join(dataDir, 'git', 'snapshots') });
    for (const a of config.applications) {
      const app: Application = {
        name: a.name,
        source: a.source,
        syncPolicy: a.syncPolicy,
        ...(a.namespace ? { namespace: a.namespace } : {}),
        ...(a.healthTimeoutMs ? { healthTimeoutMs: a.healthTimeoutMs } : {}),
        ...(a.ignoreDifferences
          ? {
              ignoreDifferences: validateIgnoreDifferences(
                a.ignoreDifferences,
                `applications.${a.name}.ignoreDifferences`,
              ),
            }
          : {}),
        ...(a.triggerPaths ? { triggerPaths: a.triggerPaths } : {}),
        ...(a.pollIntervalMs ? { pollIntervalSeconds: a.pollIntervalMs / 1000 } : {}),
      };
      if (redactText(a.source.repoURL) !== a.source.repoURL) this.log(urlCredentialsWarning(a.name));
      const source = createAppSource(app, {
        cacheDir: path.join(dataDir, 'git', 'repos'),
        snapshots,
        credentials: a.credentials,
        pollIntervalMs: config.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        gitLimits: config.git,
      });
      this.entries.set(app.name, { app, source });
    }
    const cluster = options.cluster;
    this.cluster = cluster;
    if (cluster) {
      const drift = new DriftWatcher(cluster, (name, d) => this.onDrift(name, d));
      this.drift = drift;
      this.reconciler = new Reconciler({
        cluster,
        state: this.state,
        pollMs: options.pollMs,
        onSyncStart: (name) => drift.untrack(name),
        onApplied: (app, objects) =>
          void drift
            .track(app.name, objects, app.ignoreDifferences)
            .catch((e) => this.log(`watching ${app.name} for drift: ${String(e)}`)),
      });
    }
    const redisUrl = config.queue.redisUrl;
    if (redisUrl) this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
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
      render: service.renders.render,
      deliver: service.reconciler
        ? (rendered, signal, job) => service.reconciler!.deliver(rendered, signal, job.priority === 'manual')
        : undefined,
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
          entry.sourceError = redactText(isCapstanError(e) ? `${e.message} [${e.code}]` : String(e));
          service.log(`source of ${entry.app.name}: ${entry.sourceError}`);
        },
      );
    }
    return service;
  }

  applications(): ApplicationStatus[] {
    return [...this.entries.values()].map((e) => {
      const failed = this.state.failedRevision(e.app.name);
      return {
        app: withoutUrlCredentials(e.app),
        source: e.source.display,
        ...(e.sourceError ? { sourceError: e.sourceError } : {}),
        drift: this.drift?.driftOf(e.app.name) ?? [],
        ...(failed ? { failedRevision: failed } : {}),
      };
    });
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

  /**
   * Queues a manual rollback of `name` to `revision`, a revision it synced before: its
   * rendered objects, kept in the state store, are applied again.
   */
  async rollback(name: string, revision: string): Promise<boolean> {
    if (!this.entries.has(name)) return false;
    const kept = this.state.revision(name, revision);
    if (!kept)
      throw new CapstanError(
        'SYNC_REVISION_UNKNOWN',
        `${name} never synced revision ${revision}: roll back to one listed in its history`,
      );
    return this.enqueue(
      name,
      `${ROLLBACK_PREFIX}${kept.revision}`,
      'manual',
      `manual rollback to ${kept.revision.slice(0, 12)}`,
    );
  }

  /** What syncing `name`'s newest revision would change: per object, a unified diff and a JSON patch. */
  async preview(
    name: string,
    options: { color?: boolean } = {},
  ): Promise<{ revision: string; objects: ObjectPreview[] } | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (!this.cluster)
      throw new CapstanError('SYNC_NO_CLUSTER', 'the daemon runs without a cluster: nothing to compare with');
    const { app, source } = entry;
    const fetched = await fetchRevision(
      { revision: app.source.targetRevision },
      app,
      source,
      this.state,
      this.renders.render,
    );
    try {
      const rendered = await fetched.render();
      const objects = await previewSync(app.name, rendered, {
        cluster: this.cluster,
        defaultNamespace: app.namespace,
        ignoreDifferences: app.ignoreDifferences,
        color: options.color,
      }).catch((e: unknown) => Promise.reject(new Redactor(rendered).error(e)));
      return { revision: fetched.revision, objects };
    } finally {
      await fetched.release();
    }
  }

  /** A live object differs from what was applied: corrected when the application asks, else only reported. */
  private onDrift(name: string, drift: Drift): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    const what = `${drift.object} drifted (${drift.fields.slice(0, 3).join(', ')}${drift.fields.length > 3 ? ', …' : ''})`;
    if (!entry.app.syncPolicy.selfHeal) {
      this.log(`${name}: ${what}; selfHeal is off, reporting only`);
      return;
    }
    void this.enqueue(name, entry.app.source.targetRevision, 'poll', `self-heal: ${what}`).catch(
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.drift?.close();
    await Promise.all([...this.entries.values()].map((e) => e.source.close()));
    await this.queue.close();
    // after the queue: its close waits for (or aborts) the renders of running syncs
    await this.renders.close();
    this.redis?.disconnect();
    this.state.close();
  }
}

/** The application as the API shows it: a repoURL's user info (`user:password@`) removed. */
function withoutUrlCredentials(app: Application): Application {
  const repoURL = redactText(app.source.repoURL);
  return repoURL === app.source.repoURL ? app : { ...app, source: { ...app.source, repoURL } };
}

function urlCredentialsWarning(name: string): string {
  return (
    `warning: applications.${name}.source.repoURL carries credentials (user:password@). Capstan keeps ` +
    'them out of its API and logs, but the configuration file is no place for them: remove them from ' +
    'the URL and set `credentials:` (environment variables or a file) instead'
  );
}
