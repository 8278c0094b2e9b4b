/**
 * The Capstan daemon over a running control plane: Applications and AppProjects as its
 * objects, the destination clusters, shared Git sources, renders off the event loop,
 * webhooks, and the one application reconciler. What the HTTP server may do with it is
 * `DaemonApi`; nothing else leaves this file.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import {
  CapstanError,
  CONFIG_FIELD_MANAGER,
  IN_PROCESS_CLUSTER,
  type Application,
  type AppProject,
  type DaemonConfig,
  type HistoryEntry,
  type WebhookProviderName,
} from '../core/index.js';
import type { ControlPlane } from '../controlplane/index.js';
import { DEFAULT_POLL_INTERVAL_MS, SnapshotStore, redactText, type CredentialSource } from '../git/index.js';
import { previewSync, type ObjectPreview } from '../sync/index.js';
import type {
  ClusterInfo,
  ClusterRegistration,
  DaemonApi,
  SyncRequestOptions,
  WebhookOutcome,
} from './api.js';
import { RedisAppLock } from './app-lock.js';
import { applicationLogs } from './app-logs.js';
import { AppReconciler } from './app-reconciler.js';
import { applicationFromConfig, settingsOf } from './app-settings.js';
import { AppStore } from './app-store.js';
import { ClusterRegistry } from './clusters.js';
import { defaultProject } from './projects.js';
import { Redactor } from './redaction.js';
import { RenderCache, type RenderCacheStats } from './render-cache.js';
import { RenderPool } from './render-pool.js';
import { RepositoryRegistry } from './repositories.js';
import { readSecret } from './secrets.js';
import { SourceHub } from './sources.js';
import { Promoter } from './promotion/promoter.js';
import { PromotionStore } from './promotion/promotion-store.js';
import { AutoPromoter } from './promotion/auto-promoter.js';
import { PreviewController } from './previews/index.js';
import { createAppSource, type AppSourceContext } from './app-source.js';
import { ProviderClients } from './provider-clients.js';
import { RollbackFeedback, rollbackFeedbackOptionsFrom } from './rollback-feedback/index.js';
import { CommitStatusReporter } from './feedback/commit-statuses.js';
import { StateStore } from './state/state-store.js';
import { MemoryReplayGuard, RedisReplayGuard, WebhookReceiver, normalizeRepoUrl } from './webhooks/index.js';

export type LogFn = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;

export interface DaemonOptions {
  controlPlane: ControlPlane;
  config: DaemonConfig;
  /** the daemon's own state (history, kept revisions, Git mirrors and snapshots) */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  log?: LogFn;
}

