/**
 * Commit statuses where developers look (issue 12): for each commit an application with a
 * `spec.provider` syncs, a status `capstan/<application>` on the provider — pending while
 * the sync runs and waits for health, success once Healthy, failure with the reason when
 * the revision ends Degraded or is rolled back. It follows the Applications' status (the
 * reconciler's record of what happened), so it never slows a sync: posts run on their own,
 * in order per application, retried by the provider client, and a failure is logged and
 * kept for the API, never thrown into the reconciler.
 */
import type { Application, GitProviderRef } from '../../core/index.js';
import type { CommitState, GitProvider } from '../../providers/index.js';

export interface WantedStatus {
  sha: string;
  state: CommitState;
  description: string;
}

const SHA = /^[0-9a-f]{40}$/;

/** The first line of `text`, at most `max` characters. */
function line(text: string, max = 120): string {
  const first = text.split('\n')[0].trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** What the application's status says its current commit's status should be; undefined when nothing. */
export function wantedStatus(app: Application): WantedStatus | undefined {
  const op = app.status?.operationState;
  if (!app.spec?.provider || !op) return undefined;
  // a rollback re-applies a revision that already has its status; the failed one gets the news
  if (op.rolledBackTo) {
    const failed = app.status?.failedRevision;
    if (!failed || !SHA.test(failed.revision) || op.phase === 'Running' || op.phase === 'WaitingHealthy')
      return undefined;
    return {
      sha: failed.revision,
      state: 'failure',
      description: line(`${failed.reason}; rolled back to ${op.rolledBackTo.slice(0, 7)}`),
    };
  }
  if (op.intent?.type === 'rollback' || !op.revision || !SHA.test(op.revision)) return undefined;
  switch (op.phase) {
    case 'Running':
      return { sha: op.revision, state: 'pending', description: `syncing ${app.metadata.name}` };
    case 'WaitingHealthy':
      return {
        sha: op.revision,
        state: 'pending',
        description: `waiting for ${app.metadata.name} to be healthy`,
      };
    case 'Succeeded': {
      const health = app.status?.health?.status;
      if (health !== 'Healthy') return undefined; // still being judged: the next status change says
      return { sha: op.revision, state: 'success', description: `${app.metadata.name} is Healthy` };
    }
    case 'Failed':
    case 'Error':
      return {
        sha: op.revision,
        state: op.phase === 'Error' ? 'error' : 'failure',
        description: line(
          app.status?.failedRevision?.revision === op.revision
            ? app.status.failedRevision.reason
            : op.message,
        ),
      };
  }
  return undefined;
}

export interface CommitStatusReporterOptions {
  provider(ref: GitProviderRef): GitProvider;
  /** the daemon's public URL: statuses link to the application in its API */
  publicUrl?: string;
  log(level: 'info' | 'warn', fields: Record<string, unknown>, msg: string): void;
  /** the application's failure() changed (the reconciler shows it in a condition) */
  onFailureChange?: (app: string) => void;
}

export class CommitStatusReporter {
  /** what was last posted (or is being posted) per application and commit */
  private readonly posted = new Map<string, string>();
  /** each application's posts, one after the other */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly failures = new Map<string, string>();

  private readonly publicUrl?: string;

  constructor(private readonly options: CommitStatusReporterOptions) {
    this.publicUrl = options.publicUrl?.replace(/\/+$/, '');
  }

  /** Called with each new version of an application: posts what changed. */
  observe(app: Application): void {
    const wanted = wantedStatus(app);
    const ref = app.spec?.provider;
    if (!wanted || !ref) return;
    const name = app.metadata.name;
    const key = `${name}\0${wanted.sha}`;
    const value = `${wanted.state}\0${wanted.description}`;
    if (this.posted.get(key) === value) return;
    this.posted.set(key, value);
    const previous = this.chains.get(name) ?? Promise.resolve();
    const next = previous.then(() => this.post(name, ref, wanted));
    this.chains.set(name, next);
    void next.finally(() => {
      if (this.chains.get(name) === next) this.chains.delete(name);
    });
  }

  /** The last failure posting a status for `app`, until a post succeeds. */
  failure(app: string): string | undefined {
    return this.failures.get(app);
  }

  /** Resolves once every post begun so far has ended. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** An application is gone: forget what was posted for it. */
  forget(app: string): void {
    for (const key of this.posted.keys()) if (key.startsWith(`${app}\0`)) this.posted.delete(key);
    this.failures.delete(app);
  }

  private async post(app: string, ref: GitProviderRef, wanted: WantedStatus): Promise<void> {
    try {
      await this.options.provider(ref).setCommitStatus({
        sha: wanted.sha,
        state: wanted.state,
        context: `capstan/${app}`,
        description: wanted.description,
        ...(this.publicUrl
          ? { targetUrl: `${this.publicUrl}/api/v1/applications/${encodeURIComponent(app)}` }
          : {}),
      });
      if (this.failures.delete(app)) this.options.onFailureChange?.(app);
    } catch (e) {
      const message = `commit status ${wanted.state} on ${wanted.sha.slice(0, 7)} not posted to ${ref.name} ${ref.repository}: ${(e as Error).message}`;
      const changed = this.failures.get(app) !== message;
      this.failures.set(app, message);
      if (changed) this.options.onFailureChange?.(app);
      // the next change posts again; this one is not retried beyond the client's own retries
      this.posted.delete(`${app}\0${wanted.sha}`);
      this.options.log('warn', { app }, message);
    }
  }
}
