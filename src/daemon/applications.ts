/**
 * An application: one path of one Git repository, synced to the cluster. The shape
 * follows Argo CD's Application `spec.source` so that its users recognise it.
 */
import type { IgnoreDifference } from '../diff/index.js';

export interface ApplicationSource {
  /** the repository's URL (HTTP(S)), or a local directory for a local source */
  repoURL: string;
  /** a branch, tag, commit SHA (full or short) or semver range over tags; `HEAD` is the default branch */
  targetRevision: string;
  /** the directory inside the repository to render ('' or '.' for the root) */
  path: string;
}

export interface Application {
  name: string;
  source: ApplicationSource;
  /** the namespace of objects that name none (default `default`) */
  namespace?: string;
  syncPolicy: { prune: boolean; selfHeal: boolean; autoRollback: boolean };
  /** how long a revision may take to become healthy, ms (default 5 minutes) */
  healthTimeoutMs?: number;
  ignoreDifferences?: IgnoreDifference[];
  /**
   * When set, a push syncs the application only if it changed a file under one of these
   * directories (Argo CD's `manifest-generate-paths`): relative ones are taken from
   * `source.path`, ones starting with `/` from the repository root.
   */
  triggerPaths?: string[];
  /** how often the source is polled for changes, in seconds (default 180) */
  pollIntervalSeconds?: number;
}
