/**
 * What an Application's status says about an automatic rollback (the reconciler writes it):
 * the failed revision F, the healthy revision H it went back to, and why F failed. Pure: the
 * watcher asks this of every Application it sees, so it reads fields and nothing else.
 */
import type { Application, ApplicationHealth, HistoryEntry, OperationState } from '../../core/index.js';
import { normalizeRepoUrl } from '../webhooks/index.js';

export type GitRevertMode = 'pr' | 'commit' | 'off';

export interface RolledBack {
  app: string;
  mode: GitRevertMode;
  /** the repository URL, normalized (so two spellings of one repository group together) */
  repo: string;
  /** the application's `targetRevision` (`main`; `HEAD` when unset) */
  tracked: string;
  /** the application's directory in the repository (`.` for the root) */
  path: string;
  /** the revision that failed (F) */
  failed: string;
  /** the revision rolled back to (H) */
  healthy: string;
  /** why F failed: the object, pod, container and probe at fault, as the reconciler put it */
  reason: string;
  failedAt: string;
  /** when the rollback to H finished */
  rolledBackAt: string;
  /** the status's health fields (the object, pod and probe, when the reconciler kept them) */
  health?: ApplicationHealth;
  history: HistoryEntry[];
  operation: OperationState;
}

const SHA = /^[0-9a-f]{40}$/;

export function gitRevertMode(app: Application): GitRevertMode {
  return app.spec?.rollback?.gitRevert ?? 'off';
}

/**
 * The rollback the status shows as finished and current: the operation is a rollback to H
 * that succeeded (`rolledBackTo`), the application runs H, and F is its failed revision.
 * Undefined for anything else (a manual rollback has no `rolledBackTo`; a newer commit
 * synced since replaces the operation).
 */
export function rolledBack(app: Application): RolledBack | undefined {
  const status = app.status;
  const op = status?.operationState;
  const failed = status?.failedRevision;
  if (!op?.rolledBackTo || op.phase !== 'Succeeded' || !failed || app.metadata.deletionTimestamp)
    return undefined;
  const healthy = op.rolledBackTo;
  if (status.sync?.revision !== healthy || !SHA.test(healthy) || !SHA.test(failed.revision)) return undefined;
  if (failed.revision === healthy) return undefined;
  const source = app.spec.source;
  return {
    app: app.metadata.name,
    mode: gitRevertMode(app),
    repo: normalizeRepoUrl(source.repoURL),
    tracked: source.targetRevision?.trim() || 'HEAD',
    path: source.path?.trim() || '.',
    failed: failed.revision,
    healthy,
    reason: failed.reason,
    failedAt: failed.at,
    rolledBackAt: op.finishedAt ?? failed.at,
    ...(status.health ? { health: status.health } : {}),
    history: status.history ?? [],
    operation: op,
  };
}

/** One revert per failed revision of one branch of one repository, and mode. */
export function groupKeyOf(r: Pick<RolledBack, 'repo' | 'tracked' | 'failed' | 'mode'>): string {
  return JSON.stringify([r.repo, r.tracked, r.failed, r.mode]);
}

export function parseGroupKey(key: string): {
  repo: string;
  tracked: string;
  failed: string;
  mode: 'pr' | 'commit';
} {
  const [repo, tracked, failed, mode] = JSON.parse(key) as [string, string, string, 'pr' | 'commit'];
  return { repo, tracked, failed, mode };
}