export interface Daemon extends DaemonApi {
  readonly state: StateStore;
  /** renders run and spared by the render cache (for benchmarks and metrics) */
  renderStats(): RenderCacheStats;
  close(): Promise<void>;
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { controlPlane, config, dataDir } = options;
  const env = options.env ?? process.env;
  const log: LogFn = (level, fields, msg) => options.log?.(level, fields, redactText(msg));
  // secrets first: a missing one stops the start before anything runs
  const secrets: Partial<Record<WebhookProviderName, string>> = {};
  for (const [provider, ref] of Object.entries(config.webhooks.secrets))
    secrets[provider as WebhookProviderName] = readSecret(ref, `webhooks.${provider}`, env);
  const store = new AppStore(controlPlane.api);
  await store.installCrds();
  const clusters = await ClusterRegistry.start({
    api: controlPlane.api,
    podLogs: controlPlane.podLogs,
    config,
    env,
    log: (line) => log('warn', {}, line),
  });
  // Git credentials of the repository Secrets, known before the first source is set up
  const repositories = await RepositoryRegistry.start({
    cluster: clusters.get(IN_PROCESS_CLUSTER),
    log: (line) => log('warn', {}, line),
  });
  const state = new StateStore(path.join(dataDir, 'daemon'));
  const renders = new RenderPool({ limits: config.render });
  // a commit that touches none of an application's inputs costs it no render
  const renderCache = new RenderCache();
  const credentials = new Map<string, CredentialSource>();
  for (const a of config.applications) if (a.credentials) credentials.set(a.name, a.credentials);
  // user info in a configured URL stays in memory: the Application holds the URL without it
  const configuredURLs = new Map(config.applications.map((a) => [a.name, a.source.repoURL]));
  const redis = config.queue.redisUrl
    ? new Redis(config.queue.redisUrl, { maxRetriesPerRequest: 3 })
    : undefined;
  const sourceContext: Omit<AppSourceContext, 'credentials'> = {
    cacheDir: path.join(dataDir, 'git', 'repos'),
    snapshots: new SnapshotStore({ dir: path.join(dataDir, 'git', 'snapshots') }),
    pollIntervalMs: config.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    gitLimits: config.git,
    env,
  };
  const sources = new SourceHub({
    context: sourceContext,
    credentialsFor: (repoURL) => repositories.credentialsFor(repoURL),
    // the reconciler below exists before any source reports: sources start with its first reconcile
    onRevision: (app) => reconciler.poke(app),
    onError: (app, message) => {
      log('warn', { app }, `source: ${message}`);
      reconciler.poke(app);
    },
  });
  const providers = new ProviderClients(controlPlane.api);
  // commit statuses follow what the reconciler records, never in its way
  const statuses = new CommitStatusReporter({
    provider: (ref) => providers.for(ref),
    publicUrl: config.server.publicUrl,
    log,
    onFailureChange: (app) => reconciler.poke(app),
  });
  const reconciler = new AppReconciler({
    store,
    sources,
    state,
    render: (app, root, dir) =>
      renderCache.render(app, root, dir, { repoRoot: root, displayRoot: root }, renders.render),
    cluster: (name) => clusters.get(name),
    defaultCluster: clusters.defaultName,
    forget: (app) => renderCache.delete(app),
    providerProblem: (app) => statuses.failure(app),
    localSourceAllowed: (app, url) => configuredURLs.get(app) === url,
    repoURL: (app, specURL) => {
      const configured = configuredURLs.get(app);
      return configured && redactText(configured) === specURL ? configured : undefined;
    },
    credentials: (app) => credentials.get(app),
    workers: config.queue.concurrency,
    ...(redis ? { lock: new RedisAppLock(redis) } : {}),
    log,
  });
  clusters.onChange((change) => reconciler.pokeCluster(change.name));
  // new or rotated credentials: the applications of those repositories set up their source again
  repositories.onChange((concerns) => {
    for (const app of store.list()) {
      const url: unknown = app.spec?.source?.repoURL;
      if (typeof url === 'string' && concerns(url)) reconciler.poke(app.metadata.name);
    }
  });
  const webhooks = new WebhookReceiver({
    secrets,
    applications: () =>
      store.list().flatMap((app) => {
        try {
          return [settingsOf(app)];
        } catch {
          return []; // an invalid spec is reported in its status; no push concerns it
        }
      }),
    enqueue: async (req) => {
      log('info', { app: req.app, revision: req.revision.slice(0, 7) }, `webhook: ${req.reason}`);
      reconciler.announce(req.app, req.revision, req.reason);
      // answered at once: a burst of webhooks is one refs check per source, made after the answer
      void sources.checkNow(req.app);
    },
    onPullRequest: (pr, provider) => {
      previews.onPullRequest(pr);
      return state.recordPullRequest({
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
      });
    },
    replay: redis ? new RedisReplayGuard(redis) : new MemoryReplayGuard(),
  });
  // the configuration file is one more writer of Applications
  for (const a of config.applications) {
    if (redactText(a.source.repoURL) !== a.source.repoURL)
      log('warn', { app: a.name }, urlCredentialsWarning(a.name));
    // the file's `cluster:` is where its applications go unless they name a destination
    const object = applicationFromConfig(a, clusters.defaultName);
    object.spec.source.repoURL = redactText(a.source.repoURL);
    await store.apply(object, CONFIG_FIELD_MANAGER);
  }
  reconciler.start();

  const promotions = new PromotionStore(controlPlane.api);
  const promoter = new Promoter({
    promotion: (name) => promotions.get(name),
    application: (name) => store.get(name),
    files: async (app, commit) => {
      if (!sources.has(app))
        throw new CapstanError(
          'PROMOTION_INVALID',
          `${app} has no source yet: its spec is invalid or it was never reconciled (see its conditions)`,
        );
      if (!commit) await sources.checkNow(app); // the branch's newest commit, not the last poll's
      return sources.fetch(app, commit);
    },
    writeTarget: async (app) => {
      const target = await sources.writeTarget(app);
      if (!target)
        throw new CapstanError(
          'PROMOTION_INVALID',
          `${app} reads a local directory: a promotion commits to a Git repository`,
        );
      return target;
    },
    refresh: (app) => sources.checkNow(app),
    render: async (root, dir) =>
      (await renders.render(path.join(root, dir), { repoRoot: root, displayRoot: root })).objects,
    provider: (ref) => providers.for(ref),
    record: (name, record) => promotions.record(name, record),
    author: { name: 'Capstan', email: 'capstan@localhost' },
    now: () => new Date(),
  });
  // stages with autoPromote: promoted into once the stage before is Healthy for its soak time
  const autoPromoter = new AutoPromoter({
    promotions: () => promotions.list(),
    application: (name) => store.get(name),
    promote: (name, request) => promoter.promote(name, request),
    report: (name, target, problem) => promotions.setAutoPromoted(name, target, problem),
    log,
    now: () => new Date(),
  });
  const promotionWatches = [
    promotions.watch(() => autoPromoter.evaluate()),
    store.watch(() => autoPromoter.evaluate()),
  ];

