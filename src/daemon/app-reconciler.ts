/**
 * The application reconciler: one level-triggered loop over Application objects, on the
 * same machinery as the control plane's controllers (src/runtime's work queue and
 * workers). Each reconcile reads the application and what is known of it, and takes the
 * next step:
 *
 *   resolve the wanted revision → fetch → render → compare → authorize (project)
 *     → apply the first wave → (wait for health: a state, not a worker) → next waves
 *     → record, or roll back → write status
 *
 * Waiting for health holds no worker: the reconcile returns, and a change of one of the
 * application's objects (one shared watch per kind) or the health timeout brings it
 * back. A newer commit supersedes a revision still waiting. Failures the cluster causes
 * (unreachable, a namespace not there yet, a conflict) are retried with backoff; only what
 * the revision causes (render errors, refusals, an unhealthy rollout) marks it failed, and
 * a failed revision is not tried again by itself — any newer commit is.
 *
 * It is the only writer of an application's status and of the state store's history.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  CapstanError,
  IN_PROCESS_CLUSTER,
  isCapstanError,
  parseApiVersion,
  type Application,
  type ApplicationHealth,
  type ApplicationStatusBody,
  type HistoryEntry,
  type KubeObject,
  type OperationState,
  type ResourceStatus,
  type SyncIntent,
} from '../core/index.js';
import type { Cluster, ClusterWatchEvent } from '../cluster/index.js';
import { explainDrift, type IgnoreDifference } from '../diff/index.js';
import { isTransientGitError, type CredentialSource } from '../git/index.js';
import { runWorkers, setCondition, WaitingError, WorkQueue, type Workers } from '../runtime/index.js';
import {
  continueSync,
  describeCause,
  kindsOf,
  startSync,
  type KindRef,
  type SyncOperation,
  type SyncResult,
  type SyncStep,
} from '../sync/index.js';
import { soleLock, type AppLock } from './app-lock.js';
import { localDirOf, type FetchedRevision } from './app-source.js';
import { settingsOf, type AppSettings } from './app-settings.js';
import type { AppStore } from './app-store.js';
import { LiveWatch } from './live-watch.js';
import { checkProject, defaultProject } from './projects.js';
import { Redactor } from './redaction.js';
import type { SourceHub } from './sources.js';
import type { StateStore } from './state/state-store.js';

export interface AppReconcilerOptions {
  store: AppStore;
  sources: SourceHub;
  state: StateStore;
  /** renders an application's directory of a checkout (through the render cache) */
  render: (app: string, root: string, dir: string) => Promise<{ objects: KubeObject[] }>;
  /** the destination cluster of that name; throws CLUSTER_NOT_FOUND */
  cluster: (name: string) => Cluster;
  /** where applications naming no destination cluster go (default `in-process`) */
  defaultCluster?: string;
  /** credentials of the configuration file's applications, by name */
  credentials?: (app: string) => CredentialSource | undefined;
  /** applications reconciled at once (applying, fetching, rendering; never waiting) */
  workers?: number;
  /**
   * The URL to fetch from: the configuration file's, with the credentials it carries, for an
   * application whose object holds that URL without them.
   */
  repoURL?: (app: string, specURL: string) => string | undefined;
  /** whether `app` may read the host directory `url` (only the configuration file's may) */
  localSourceAllowed?: (app: string, url: string) => boolean;
  /** an application is gone: drop what is kept for it (its cached render) */
  forget?: (app: string) => void;
  /**
   * The last failure telling its Git hosting provider about the application (a commit
   * status not posted), shown as the condition ProviderAvailable=False until one succeeds.
   */
  providerProblem?: (app: string) => string | undefined;
  /** replicas sharing a Redis hold a lock per application while syncing it (default: alone) */
  lock?: AppLock;
  /** reports what happens, for the daemon's log */
  log?: (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;
  now?: () => number;
}

/** What a user or a webhook asked of an application, until a reconcile takes it up. */
interface Request {
  intent: SyncIntent;
  reason: string;
  prune?: boolean;
}

/** A sync under way: applied in part, waiting for its current wave to become healthy. */
interface Running {
  app: string;
  operation: SyncOperation;
  state: OperationState;
  revision: string;
  objects: KubeObject[];
  digest: string;
  recordId: number;
  cluster: Cluster;
  subject?: string;
  author?: string;
  /** set on the rollback that follows a failed revision: the failure it answers */
  rollbackOf?: { revision: string; reason: string };
  health?: ApplicationHealth;
  /** `kind/name` of the objects whose changes may end the current wait */
  watching?: Set<string>;
}

interface Drifted {
  object: string;
  why: string;
}

/** What the reconciler knows of one application between reconciles. */
interface AppRun {
  request?: Request;
  running?: Running;
  /** what the last sync applied (prepared objects), by identity, for drift */
  applied?: Map<string, KubeObject>;
  drift: Map<string, Drifted>;
  /** transient failures in a row, and the revision they were for */
  retries: number;
  /** the last status written, so an unchanged one is not written again */
  written?: string;
  /** the reason of the last finished operation, for status */
  last?: OperationState;
  health?: ApplicationHealth;
  resources?: ResourceStatus[];
  /** the generation seen last: status writes do not trigger reconciles */
  generation?: number;
  /** the application's exclusions, for drift */
  ignoreDifferences?: readonly IgnoreDifference[];
  /** the newest history entries (loaded from the state store once, then kept here) */
  history?: HistoryEntry[];
  /** kinds of the revision last synced, so pruning finds objects of kinds Git dropped */
  kinds?: KindRef[];
  /** the failed revision was refused by the project's rules: a change of rules retries it */
  refusedByProject?: boolean;
  /** the last webhook's commit and words, for the reason of the sync that applies it */
  trigger?: { revision: string; reason: string };
  /** a reconcile of it is in progress */
  busy?: boolean;
  /** this daemon holds the application's replica lock */
  locked?: boolean;
}

