/**
 * One sync, as the queue hands it over: fetch the application's newest revision, render
 * its path, hand the objects to the next step, and record the run in the history. A
 * failure that a retry can cure (the Git server is unreachable) is thrown, so the queue
 * retries it with backoff; one that needs a new commit or a user (malformed YAML, a
 * kustomization reaching outside the repository, bad credentials) is recorded and not
 * retried.
 */
import path from 'node:path';
import { CapstanError, isCapstanError, type KubeObject } from '../core/index.js';
import { isTransientGitError } from '../git/index.js';
import type { AppSource } from './app-source.js';
import { Redactor } from './redaction.js';
import type { Renderer } from './render-pool.js';
import type { Application } from './applications.js';
import type { SyncJob } from './queue/index.js';
import type { StateStore } from './state/state-store.js';

/** What a sync produced: the next step (applying, from the sync engine) takes it from here. */
export interface RenderedRevision {
  app: Application;
  revision: string;
  subject?: string;
  author?: string;
  objects: KubeObject[];
}

/** What the step after rendering made of a revision, for the sync history. */
export interface Delivery {
  result: 'Succeeded' | 'Failed' | 'Skipped';
  health?: string;
  message: string;
  changed: number;
  rolledBackTo?: string;
}

export interface SyncWorkerOptions {
  application: (name: string) => { app: Application; source: AppSource } | undefined;
  state: StateStore;
  /** renders a revision's files (the daemon's worker-thread pool) */
  render: Renderer;
  /** the step after rendering (the reconciler); a throw fails the sync and is retried */
  deliver?: (rendered: RenderedRevision, signal: AbortSignal, job: SyncJob) => Promise<Delivery | void>;
  now?: () => number;
}

export class SyncWorker {
  private readonly now: () => number;

  constructor(private readonly options: SyncWorkerOptions) {
    this.now = options.now ?? Date.now;
  }

  readonly handle = async (job: SyncJob, signal: AbortSignal): Promise<void> => {
    const entry = this.options.application(job.app);
    // an application removed from the configuration since the request: nothing to do
    if (!entry) return;
    const { app, source } = entry;
    const state = this.options.state;
    const id = state.startSync({
      app: app.name,
      requestedRevision: job.revision,
      reason: job.reason,
      priority: job.priority,
      attempt: job.attempt,
      startedAt: this.now(),
    });
    let revision: string | undefined;
    // grows to know the rendered set's Secret values once it is rendered
    let redactor = new Redactor();
    try {
      const fetched = await fetchRevision(job, app, source, state, this.options.render);
      revision = fetched.revision;
      try {
        signal.throwIfAborted();
        const rendered: RenderedRevision = {
          app,
          revision,
          subject: fetched.subject,
          author: fetched.author,
          objects: await fetched.render(signal),
        };
        redactor = new Redactor(rendered.objects);
        const delivery = await this.options.deliver?.(rendered, signal, job);
        state.finishSync(id, {
          finishedAt: this.now(),
          result: delivery?.result ?? 'Succeeded',
          revision,
          objects: rendered.objects.length,
          message: redactor.text(delivery?.message ?? rendered.subject),
          subject: rendered.subject,
          author: rendered.author,
          health: delivery?.health,
          changed: delivery?.changed,
          rolledBackTo: delivery?.rolledBackTo,
        });
      } finally {
        await fetched.release();
      }
    } catch (e) {
      const message = redactor.text(describe(e));
      state.finishSync(id, { finishedAt: this.now(), result: 'Failed', revision, message });
      if (retryable(e) || signal.aborted) throw redactor.error(e);
    }
  };
}

/** A revision's files (or kept objects), held until `release()`; `render()` may reject with a user's mistake. */
export interface FetchedRevision {
  revision: string;
  subject?: string;
  author?: string;
  render(signal?: AbortSignal): Promise<KubeObject[]>;
  release(): Promise<void>;
}

/**
 * The revision a job asks for: `rollback:<revision>` is one kept in the state store (its
 * rendered objects as they were), anything else the source's newest, fetched.
 */
export async function fetchRevision(
  job: Pick<SyncJob, 'revision'>,
  app: Application,
  source: AppSource,
  state: StateStore,
  renderer: Renderer,
): Promise<FetchedRevision> {
  if (job.revision.startsWith(ROLLBACK_PREFIX)) {
    const wanted = job.revision.slice(ROLLBACK_PREFIX.length);
    const kept = state.revision(app.name, wanted);
    if (!kept)
      throw new CapstanError(
        'SYNC_REVISION_UNKNOWN',
        `${app.name}: no rendered objects kept for revision ${wanted}`,
      );
    return {
      revision: kept.revision,
      subject: kept.subject,
      author: kept.author,
      render: async () => kept.objects as KubeObject[],
      release: async () => undefined,
    };
  }
  const fetched = await source.fetch();
  return {
    revision: fetched.revision,
    subject: fetched.subject,
    author: fetched.author,
    render: async (signal) => {
      const dir = path.join(fetched.root, app.source.path || '.');
      const rendered = await renderer(dir, { repoRoot: fetched.root, displayRoot: fetched.root }, signal);
      return rendered.objects;
    },
    release: fetched.release,
  };
}

/** A sync request's revision that names a kept revision to go back to. */
export const ROLLBACK_PREFIX = 'rollback:';

/** Git transport failures and unexpected errors are retried; a user's mistake is not. */
function retryable(e: unknown): boolean {
  return !isCapstanError(e) || isTransientGitError(e);
}

function describe(e: unknown): string {
  return e instanceof CapstanError ? `${e.message} [${e.code}]` : String((e as Error)?.message ?? e);
}