  // preview environments: one Application per open pull request of each PreviewSet
  const previews = new PreviewController({
    api: controlPlane.api,
    provider: (ref) => providers.for(ref),
    cluster: (name) => clusters.get(name ?? clusters.defaultName),
    // one commit's or branch's files, outside any application's source (a PR head, its base)
    files: (repoURL, revision) =>
      createAppSource(
        { repoURL, targetRevision: revision },
        { ...sourceContext, credentials: repositories.credentialsFor(repoURL) },
      ).fetch(),
    render: async (root, dir) =>
      (await renders.render(path.join(root, dir), { repoRoot: root, displayRoot: root })).objects,
    log,
  });
  previews.start();

  const statusWatch = store.watch((type, app) =>
    type === 'DELETED' ? statuses.forget(app.metadata.name) : statuses.observe(app),
  );

  // after an automatic rollback, Git is told (spec.rollback.gitRevert): a revert PR or commit
  const rollbackFeedback = new RollbackFeedback(
    {
      applications: () => store.list(),
      watch: (onChange) => store.watch((type, app) => type !== 'DELETED' && onChange(app)),
      records: state,
      application: (name) => store.get(name),
      branchHead: async (app) => {
        await sources.checkNow(app); // the branch's newest commit, not the last poll's
        const newest = await sources.fetch(app);
        await newest.release();
        const wanted = store.get(app)?.spec.source.targetRevision;
        const branch = newest.ref?.startsWith('refs/heads/')
          ? newest.ref.slice('refs/heads/'.length)
          : wanted && wanted !== 'HEAD' && !/^[0-9a-f]{7,40}$/.test(wanted)
            ? wanted
            : undefined;
        if (!branch)
          throw new CapstanError(
            'REVERT_INVALID',
            `${app} does not follow a branch: a revert commits to one`,
          );
        return { head: newest.revision, branch };
      },
      writeTarget: async (app) => {
        const target = await sources.writeTarget(app);
        if (!target)
          throw new CapstanError('REVERT_INVALID', `${app} reads a local directory: a revert commits to Git`);
        return target;
      },
      refresh: (app) => sources.checkNow(app),
      provider: (ref) => providers.for(ref),
      author: { name: 'Capstan', email: 'capstan@localhost' },
      now: () => new Date(),
      log,
    },
    rollbackFeedbackOptionsFrom(env),
  );
  rollbackFeedback.start();

  const known = (name: string): Application => {
    const app = store.get(name);
    if (!app) throw new CapstanError('APP_NOT_FOUND', `application "${name}" not found`);
    return app;
  };