const DEFAULT_WORKERS = 8;
/** While waiting for health, look again at least this often even without a watch event. */
const WAIT_RECHECK_MS = 5_000;
const HISTORY_LIMIT = 10;

/** What a wait's watch list and a watch event share: `kind/name` (a namespace more is no harm). */
const watchKeyOf = (o: KubeObject | { kind: string; name: string }) =>
  `${o.kind}/${'metadata' in o ? o.metadata.name : o.name}`;
const keyOf = (o: KubeObject) =>
  `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const describe = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const short = (revision: string) =>
  revision.startsWith('local:') ? revision.slice(0, 18) : revision.slice(0, 7);
const describeError = (e: unknown) =>
  isCapstanError(e) ? `${e.message} [${e.code}]` : String((e as Error)?.message ?? e);

export function digestOf(objects: readonly KubeObject[]): string {
  return createHash('sha256').update(JSON.stringify(objects)).digest('hex');
}

export class AppReconciler {
  private readonly queue = new WorkQueue<string>();
  private readonly runs = new Map<string, AppRun>();
  private readonly lives = new Map<Cluster, LiveWatch>();
  private readonly now: () => number;
  private workers?: Workers;
  private appWatch?: { stop(): void };
  private projectWatch?: { stop(): void };

  private readonly lock: AppLock;

  constructor(private readonly options: AppReconcilerOptions) {
    this.now = options.now ?? Date.now;
    this.lock = options.lock ?? soleLock;
  }

  start(): void {
    this.appWatch = this.options.store.watch((type, app) => {
      const name = app.metadata.name;
      const run = this.runs.get(name);
      // a status write changes no generation: only spec, deletion and new objects count
      if (
        type === 'MODIFIED' &&
        run &&
        run.generation === app.metadata.generation &&
        !app.metadata.deletionTimestamp
      )
        return;
      this.queue.add(name);
    });
    // a project's rules changed: every application may be allowed or refused now
    this.projectWatch = this.options.store.watchProjects(() => {
      for (const app of this.options.store.list()) {
        const name = app.metadata.name;
        // a revision the old rules refused deserves a look under the new ones
        if (this.runs.get(name)?.refusedByProject) {
          this.runs.get(name)!.refusedByProject = false;
          this.options.state.setFailedRevision(name, undefined);
        }
        this.queue.add(name);
      }
    });
    this.workers = runWorkers({
      queue: this.queue,
      workers: this.options.workers ?? DEFAULT_WORKERS,
      reconcile: (name) => this.reconcile(name),
      onError: (name, e, outcome) => {
        if (outcome !== 'waiting') this.log('error', { app: name }, `reconcile failed: ${describeError(e)}`);
      },
    });
  }

  async stop(): Promise<void> {
    this.appWatch?.stop();
    this.projectWatch?.stop();
    this.queue.shutDown();
    await this.workers?.exited;
    await Promise.all([...this.lives.values()].map((l) => l.close()));
  }

  /** A user, the API or a webhook asks for a sync; the next reconcile takes it up. */
  request(name: string, request: Request): void {
    this.runOf(name).request = request;
    this.queue.add(name);
  }

  /**
   * A plain sync: the branch's newest commit, pushed with a webhook or without. The source
   * looks first (its news then finds the request already there), so one sync runs, not an
   * automatic one followed by the asked-for one.
   */
  async requestNewest(name: string, request: Request, look: () => Promise<void>): Promise<void> {
    this.runOf(name).request = request;
    await look();
    this.queue.add(name);
  }

  /** A webhook announced `revision`: a sync that applies it says why. */
  announce(name: string, revision: string, reason: string): void {
    this.runOf(name).trigger = { revision, reason };
  }

  /** Something outside changed for `name` (a new revision, a webhook): look again. */
  poke(name: string): void {
    this.queue.add(name);
  }

  /** Every application deploying to `cluster` looks again (its driver was added, replaced or removed). */
  pokeCluster(cluster: string): void {
    for (const app of this.options.store.list()) {
      const name = app.spec?.destination?.cluster || this.options.defaultCluster || IN_PROCESS_CLUSTER;
      if (name === cluster) this.queue.add(app.metadata.name);
    }
  }

  private runOf(name: string): AppRun {
    let run = this.runs.get(name);
    if (!run) {
      run = { drift: new Map(), retries: 0 };
      this.runs.set(name, run);
    }
    return run;
  }

  private log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
    this.options.log?.(level, fields, msg);
  }

  private liveWatchOf(cluster: Cluster): LiveWatch {
    let live = this.lives.get(cluster);
    if (!live) {
      live = new LiveWatch(
        cluster,
        (app, event) => this.onLiveChange(app, event),
        (message) => this.log('warn', {}, message),
      );
      this.lives.set(cluster, live);
    }
    return live;
  }

  /** A change to a deployed object: it may end a wait, or be drift. */
  private onLiveChange(name: string, event: ClusterWatchEvent): void {
    const run = this.runs.get(name);
    if (!run) return;
    // a sync under way (or one being started now, whose first health read this change may
    // postdate) looks again; the queue runs it once more after the reconcile in progress.
    // A wait looks again only for what it waits on: the Namespace or Service applied beside
    // a Deployment cannot end a wait on its rollout (and drift is looked at once it ends).
    if (run.running || run.busy) {
      const watching = run.busy ? undefined : run.running?.watching;
      if (!watching || watching.has(watchKeyOf(event.object))) this.queue.add(name);
      return;
    }
    const key = keyOf(event.object);
    const desired = run.applied?.get(key);
    if (!desired) return;
    const explained = explainDrift({
      desired,
      ...(event.type === 'DELETED' ? {} : { live: event.object }),
      lastApplied: [...run.applied!.values()],
      ignoreDifferences: run.ignoreDifferences,
    });
    const why = explained.status === 'OutOfSync' ? explained.why : undefined;
    const before = run.drift.get(key)?.why;
    if (why) run.drift.set(key, { object: describe(event.object), why });
    else run.drift.delete(key);
    if (before !== why) this.queue.add(name);
  }

  /** One step for one application. */
  private async reconcile(name: string): Promise<{ requeueAfter?: number } | void> {
    const run = this.runOf(name);
    run.busy = true;
    try {
      return await this.reconcileOnce(name, run);
    } finally {
      run.busy = false;
    }
  }

  private async reconcileOnce(name: string, run: AppRun): Promise<{ requeueAfter?: number } | void> {
    const app = this.options.store.get(name);
    if (!app) {
      this.runs.delete(name);
      this.options.forget?.(name);
      await this.options.sources.release(name);
      return;
    }
    run.generation = app.metadata.generation as number | undefined;
    if (app.metadata.deletionTimestamp) return this.finalize(app, run);
    let settings: AppSettings;
    try {
      settings = settingsOf(app, this.options.defaultCluster);
      // a directory of the daemon's host is the configuration file's to name, not an API user's
      if (
        localDirOf(settings.source.repoURL) &&
        !this.options.localSourceAllowed?.(name, settings.source.repoURL)
      )
        throw new CapstanError(
          'APP_INVALID',
          `application ${name}: spec.source.repoURL: ${settings.source.repoURL} is a directory of the daemon's host; only the configuration file may name one (use a Git URL)`,
        );
    } catch (e) {
      await this.writeStatus(app, run, { stalled: { reason: 'InvalidSpec', message: describeError(e) } });
      return;
    }
    run.ignoreDifferences = settings.ignoreDifferences;
    await this.options.sources.use(
      name,
      {
        repoURL: this.options.repoURL?.(name, settings.source.repoURL) ?? settings.source.repoURL,
        targetRevision: settings.source.targetRevision,
        ...(settings.pollIntervalMs ? { pollIntervalMs: settings.pollIntervalMs } : {}),
      },
      this.options.credentials?.(name),
    );
    try {
      return await this.step(app, settings, run);
    } catch (e) {
      if (e instanceof WaitingError) throw e;
      return this.retryLater(app, settings, run, e);
    } finally {
      if (run.locked && !run.running) {
        run.locked = false;
        await this.lock.release(name);
      }
    }
  }

  /** Takes (or renews) the replica lock before a write; another replica syncing it means later. */
  private async holdLock(name: string, run: AppRun): Promise<void> {
    if (await this.lock.acquire(name)) {
      run.locked = true;
      return;
    }
    throw new WaitingError('SyncedByAnotherReplica', `another replica is syncing ${name}`, 2_000);
  }

  /** The revision the application should run now, and why; undefined until the source has been read. */
  private wanted(
    app: Application,
    run: AppRun,
  ): { intent: SyncIntent; revision?: string; reason: string } | undefined {
    const intent = run.request?.intent;
    if (intent && intent.type !== 'follow')
      return { intent, revision: intent.revision, reason: run.request!.reason };
    // a sync of an exact revision or a rollback is what is wanted until it ends (and writes
    // its pin): the branch's head, known before it was asked for, does not supersede it
    const running = run.running;
    if (!intent && running && running.state.intent.type !== 'follow')
      return { intent: running.state.intent, revision: running.revision, reason: running.state.reason };
    if (!intent && app.status?.pinnedRevision)
      return {
        intent: { type: 'revision', revision: app.status.pinnedRevision },
        revision: app.status.pinnedRevision,
        reason: 'pinned',
      };
    const latest = this.options.sources.latest(app.metadata.name);
    if (!latest) return undefined;
    return {
      intent: { type: 'follow' },
      revision: latest.revision,
      reason:
        run.request?.reason ??
        (run.trigger?.revision === latest.revision ? run.trigger.reason : latest.reason),
    };
  }

  private async step(
    app: Application,
    settings: AppSettings,
    run: AppRun,
  ): Promise<{ requeueAfter?: number } | void> {
    const name = app.metadata.name;
    const wanted = this.wanted(app, run);
    if (run.running) {
      const running = run.running;
      const superseded =
        !running.rollbackOf &&
        wanted?.revision !== undefined &&
        wanted.revision !== running.revision &&
        wanted.intent.type !== 'rollback';
      await this.holdLock(name, run);
      if (!superseded && !(run.request && run.request.intent.type !== 'follow')) {
        return this.advance(
          app,
          settings,
          run,
          await continueSync(running.operation, this.syncOptions(settings, running.cluster)).catch(
            (e: unknown) => Promise.reject(new Redactor(running.objects).error(e)),
          ),
        );
      }
      // a newer commit (or a request for another revision) ends the wait at once
      this.finishRecord(
        run,
        running,
        'Failed',
        `superseded by ${wanted?.revision ? short(wanted.revision) : 'a new request'}`,
      );
      this.log(
        'info',
        { app: name, revision: short(running.revision) },
        `superseded by ${wanted?.revision ? short(wanted.revision) : 'a new request'}`,
      );
      run.running = undefined;
    }
    if (!wanted || !wanted.revision) {
      // a new application whose source has not answered yet has nothing to say: the source's
      // first look (a revision or an error) pokes it, and that reconcile writes its status
      if (!app.status?.conditions && !this.options.sources.error(name)) return;
      await this.writeStatus(app, run, {});
      return;
    }
    const manual = run.request !== undefined;
    if (!manual && !settings.automated) {
      await this.writeStatus(app, run, { wantedRevision: wanted.revision });
      return;
    }
    const synced = app.status?.sync?.revision;
    const failed = this.options.state.failedRevision(name);
    const driftToHeal = settings.selfHeal && run.drift.size > 0;
    if (!manual && wanted.intent.type === 'follow') {
      if (failed?.revision === wanted.revision) {
        await this.writeStatus(app, run, { wantedRevision: wanted.revision });
        return;
      }
      if (
        synced === wanted.revision &&
        app.status?.sync?.status === 'Synced' &&
        !driftToHeal &&
        run.applied
      ) {
        await this.writeStatus(app, run, { wantedRevision: wanted.revision });
        return;
      }
    }
    if (
      !manual &&
      wanted.intent.type === 'revision' &&
      synced === wanted.revision &&
      run.applied &&
      !driftToHeal
    ) {
      await this.writeStatus(app, run, { wantedRevision: wanted.revision });
      return;
    }
    return this.begin(
      app,
      settings,
      run,
      wanted.intent,
      wanted.revision,
      driftToHeal && !manual
        ? `self-heal: ${[...run.drift.values()].map((d) => `${d.object} ${d.why}`).join('; ')}`
        : wanted.reason,
      // a plain new commit that renders what is already synced needs no apply
      !manual && !driftToHeal && wanted.intent.type === 'follow' && app.status?.sync?.status === 'Synced',
    );
  }

  /** Fetches, renders, checks the project, and starts the sync. */
  private async begin(
    app: Application,
    settings: AppSettings,
    run: AppRun,
    intent: SyncIntent,
    revision: string,
    reason: string,
    skipIfUnchanged = false,
  ): Promise<{ requeueAfter?: number } | void> {
    const name = app.metadata.name;
    const state = this.options.state;
    // the request is taken up once the sync starts: a transient failure before keeps it for the retry
    const request = run.request;
    let objects: KubeObject[];
    let subject: string | undefined;
    let author: string | undefined;
    let resolved = revision;
    if (intent.type === 'rollback') {
      const kept = state.revision(name, intent.revision);
      if (!kept) {
        run.request = undefined;
        await this.writeStatus(app, run, {
          lastOperation: this.operationState(
            intent,
            reason,
            'Failed',
            `${name} never synced revision ${intent.revision}: roll back to one listed in its history`,
          ),
        });
        return;
      }
      objects = kept.objects as KubeObject[];
      ({ subject, author } = kept);
      resolved = kept.revision;
    } else {
      let fetched: FetchedRevision;
      try {
        fetched = await this.options.sources.fetch(
          name,
          intent.type === 'revision' ? intent.revision : undefined,
        );
      } catch (e) {
        if (isTransientGitError(e) || !isCapstanError(e)) throw e;
        return this.failRevision(app, run, intent, reason, revision, describeError(e), 'SourceFailed');
      }
      try {
        resolved = fetched.revision;
        ({ subject, author } = fetched);
        const dir = path.join(fetched.root, settings.source.path);
        objects = (await this.options.render(name, fetched.root, dir)).objects;
      } catch (e) {
        if (!isCapstanError(e)) throw e;
        return this.failRevision(app, run, intent, reason, resolved, describeError(e), 'RenderFailed');
      } finally {
        await fetched.release();
      }
    }
    const redactor = new Redactor(objects);
    const digest = digestOf(objects);
    const last = this.history(name, run).at(-1);
    if (skipIfUnchanged && run.applied && last?.result === 'Succeeded' && last.digest === digest) {
      await this.writeStatus(app, run, { syncedRevision: resolved });
      return;
    }
    // replicas sharing a Redis: the lock before the first write, not only when a wait resumes
    await this.holdLock(name, run);
    // the project bounds what may be applied, and where: refused before anything is written
    const cluster = this.options.cluster(settings.cluster);
    const violations = await this.checkProject(app, settings, objects, cluster);
    if (violations)
      return this.failRevision(app, run, intent, reason, resolved, violations, 'ProjectViolation');
    const previousKinds = this.previousKinds(name, run);
    run.request = undefined;
    if (run.trigger?.revision === resolved) run.trigger = undefined;
    state.saveRevision({ app: name, revision: resolved, objects, subject, author });
    const recordId = state.startSync({
      app: name,
      requestedRevision: intent.type === 'follow' ? settings.source.targetRevision : intent.revision,
      reason,
      priority: request ? 'manual' : 'poll',
      attempt: run.retries + 1,
      startedAt: this.now(),
    });
    const opState = this.operationState(intent, reason, 'Running', 'applying', resolved);
    this.log('info', { app: name, revision: short(resolved), reason }, `sync started`);
    const running: Running = {
      app: name,
      operation: undefined as unknown as SyncOperation,
      state: opState,
      revision: resolved,
      objects,
      digest,
      recordId,
      cluster,
      subject,
      author,
    };
    const step = await startSync(name, objects, {
      ...this.syncOptions(settings, cluster),
      previousKinds,
      ...(request?.prune !== undefined ? { prune: request.prune } : {}),
    }).catch((e: unknown) => Promise.reject(redactor.error(e)));
    return this.advance(app, settings, run, step, running);
  }

  private syncOptions(settings: AppSettings, cluster: Cluster) {
    return {
      cluster,
      prune: settings.prune,
      healthTimeoutMs: settings.healthTimeoutMs,
      ignoreDifferences: settings.ignoreDifferences,
      defaultNamespace: settings.namespace,
      now: this.now,
      ...(settings.createNamespace ? { createNamespace: settings.namespace } : {}),
    };
  }

  /** A sync moved on: still waiting, or done (recorded, maybe rolled back). */
  private async advance(
    app: Application,
    settings: AppSettings,
    run: AppRun,
    step: SyncStep,
    started?: Running,
  ): Promise<{ requeueAfter?: number } | void> {
    const running = started ?? run.running!;
    const name = app.metadata.name;
    if (!step.done) {
      running.operation = step.operation;
      running.watching = new Set(step.watch.map(watchKeyOf));
      running.state = {
        ...running.state,
        phase: 'WaitingHealthy',
        wave: step.wave,
        message: new Redactor(running.objects).text(step.waitingFor),
      };
      run.running = running;
      await this.liveWatchOf(running.cluster).cover(step.watch);
      await this.writeStatus(app, run, {});
      return { requeueAfter: Math.max(50, Math.min(WAIT_RECHECK_MS, step.deadline - this.now() + 50)) };
    }
    run.running = undefined;
    const result = step.result;
    const redactor = new Redactor(running.objects);
    const message = redactor.text(reasonOf(result));
    if (result.result === 'Failed' && result.transient) {
      this.finishRecord(run, running, 'Failed', message, result);
      throw new CapstanError('SYNC_TRANSIENT', message);
    }
    run.retries = 0;
    const health = healthOf(result, message);
    run.resources = resourcesOf(result);
    const state = this.options.state;
    if (result.result === 'Succeeded') {
      this.finishRecord(run, running, 'Succeeded', result.message, result);
      state.markHealthy(name, running.revision, this.now());
      if (!running.rollbackOf) state.setFailedRevision(name, undefined);
      run.applied = new Map((result.plan?.prepared ?? running.objects).map((o) => [keyOf(o), o]));
      run.drift.clear();
      run.health = health;
      await this.liveWatchOf(running.cluster).cover(
        kindsOf(running.objects).map((k) => ({ apiVersion: k.apiVersion, kind: k.kind })),
      );
      const done: OperationState = {
        ...running.state,
        phase: 'Succeeded',
        message: running.rollbackOf
          ? `${running.rollbackOf.reason}; rolled back to ${short(running.revision)}, which is ${result.health}`
          : result.message,
        finishedAt: new Date(this.now()).toISOString(),
        applied: result.applied.length,
        pruned: result.pruned.length,
        ...(running.rollbackOf ? { rolledBackTo: running.revision } : {}),
      };
      delete done.wave;
      run.last = done;
      this.log(
        'info',
        {
          app: name,
          revision: short(running.revision),
          result: 'Succeeded',
          changed: result.applied.length + result.pruned.length,
          durationMs: this.now() - Date.parse(running.state.startedAt),
        },
        running.rollbackOf
          ? `rolled back to ${short(running.revision)}`
          : `synced ${short(running.revision)}`,
      );
      await this.writeStatus(app, run, {
        syncedRevision: running.revision,
        // an exact revision, or a rollback a user asked for, holds until a plain sync
        pinned:
          running.state.intent.type === 'revision' ||
          (running.state.intent.type === 'rollback' && !running.rollbackOf)
            ? running.revision
            : undefined,
        keepPin: running.rollbackOf !== undefined,
      });
      return;
    }
    // the revision itself failed
    run.health = health;
    const applied =
      result.failedAt === 'health' ||
      result.failedAt === 'hook' ||
      result.failedAt === 'apply' ||
      result.failedAt === 'prune';
    const healthy =
      !running.rollbackOf && applied && settings.autoRollback
        ? state.lastHealthyRevision(name, running.revision)
        : undefined;
    this.finishRecord(run, running, 'Failed', message, result, healthy?.revision);
    if (running.rollbackOf) {
      const last: OperationState = {
        ...running.state,
        phase: 'Failed',
        message: `${running.rollbackOf.reason}; rolling back to ${short(running.revision)} failed too: ${message}`,
        finishedAt: new Date(this.now()).toISOString(),
      };
      run.last = last;
      this.log('error', { app: name, revision: short(running.revision), result: 'Failed' }, last.message);
      await this.writeStatus(app, run, {});
      return;
    }
    // refused before anything was written (dry-run, plan) is the revision's fault too: not retried
    state.setFailedRevision(name, { revision: running.revision, reason: message, at: this.now() });
    this.log(
      'warn',
      { app: name, revision: short(running.revision), result: 'Failed', reason: message },
      `sync failed`,
    );
    if (!healthy) {
      run.last = {
        ...running.state,
        phase: 'Failed',
        message:
          applied && settings.autoRollback
            ? `${message}; no earlier healthy revision to roll back to`
            : message,
        finishedAt: new Date(this.now()).toISOString(),
      };
      await this.writeStatus(app, run, {});
      return;
    }
    // back to the last healthy revision, from its kept objects
    this.log(
      'warn',
      { app: name, revision: short(running.revision), to: short(healthy.revision), reason: message },
      `rolling back`,
    );
    const objects = healthy.objects as KubeObject[];
    const recordId = state.startSync({
      app: name,
      requestedRevision: healthy.revision,
      reason: `automatic rollback: ${short(running.revision)} failed`,
      priority: 'poll',
      attempt: 1,
      startedAt: this.now(),
    });
    const rollback: Running = {
      app: name,
      operation: undefined as unknown as SyncOperation,
      state: this.operationState(
        { type: 'rollback', revision: healthy.revision },
        `automatic rollback: ${short(running.revision)} failed`,
        'Running',
        'rolling back',
        healthy.revision,
      ),
      revision: healthy.revision,
      objects,
      digest: digestOf(objects),
      recordId,
      cluster: running.cluster,
      subject: healthy.subject,
      author: healthy.author,
      rollbackOf: { revision: running.revision, reason: message },
    };
    const next = await startSync(name, objects, {
      ...this.syncOptions(settings, running.cluster),
      previousKinds: kindsOf(running.objects),
    }).catch((e: unknown) => Promise.reject(new Redactor(objects).error(e)));
    return this.advance(app, settings, run, next, rollback);
  }

  /** A revision that cannot be synced as it is (render error, refusal, project rule): recorded, not retried. */
  private async failRevision(
    app: Application,
    run: AppRun,
    intent: SyncIntent,
    reason: string,
    revision: string,
    message: string,
    why: string,
  ): Promise<void> {
    const name = app.metadata.name;
    const state = this.options.state;
    const id = state.startSync({
      app: name,
      requestedRevision: revision,
      reason,
      priority: 'poll',
      attempt: 1,
      startedAt: this.now(),
    });
    state.finishSync(id, { finishedAt: this.now(), result: 'Failed', revision, message });
    state.setFailedRevision(name, { revision, reason: message, at: this.now() });
    run.request = undefined;
    run.refusedByProject = why === 'ProjectViolation';
    run.retries = 0;
    run.last = {
      ...this.operationState(intent, reason, 'Failed', message, revision),
      finishedAt: new Date(this.now()).toISOString(),
    };
    this.log('warn', { app: name, revision: short(revision), result: 'Failed', reason: why }, message);
    await this.writeStatus(app, run, { failedReason: why });
  }

  /** A failure the cluster or the network caused: tried again with the application's backoff. */
  private async retryLater(app: Application, settings: AppSettings, run: AppRun, e: unknown): Promise<never> {
    run.retries++;
    const message = describeError(e);
    const { limit, firstMs, factor, maxMs } = settings.retry;
    if (limit >= 0 && run.retries > limit) {
      run.last = {
        ...(run.last ?? this.operationState({ type: 'follow' }, 'retry', 'Error', message)),
        phase: 'Error',
        message: `gave up after ${run.retries} attempts: ${message}`,
        finishedAt: new Date(this.now()).toISOString(),
      };
      await this.writeStatus(app, run, {
        stalled: { reason: 'RetriesExhausted', message: run.last.message },
      });
      run.retries = 0;
      throw new CapstanError('SYNC_RETRIES_EXHAUSTED', message); // logged; a new trigger starts afresh
    }
    const delay = Math.min(maxMs, firstMs * factor ** (run.retries - 1));
    await this.writeStatus(app, run, { retrying: { message, attempt: run.retries, delayMs: delay } });
    this.log(
      'warn',
      { app: app.metadata.name, attempt: run.retries },
      `will retry in ${Math.round(delay / 1000)} s: ${message}`,
    );
    throw new WaitingError('TransientError', message, delay);
  }

  /** Deleting an application with the resources finalizer deletes what it deployed first. */
  private async finalize(app: Application, run: AppRun): Promise<void> {
    const name = app.metadata.name;
    run.running = undefined;
    await this.options.sources.release(name);
    const finalizers = app.metadata.finalizers as string[] | undefined;
    if (!finalizers?.includes('capstan.dev/resources')) return;
    let settings: AppSettings | undefined;
    try {
      settings = settingsOf(app, this.options.defaultCluster);
    } catch {
      // an invalid spec still has a cluster to clean: the default one
    }
    const cluster = this.options.cluster(
      settings?.cluster ?? this.options.defaultCluster ?? IN_PROCESS_CLUSTER,
    );
    // a sync of nothing, pruning everything the application labelled
    let step = await startSync(name, [], {
      cluster,
      prune: true,
      previousKinds: this.previousKinds(name, run),
      now: this.now,
    });
    while (!step.done) step = await continueSync(step.operation, { cluster, prune: true, now: this.now });
    if (step.result.result === 'Failed')
      throw new CapstanError('APP_DELETE_FAILED', `deleting what ${name} deployed: ${step.result.message}`);
    this.log(
      'info',
      { app: name, pruned: step.result.pruned.length },
      `deleted with its ${step.result.pruned.length} object(s)`,
    );
    await this.options.store.setFinalizers(
      name,
      finalizers.filter((f) => f !== 'capstan.dev/resources'),
    );
    this.runs.delete(name);
  }

  /** The project's verdict: undefined when allowed, else the violations in one message. */
  private async checkProject(
    app: Application,
    settings: AppSettings,
    objects: KubeObject[],
    cluster: Cluster,
  ): Promise<string | undefined> {
    const project =
      settings.project === 'default'
        ? (this.options.store.getProject('default') ?? defaultProject())
        : this.options.store.getProject(settings.project);
    if (!project) return `project "${settings.project}" not found`;
    const clusterScoped = new Set<string>();
    for (const o of objects) {
      const { group } = parseApiVersion(o.apiVersion);
      const k = `${group}/${o.kind}`;
      if (!clusterScoped.has(k) && (await cluster.resourceFor(o.apiVersion, o.kind))?.namespaced === false)
        clusterScoped.add(k);
    }
    const violations = checkProject(project, app, objects, {
      cluster: settings.cluster,
      isClusterScoped: (group, kind) => clusterScoped.has(`${group}/${kind}`),
      namespaceOf: (o) => o.metadata.namespace ?? settings.namespace,
    });
    if (violations.length === 0) return undefined;
    return `the project refused ${violations.length} object(s), nothing was applied: ${violations.map((v) => v.message).join('; ')}`;
  }

  /** Kinds of the revision last synced, so pruning finds objects of kinds Git dropped. */
  private previousKinds(name: string, run: AppRun): KindRef[] {
    if (!run.kinds) {
      const last = this.options.state.syncs(name, 20).find((s) => s.revision && s.result === 'Succeeded');
      const record = last?.revision ? this.options.state.revision(name, last.revision) : undefined;
      run.kinds = record ? kindsOf(record.objects as KubeObject[]) : [];
    }
    return run.kinds;
  }

  private finishRecord(
    run: AppRun,
    running: Running,
    result: 'Succeeded' | 'Failed',
    message: string,
    r?: SyncResult,
    rolledBackTo?: string,
  ): void {
    const history = this.history(running.app, run);
    const last = history.at(-1);
    // a sync that changed nothing of what is deployed (a restart's first look) is no new deployment
    const noop =
      result === 'Succeeded' &&
      r !== undefined &&
      r.applied.length + r.pruned.length === 0 &&
      last?.result === 'Succeeded' &&
      last.revision === running.revision &&
      last.digest === running.digest;
    if (!noop)
      history.push({
        id: running.recordId,
        revision: running.revision,
        digest: running.digest,
        deployedAt: new Date(this.now()).toISOString(),
        result,
        ...(running.subject ? { subject: running.subject } : {}),
        ...(running.author ? { author: running.author } : {}),
        ...(running.state.intent.type === 'rollback' ? { rollback: true } : {}),
      });
    if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
    if (result === 'Succeeded') run.kinds = kindsOf(running.objects);
    this.options.state.finishSync(running.recordId, {
      finishedAt: this.now(),
      result,
      revision: running.revision,
      objects: running.objects.length,
      message: new Redactor(running.objects).text(message),
      subject: running.subject,
      author: running.author,
      health: r?.health,
      changed: r ? r.applied.length + r.pruned.length : undefined,
      rolledBackTo,
      // without a digest the record is not read back into the history
      ...(noop ? {} : { digest: running.digest }),
      rollback: running.state.intent.type === 'rollback',
    });
  }

  private operationState(
    intent: SyncIntent,
    reason: string,
    phase: OperationState['phase'],
    message: string,
    revision?: string,
  ): OperationState {
    return {
      intent,
      reason,
      phase,
      message,
      startedAt: new Date(this.now()).toISOString(),
      ...(revision ? { revision } : {}),
    };
  }

  /** Writes the status that follows from what is known; nothing when it would not change. */
  private async writeStatus(
    app: Application,
    run: AppRun,
    facts: {
      syncedRevision?: string;
      wantedRevision?: string;
      pinned?: string;
      keepPin?: boolean;
      lastOperation?: OperationState;
      failedReason?: string;
      stalled?: { reason: string; message: string };
      retrying?: { message: string; attempt: number; delayMs: number };
    },
  ): Promise<void> {
    const name = app.metadata.name;
    const previous = app.status ?? {};
    if (facts.lastOperation) run.last = facts.lastOperation;
    const generation = app.metadata.generation as number | undefined;
    const syncedRevision = facts.syncedRevision ?? previous.sync?.revision;
    const wanted = facts.wantedRevision ?? this.options.sources.latest(name)?.revision;
    const failed = this.options.state.failedRevision(name);
    const pinnedRevision =
      facts.pinned ?? (facts.keepPin || !facts.syncedRevision ? previous.pinnedRevision : undefined);
    const outOfSync =
      run.running !== undefined ||
      run.drift.size > 0 ||
      syncedRevision === undefined ||
      (wanted !== undefined && !pinnedRevision && wanted !== syncedRevision);
    const health: ApplicationHealth = run.running
      ? { status: 'Progressing', message: run.running.state.message }
      : (run.health ?? previous.health ?? { status: 'Unknown' });
    const operationState = run.running?.state ?? run.last ?? previous.operationState;
    const sourceError = this.options.sources.error(name);
    let conditions = previous.conditions ?? [];
    const set = (type: string, status: 'True' | 'False', reason: string, message: string) => {
      conditions = setCondition(
        conditions,
        { type, status, reason, message: new Redactor().text(message), observedGeneration: generation },
        new Date(this.now()),
      );
    };
    if (facts.stalled) {
      set('Ready', 'False', facts.stalled.reason, facts.stalled.message);
      set('Reconciling', 'False', facts.stalled.reason, facts.stalled.message);
      set('Stalled', 'True', facts.stalled.reason, facts.stalled.message);
    } else if (facts.retrying) {
      const m = `attempt ${facts.retrying.attempt} failed, retrying in ${Math.round(facts.retrying.delayMs / 1000)} s: ${facts.retrying.message}`;
      set('Ready', 'False', 'RetryingAfterError', m);
      set('Reconciling', 'True', 'RetryingAfterError', m);
      set('Stalled', 'False', 'RetryingAfterError', m);
    } else if (run.running) {
      const m = `${run.running.state.phase === 'WaitingHealthy' ? 'waiting for health' : 'applying'} at ${short(run.running.revision)}: ${run.running.state.message}`;
      set('Ready', 'False', 'Progressing', m);
      set('Reconciling', 'True', 'Progressing', m);
      set('Stalled', 'False', 'Progressing', m);
    } else if (
      failed &&
      (wanted === failed.revision || pinnedRevision === failed.revision || !syncedRevision)
    ) {
      // rolled back while Git still says the failed revision: pinned until a newer commit (issue 12)
      const pinnedBehind = syncedRevision && syncedRevision !== failed.revision && wanted === failed.revision;
      const m = pinnedBehind
        ? `pinned at ${short(syncedRevision)}: Git is ahead at ${short(failed.revision)}, which failed: ${failed.reason}; waiting for a newer commit`
        : `revision ${short(failed.revision)} failed: ${failed.reason}${syncedRevision && syncedRevision !== failed.revision ? `; running ${short(syncedRevision)}` : ''}; waiting for a new commit`;
      const reason = facts.failedReason ?? (operationState?.rolledBackTo ? 'RolledBack' : 'RevisionFailed');
      set('Ready', 'False', reason, m);
      set('Reconciling', 'False', reason, m);
      set('Stalled', 'True', reason, m);
    } else if (sourceError && !syncedRevision) {
      set('Ready', 'False', 'SourceError', sourceError);
      set('Reconciling', 'True', 'SourceError', sourceError);
      set('Stalled', 'False', 'SourceError', sourceError);
    } else if (!syncedRevision) {
      set('Ready', 'False', 'Progressing', 'waiting for the first revision of the source');
      set('Reconciling', 'True', 'Progressing', 'waiting for the first revision of the source');
      set('Stalled', 'False', 'Progressing', 'waiting for the first revision of the source');
    } else if (outOfSync) {
      const m =
        run.drift.size > 0
          ? `${run.drift.size} object(s) differ from Git: ${[...run.drift.values()][0].object} ${[...run.drift.values()][0].why}`
          : `out of sync: Git is at ${wanted ? short(wanted) : '?'}, the cluster runs ${short(syncedRevision)}`;
      set('Ready', 'False', 'OutOfSync', m);
      set('Reconciling', 'False', 'OutOfSync', m);
      set('Stalled', 'False', 'OutOfSync', m);
    } else if (health.status !== 'Healthy') {
      const m = `${health.status}${health.message ? `: ${health.message}` : ''}`;
      set('Ready', 'False', health.status, m);
      set('Reconciling', 'False', health.status, m);
      set('Stalled', 'False', health.status, m);
    } else {
      const m = `Healthy and synced at ${short(syncedRevision)}`;
      set('Ready', 'True', 'Succeeded', m);
      set('Reconciling', 'False', 'Succeeded', m);
      set('Stalled', 'False', 'Succeeded', m);
    }
    // only for applications that talk to a provider: the others never carry the condition
    const providerProblem = this.options.providerProblem?.(name);
    if (providerProblem) set('ProviderAvailable', 'False', 'ProviderFailed', providerProblem);
    else if (app.spec?.provider && conditions.some((c) => c.type === 'ProviderAvailable'))
      set('ProviderAvailable', 'True', 'Succeeded', 'the provider took the last commit status');
    const resources = (run.resources ?? previous.resources ?? []).map((r): ResourceStatus => {
      const { drift: _drift, ...rest } = r;
      const drift = run.drift.get(`${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`);
      return drift ? { ...rest, status: 'OutOfSync', drift: drift.why } : { ...rest, status: 'Synced' };
    });
    const status: ApplicationStatusBody = {
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      sync: {
        status: syncedRevision === undefined && !wanted ? 'Unknown' : outOfSync ? 'OutOfSync' : 'Synced',
        ...(syncedRevision ? { revision: syncedRevision, shortRevision: short(syncedRevision) } : {}),
      } as ApplicationStatusBody['sync'],
      health,
      ...(operationState ? { operationState } : {}),
      history: [...this.history(name, run)],
      ...(failed
        ? {
            failedRevision: {
              revision: failed.revision,
              reason: failed.reason,
              at: new Date(failed.at).toISOString(),
            },
          }
        : {}),
      ...(pinnedRevision ? { pinnedRevision } : {}),
      resources,
      ...(sourceError ? { sourceError } : {}),
      conditions,
    };
    const text = JSON.stringify(status);
    if (text === run.written) return;
    run.written = text;
    await this.options.store.writeStatus(name, status, previous);
  }

  /** The application's history, read from the state store once. */
  private history(name: string, run: AppRun): HistoryEntry[] {
    // a running sync's own record is not finished yet, so not read here: it joins when it is
    run.history ??= this.historyFromStore(name);
    return run.history;
  }

  private historyFromStore(name: string): HistoryEntry[] {
    return this.options.state
      .syncs(name, 50)
      .filter((s) => s.revision && (s.result === 'Succeeded' || s.result === 'Failed') && s.digest)
      .slice(0, HISTORY_LIMIT)
      .reverse()
      .map((s) => ({
        id: s.id,
        revision: s.revision!,
        digest: s.digest!,
        deployedAt: new Date(s.finishedAt ?? s.startedAt).toISOString(),
        result: s.result as 'Succeeded' | 'Failed',
        ...(s.subject ? { subject: s.subject } : {}),
        ...(s.author ? { author: s.author } : {}),
        ...(s.rollback ? { rollback: true } : {}),
      }));
  }
}

/** "Deployment shop/web: … (pod web-1 container web: readiness probe failing)" */
function reasonOf(r: SyncResult): string {
  const cause = r.cause && !r.message.includes(describeCause(r.cause)) ? ` (${describeCause(r.cause)})` : '';
  return `${r.message}${cause}`;
}

function healthOf(r: SyncResult, message: string): ApplicationHealth {
  return {
    status: r.health,
    ...(r.result === 'Failed' ? { message } : {}),
    ...(r.object ? { object: r.object } : {}),
    ...(r.cause?.pod ? { pod: r.cause.pod } : {}),
    ...(r.cause?.container ? { container: r.cause.container } : {}),
    ...(r.cause?.probe ? { probe: r.cause.probe } : {}),
  };
}

function resourcesOf(r: SyncResult): ResourceStatus[] {
  return (r.resources ?? [])
    .filter((x) => x.state !== 'pruned' && x.state !== 'hook')
    .map((x) => ({
      ...(x.group ? { group: x.group } : {}),
      version: x.version,
      kind: x.kind,
      ...(x.namespace ? { namespace: x.namespace } : {}),
      name: x.name,
      status: 'Synced' as const,
    }));
}
