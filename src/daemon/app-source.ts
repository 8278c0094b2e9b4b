/**
 * Where an application's files come from, behind one small interface: a remote Git
 * repository (fetched into immutable per-commit snapshots, polled with the cheap refs
 * check) or a local directory (watched, its revision the content hash of its files).
 */
import path from 'node:path';
import { CapstanError } from '../core/index.js';
import { fileURLToPath } from 'node:url';
import {
  GitSource,
  LocalSource,
  Poller,
  type CredentialSource,
  type GitLimits,
  type SnapshotStore,
  type WriteTarget,
} from '../git/index.js';

/** What a source is: where, which revision to follow, how often to look. */
export interface SourceSpec {
  repoURL: string;
  targetRevision: string;
  /** default: the context's */
  pollIntervalMs?: number;
}

/** A revision's files, held until `release()`. */
export interface FetchedRevision {
  /** a commit SHA, or `local:<content hash>` */
  revision: string;
  /** the repository's root on disk */
  root: string;
  subject?: string;
  author?: string;
  /** the remote ref the commit was the tip of when fetched (`refs/heads/main`), if any */
  ref?: string;
  release(): Promise<void>;
}

export interface AppSource {
  /** the URL or directory, for messages (never with credentials) */
  readonly display: string;
  /** the newest revision's files */
  fetch(): Promise<FetchedRevision>;
  /** one exact commit's files (a pinned sync, an older revision) */
  fetchCommit(commit: string): Promise<FetchedRevision>;
  /** looks for a new revision now (a webhook said so), reporting it through `watch`'s callback */
  checkNow(): Promise<void>;
  /** where commits to this source's repository go; undefined for a local directory */
  writeTarget(): Promise<WriteTarget | undefined>;
  /** starts reporting revisions: the current one first (reason `startup`), then each change */
  watch(onChange: (revision: string, reason: string) => void, onError: (e: unknown) => void): Promise<void>;
  close(): Promise<void>;
}

export interface AppSourceContext {
  cacheDir: string;
  snapshots: SnapshotStore;
  credentials?: CredentialSource;
  /** where credentials naming environment variables are read (default process.env) */
  env?: NodeJS.ProcessEnv;
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

export function createAppSource(spec: SourceSpec, ctx: AppSourceContext): AppSource {
  const dir = localDirOf(spec.repoURL);
  return dir ? new LocalAppSource(dir) : new RemoteAppSource(spec, ctx);
}

class RemoteAppSource implements AppSource {
  private readonly git: GitSource;
  private poller?: Poller;
  readonly display: string;

  constructor(
    private readonly spec: SourceSpec,
    private readonly ctx: AppSourceContext,
  ) {
    this.git = this.gitSource(spec.targetRevision);
    this.display = this.git.display;
  }

  private gitSource(revision: string): GitSource {
    return new GitSource({
      url: this.spec.repoURL,
      revision,
      cacheDir: this.ctx.cacheDir,
      snapshots: this.ctx.snapshots,
      credentials: this.ctx.credentials,
      env: this.ctx.env,
      limits: this.ctx.gitLimits,
    });
  }

  fetch(): Promise<FetchedRevision> {
    return RemoteAppSource.fetchFrom(this.git);
  }

  /**
   * Exactly `commit`'s files. The branch's source serves the commit it last saw, but its
   * fetch takes the branch's newest: when that moved on since, a source of the commit's own
   * (the mirror and its lock are shared by URL).
   */
  async fetchCommit(commit: string): Promise<FetchedRevision> {
    if (commit === this.poller?.state.revision) {
      const fetched = await RemoteAppSource.fetchFrom(this.git);
      if (fetched.revision === commit) return fetched;
      await fetched.release();
    }
    return RemoteAppSource.fetchFrom(this.gitSource(commit));
  }

  async checkNow(): Promise<void> {
    await this.poller?.pollNow();
  }

  writeTarget(): Promise<WriteTarget> {
    return this.git.writeTarget();
  }

  private static async fetchFrom(git: GitSource): Promise<FetchedRevision> {
    const synced = await git.sync();
    return {
      revision: synced.commit,
      root: synced.snapshot.dir,
      subject: synced.info.subject,
      author: synced.info.author,
      ...(synced.ref ? { ref: synced.ref } : {}),
      release: () => synced.snapshot.release(),
    };
  }

  async watch(
    onChange: (revision: string, reason: string) => void,
    onError: (e: unknown) => void,
  ): Promise<void> {
    this.poller = new Poller({
      check: async () => (await this.git.check()).commit,
      intervalMs: this.spec.pollIntervalMs ?? this.ctx.pollIntervalMs,
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

  async fetchCommit(revision: string): Promise<FetchedRevision> {
    const current = await this.fetch();
    if (current.revision === revision) return current;
    throw new CapstanError(
      'SOURCE_REVISION_UNAVAILABLE',
      `${this.display} is a local directory: only its current content (${current.revision.slice(0, 18)}) can be synced, not ${revision.slice(0, 18)}`,
    );
  }

  async checkNow(): Promise<void> {
    // a local directory reports its edits by itself
  }

  async writeTarget(): Promise<undefined> {
    return undefined; // Capstan never writes to a developer's working copy
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