  return {
    state,
    renderStats: () => renderCache.stats(),
    async listApplications() {
      return store.list().map(withoutUrlCredentials);
    },
    async getApplication(name) {
      const app = store.get(name);
      return app && withoutUrlCredentials(app);
    },
    async applyApplication(app, fieldManager) {
      if (app?.kind !== 'Application' || typeof app.metadata?.name !== 'string')
        throw new CapstanError('APP_INVALID', 'the body must be an Application with metadata.name');
      settingsOf(app, clusters.defaultName); // what the schema cannot check, before it is stored
      return withoutUrlCredentials(await store.apply(app, fieldManager));
    },
    async deleteApplication(name, options = {}) {
      const app = known(name);
      const finalizers = (app.metadata.finalizers as string[] | undefined) ?? [];
      const cascade = options.cascade !== false;
      const wanted = cascade
        ? [...new Set([...finalizers, 'capstan.dev/resources'])]
        : finalizers.filter((f) => f !== 'capstan.dev/resources');
      if (wanted.join() !== finalizers.join()) await store.setFinalizers(name, wanted);
      await store.delete(name);
    },
    async requestSync(name, request: SyncRequestOptions) {
      const app = known(name);
      if (request.intent.type === 'rollback' && !state.revision(name, request.intent.revision))
        throw new CapstanError(
          'SYNC_REVISION_UNKNOWN',
          `${name} never synced revision ${request.intent.revision}: roll back to one listed in its history`,
        );
      if (request.intent.type === 'follow')
        await reconciler.requestNewest(name, request, () => sources.checkNow(name));
      else reconciler.request(name, request);
      return withoutUrlCredentials(app);
    },
    async diff(name, options = {}) {
      const app = known(name);
      const settings = settingsOf(app, clusters.defaultName);
      const pinned = app.status?.pinnedRevision;
      const fetched = await sources.fetch(name, pinned);
      try {
        const dir = path.join(fetched.root, settings.source.path);
        const { objects } = await renderCache.render(
          name,
          fetched.root,
          dir,
          { repoRoot: fetched.root, displayRoot: fetched.root },
          renders.render,
        );
        const previews: ObjectPreview[] = await previewSync(name, objects, {
          cluster: clusters.get(settings.cluster),
          defaultNamespace: settings.namespace,
          ignoreDifferences: settings.ignoreDifferences,
          color: options.color,
        }).catch((e: unknown) => Promise.reject(new Redactor(objects).error(e)));
        return { revision: fetched.revision, objects: previews };
      } finally {
        await fetched.release();
      }
    },
    async history(name): Promise<HistoryEntry[]> {
      return known(name).status?.history ?? [];
    },
    async reverts(name) {
      known(name);
      return state.gitReverts(name);
    },
    async listPromotions() {
      return promotions.list();
    },
    async getPromotion(name) {
      return promotions.get(name);
    },
    async promote(name, request) {
      const outcome = await promoter.promote(name, request);
      log(
        'info',
        { promotion: name, from: outcome.from, to: outcome.to, revision: outcome.revision.slice(0, 7) },
        outcome.changes.length === 0
          ? `promotion: ${outcome.to} already runs what ${outcome.from} runs`
          : `promotion${outcome.dryRun ? ' (dry run)' : ''}: ${outcome.changes.join('; ')}${
              outcome.pullRequest
                ? `; pull request ${outcome.pullRequest.url}`
                : outcome.commit
                  ? `; pushed ${outcome.commit.slice(0, 7)} to ${outcome.branch}`
                  : ''
            }`,
      );
      return outcome;
    },
    async listProjects(): Promise<AppProject[]> {
      const projects = store.listProjects();
      return projects.some((p) => p.metadata.name === 'default') ? projects : [defaultProject(), ...projects];
    },
    async getProject(name) {
      return store.getProject(name) ?? (name === 'default' ? defaultProject() : undefined);
    },
    async listClusters(): Promise<ClusterInfo[]> {
      return clusters.list();
    },
    async addCluster(registration: ClusterRegistration) {
      return clusters.add(registration);
    },
    async listRepositories() {
      return repositories.list();
    },
    async addRepository(registration) {
      return repositories.add(registration);
    },
    async removeRepository(url) {
      return repositories.remove(url);
    },
    async logs(name, options = {}) {
      const app = known(name);
      const settings = settingsOf(app, clusters.defaultName);
      return applicationLogs(app, clusters.get(settings.cluster), {
        namespace: settings.namespace,
        tail: options.tail,
      });
    },
    async pullRequests(filter = {}) {
      return state.pullRequests(filter);
    },
    async receiveWebhook(provider, headers, body): Promise<WebhookOutcome> {
      return webhooks.receive(provider, headers, body);
    },
    async close() {
      autoPromoter.stop();
      for (const w of promotionWatches) w.stop();
      await rollbackFeedback.close();
      await previews.stop();
      statusWatch.stop();
      await reconciler.stop();
      await sources.close();
      await renders.close();
      repositories.close();
      await clusters.close();
      redis?.disconnect();
      state.close();
    },
  };
}

/** The application as the API shows it: a repoURL's user info (`user:password@`) removed. */
function withoutUrlCredentials(app: Application): Application {
  const repoURL = redactText(app.spec.source.repoURL);
  return repoURL === app.spec.source.repoURL
    ? app
    : { ...app, spec: { ...app.spec, source: { ...app.spec.source, repoURL } } };
}

function urlCredentialsWarning(name: string): string {
  return (
    `warning: applications.${name}.source.repoURL carries credentials (user:password@). Capstan keeps ` +
    'them out of its API and logs, but the configuration file is no place for them: remove them from ' +
    'the URL and set `credentials:` (environment variables or a file) instead'
  );
}
