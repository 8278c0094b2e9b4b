/**
 * Where an application's files come from, behind one small interface: a remote Git
 * repository (fetched into immutable per-commit snapshots, polled with the cheap refs
 * check) or a local directory (watched, its revision the content hash of its files).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GitSource,
  LocalSource,
  Poller,
  type CredentialSource,
  type GitLimits,
  type SnapshotStore,
} from '../git/index.js';
import type { Application } from './applications.js';

/** A revision's files, held until `release()`. */
export interface FetchedRevision {
  /** a commit SHA, or `local:<content hash>` */
  revision: string;
  /** the repository's root on disk */
  root: string;
  subject?: string;
  author?: string;
  release(): Promise<void>;
}

export interface AppSource {
  /** the URL or directory, for messages (never with credentials) */
  readonly display: string;
  /** the newest revision's files */
  fetch(): Promise<FetchedRevision>;
  /** starts reporting revisions: the current one first (reason `startup`), then each change */
  watch(onChange: (revision: string, reason: string) => void, onError: (e: unknown) => void): Promise<void>;
  close(): Promise<void>;
}

export interface AppSourceContext {
  cacheDir: string;
  snapshots: SnapshotStore;
  credentials?: CredentialSource;
  /** default poll interval, ms */
  pollIntervalMs: number;
  /** limits on fetches and snapshots (the configuration's `git:`); unset ones take the defaults */
  gitLimits?: Partial<GitLimits>;
}

/** `/abs/dir`, `./rel/dir` or `file:///abs/dir`: a local directory. */
export function localDirOf(repoURL: string): string | undefined {
  if (repoURL.startsWith('file://')) return fileURLToPath(repoURL);
  if (repoURL.startsWith('/') || repoURL.startsWith('./') || repoURL.startsWith('../'))
    return path.resolve(repoURL);
  return undefined;
}

export function createAppSource(app: Application, ctx: AppSourceContext): AppSource {
  const dir = localDirOf(app.source.repoURL);
  return dir ? new LocalAppSource(dir) : new RemoteAppSource(app, ctx);
}

class RemoteAppSource implements AppSource {
  private readonly git: GitSource;
  private poller?: Poller;
  readonly display: string;

  constructor(
    private readonly app: Application,
    private readonly ctx: AppSourceContext,
  ) {
    this.git = new GitSource({
      url: app.source.repoURL,
      revision: app.source.targetRevision,
      cacheDir: ctx.cacheDir,
      snapshots: ctx.snapshots,
      credentials: ctx.credentials,
      limits: ctx.gitLimits,
    });
    this.display = this.git.display;
  }

  async fetch(): Promise<FetchedRevision> {
    const synced = await this.git.sync();
    return {
      revision: synced.commit,
      root: synced.snapshot.dir,
      subject: synced.info.subject,
      author: synced.info.author,
      release: () => synced.snapshot.release(),
    };
  }

  async watch(
    onChange: (revision: string, reason: string) => void,
    onError: (e: unknown) => void,
  ): Promise<void> {
    this.poller = new Poller({
      check: async () => (await this.git.check()).commit,
      intervalMs: (this.app.pollIntervalSeconds ?? 0) * 1000 || this.ctx.pollIntervalMs,
      // the first check runs at once: its revision is the one to sync at start
      onRevision: (revision, previous) =>
        onChange(
          revision,
          previous === undefined ? 'startup' : `poll: ${this.git.revision} is at ${revision.slice(0, 7)}`,
        ),
      onError: (e) => onError(e),
    });
    this.poller.start();
  }

  async close(): Promise<void> {
    this.poller?.close();
  }
}

class LocalAppSource implements AppSource {
  private readonly local: LocalSource;
  readonly display: string;

  constructor(dir: string) {
    this.local = new LocalSource({ dir });
    this.display = dir;
  }

  async fetch(): Promise<FetchedRevision> {
    // read in place: a local directory is the developer's working copy, not a snapshot
    const hash = await this.local.revision();
    return { revision: `local:${hash}`, root: this.local.dir, release: async () => undefined };
  }

  async watch(
    onChange: (revision: string, reason: string) => void,
    onError: (e: unknown) => void,
  ): Promise<void> {
    this.local.on('changed', (paths) => {
      void this.local
        .revision()
        .then((r) =>
          onChange(
            `local:${r}`,
            `local edit: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`,
          ),
        )
        .catch(onError);
    });
    this.local.on('error', onError);
    await this.local.start();
    onChange(`local:${await this.local.revision()}`, 'startup');
  }

  async close(): Promise<void> {
    await this.local.close();
  }
}
