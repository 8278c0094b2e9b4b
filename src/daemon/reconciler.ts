/**
 * What a rendered revision becomes on the cluster: synced through the sync engine, marked
 * healthy when it is; when it ends Degraded, the last healthy revision is applied again
 * (its rendered objects are kept in the state store) and the failed revision is not tried
 * again until a new commit arrives — unless a user asks for it by hand.
 */
import type { KubeObject } from '../core/index.js';
import type { Cluster } from '../cluster/index.js';
import { describeCause, kindsOf, syncApplication, type KindRef, type SyncResult } from '../sync/index.js';
import { Redactor } from './redaction.js';
import type { StateStore } from './state/state-store.js';
import type { Delivery, RenderedRevision } from './sync-worker.js';

export interface ReconcilerOptions {
  cluster: Cluster;
  state: StateStore;
  now?: () => number;
  /** health polling while a wave settles (default 500 ms) */
  pollMs?: number;
  /** what is live for an application after a sync or a rollback (the prepared objects), for drift watching */
  onApplied?: (app: RenderedRevision['app'], objects: KubeObject[]) => void;
  /** a sync is about to change the application's objects: what it changes is not drift */
  onSyncStart?: (app: string) => void;
}

export class Reconciler {
  private readonly now: () => number;

  constructor(private readonly options: ReconcilerOptions) {
    this.now = options.now ?? Date.now;
  }

  async deliver(rendered: RenderedRevision, signal: AbortSignal, manual: boolean): Promise<Delivery> {
    const { app, revision, objects } = rendered;
    const state = this.options.state;
    const failed = state.failedRevision(app.name);
    if (failed && failed.revision === revision && !manual) {
      return {
        result: 'Skipped',
        message: `revision ${revision.slice(0, 12)} failed before (${failed.reason}); waiting for a new commit`,
        changed: 0,
      };
    }
    this.options.onSyncStart?.(app.name);
    const previous = this.previousKinds(app.name);
    state.saveRevision({
      app: app.name,
      revision,
      objects,
      subject: rendered.subject,
      author: rendered.author,
    });
    const result = await this.sync(app.name, objects, rendered.app, previous, signal);
    if (result.result === 'Succeeded') {
      this.options.onApplied?.(app, result.plan?.prepared ?? []);
      state.markHealthy(app.name, revision, this.now());
      state.setFailedRevision(app.name, undefined);
      return {
        result: 'Succeeded',
        health: result.health,
        message: result.message,
        changed: changedOf(result),
      };
    }
    // the reason is kept as the failed revision's and shown by the API: no Secret value in it
    const reason = new Redactor(objects).text(reasonOf(result));
    // a revision that was applied and never became healthy: go back to the last healthy one
    const applied = result.failedAt === 'health' || result.failedAt === 'hook' || result.failedAt === 'apply';
    if (!applied || !rendered.app.syncPolicy.autoRollback) {
      if (applied) state.setFailedRevision(app.name, { revision, reason, at: this.now() });
      return { result: 'Failed', health: result.health, message: reason, changed: changedOf(result) };
    }
    state.setFailedRevision(app.name, { revision, reason, at: this.now() });
    const healthy = state.lastHealthyRevision(app.name, revision);
    if (!healthy) {
      return {
        result: 'Failed',
        health: result.health,
        message: `${reason}; no earlier healthy revision to roll back to`,
        changed: changedOf(result),
      };
    }
    const back = await this.sync(
      app.name,
      healthy.objects as KubeObject[],
      rendered.app,
      kindsOf(objects),
      signal,
    );
    const outcome =
      back.result === 'Succeeded'
        ? `rolled back to ${healthy.revision.slice(0, 12)}, which is ${back.health}`
        : `rolling back to ${healthy.revision.slice(0, 12)} failed too: ${new Redactor(healthy.objects as KubeObject[]).text(reasonOf(back))}`;
    if (back.result === 'Succeeded') {
      state.markHealthy(app.name, healthy.revision, this.now());
      this.options.onApplied?.(app, back.plan?.prepared ?? []);
    }
    return {
      result: 'Failed',
      health: result.health,
      message: `${reason}; ${outcome}`,
      changed: changedOf(result) + changedOf(back),
      rolledBackTo: healthy.revision,
    };
  }

  /** Kinds of the revision last kept for the app, so pruning finds objects of kinds Git dropped. */
  private previousKinds(app: string): KindRef[] {
    const last = this.options.state.syncs(app, 20).find((s) => s.revision && s.result === 'Succeeded');
    const record = last?.revision ? this.options.state.revision(app, last.revision) : undefined;
    return record ? kindsOf(record.objects as KubeObject[]) : [];
  }

  private sync(
    name: string,
    objects: KubeObject[],
    app: RenderedRevision['app'],
    previousKinds: KindRef[],
    signal: AbortSignal,
  ): Promise<SyncResult> {
    return syncApplication(name, objects, {
      cluster: this.options.cluster,
      prune: app.syncPolicy.prune,
      healthTimeoutMs: app.healthTimeoutMs,
      ignoreDifferences: app.ignoreDifferences,
      defaultNamespace: app.namespace,
      previousKinds,
      pollMs: this.options.pollMs,
      signal,
      now: this.now,
    });
  }
}

const changedOf = (r: SyncResult) => r.applied.length + r.pruned.length;

/** "Deployment shop/web: … (pod web-1 container web: readiness probe failing)" */
function reasonOf(r: SyncResult): string {
  const cause = r.cause && !r.message.includes(describeCause(r.cause)) ? ` (${describeCause(r.cause)})` : '';
  return `${r.message}${cause}`;
}
