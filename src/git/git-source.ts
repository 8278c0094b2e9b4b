import { createHash } from 'node:crypto';
import path from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import { gitError } from './errors.js';
import {
  authorizationHeader,
  loadCredentials,
  secretsOf,
  type CredentialSource,
  type GitCredentials,
} from './credentials.js';
import { createHttpClient, DEFAULT_HTTP_TIMEOUT_MS } from './http.js';
import { resolveGitLimits, type GitLimits } from './limits.js';
import { withLock } from './lock.js';
import { listRemoteRefs, type RemoteRefs } from './remote.js';
import { GitRepository, type CommitInfo, type RemoteAuth } from './repository.js';
import { resolveRevision, type ResolvedRevision } from './revision.js';
import type { SnapshotLease, SnapshotStore } from './snapshots.js';
import { writeCommitTree } from './tree-writer.js';
import { parseRemoteUrl, type RemoteUrl } from './url.js';
import type { WriteTarget } from './write-back.js';

export interface GitSourceOptions {
  /** An http(s) repository URL. SSH URLs are refused with GIT_SSH_UNSUPPORTED. */
  url: string;
  /** Branch, tag, full or short (7+ digits) commit SHA, or a semver range over tags. Default: the remote's HEAD. */
  revision?: string;
  credentials?: CredentialSource;
  /** Where the bare mirrors live: `<cacheDir>/<hash of the URL>`. Shared by sources of one repository. */
  cacheDir: string;
  /** Where checkouts go; shared by every source of the process. */
  snapshots: SnapshotStore;
  /** Commits of history to fetch: 1 by default (shallow); 0 for all. Deepened as needed to find a commit. */
  depth?: number;
  /** Idle timeout of one HTTP request, ms (default 60 s). */
  timeoutMs?: number;
  /** The environment credentials are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Replaces isomorphic-git's Node HTTP client (tests, proxies). */
  http?: HttpClient;
  /** Packs in the mirror past which a shallow mirror is fetched afresh (default 64; see GitRepository). */
  maxPacks?: number;
  /** Bounds on a fetch, one file, one snapshot's size and file count (default DEFAULT_GIT_LIMITS). */
  limits?: Partial<GitLimits>;
}

/** What the cheap check says the revision is now, without fetching. */
export interface RemoteRevision {
  spec: string;
  kind: ResolvedRevision['kind'];
  ref?: string;
  /**
   * The commit SHA; for a short SHA that no ref tip matches, the SHA prefix as given (lower
   * case), which never changes either: compare it with the previous check, not with `sync()`.
   */
  commit: string;
}

/** The result of a sync: the commit, its metadata, and a lease on its snapshot. */
export interface SyncedRevision extends ResolvedRevision {
  info: CommitInfo;
  /** Whether anything was fetched (false when the commit was already here). */
  fetched: boolean;
  snapshot: SnapshotLease;
}

/**
 * A Git repository at a revision: `check()` lists the remote's refs (one request) to tell
 * whether the revision moved; `sync()` fetches what is missing, shallow and single-branch,
 * and leases the commit's immutable snapshot.
 */
export class GitSource {
  readonly revision: string;
  /** The URL for messages and logs: no credentials, no query string. */
  readonly display: string;
  readonly #remote: RemoteUrl;
  readonly #opts: GitSourceOptions;
  readonly #depth: number;
  readonly #http: HttpClient;
  readonly #repo: GitRepository;
  readonly #limits: GitLimits;
  /** The commit of the last sync, whose snapshot (if still cached) seeds the next one. */
  #lastCommit?: string;

  /** Validates the URL (http/https only) and options; does no I/O. */
  constructor(options: GitSourceOptions) {
    this.#remote = parseRemoteUrl(options.url);
    this.display = this.#remote.display;
    this.revision = (options.revision ?? '').trim() || 'HEAD';
    const depth = options.depth ?? 1;
    if (!Number.isInteger(depth) || depth < 0) {
      const message = `depth must be a whole number >= 0 (0 for all history), got ${depth}`;
      throw gitError('GIT_INVALID_OPTION', message, { depth });
    }
    this.#depth = depth;
    this.#limits = resolveGitLimits(options.limits);
    this.#opts = options;
    this.#http =
      options.http ?? createHttpClient({ timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS });
    const key = createHash('sha256').update(this.#remote.url).digest('hex').slice(0, 24);
    this.#repo = new GitRepository({
      gitdir: path.join(options.cacheDir, key),
      url: this.#remote.url,
      http: this.#http,
      display: this.display,
      maxPacks: options.maxPacks,
      limits: this.#limits,
    });
  }

  /** The cheap check: one request listing the remote's refs, resolved to the wanted revision. */
  async check(): Promise<RemoteRevision> {
    const { refs } = await this.#listRefs();
    const resolved = resolveRevision(this.revision, refs, this.display);
    if ('prefix' in resolved) {
      const repo = this.#repo;
      const full = await withLock(repo.gitdir, async () => {
        await repo.open(this.#depth);
        return repo.expand(resolved.prefix);
      });
      return { spec: resolved.spec, kind: 'commit', commit: full ?? resolved.prefix };
    }
    return { spec: resolved.spec, kind: resolved.kind, ref: resolved.ref, commit: resolved.commit };
  }

  /**
   * Resolves the revision, fetches it if it is not here yet, and leases its snapshot. Release
   * the lease when the sync is done with the files.
   */
  async sync(): Promise<SyncedRevision> {
    const { refs, auth } = await this.#listRefs();
    const resolved = resolveRevision(this.revision, refs, this.display);
    const repo = this.#repo;
    const { revision, fetched, info } = await withLock(repo.gitdir, async () => {
      await repo.open(this.#depth);
      let revision: ResolvedRevision;
      let fetched = true;
      if (!('prefix' in resolved) && (await repo.hasCommit(resolved.commit))) {
        revision = resolved;
        fetched = false;
      } else if ('prefix' in resolved || resolved.ref === undefined) {
        const wanted = 'prefix' in resolved ? resolved.prefix : resolved.commit;
        const commit = await repo.findCommit(wanted, refs.head ?? defaultHead(refs), this.#depth, auth);
        if (!commit) {
          throw gitError(
            'GIT_REVISION_NOT_FOUND',
            `commit ${resolved.spec} is not in the history of any branch of ${this.display}`,
            { url: this.display, revision: resolved.spec },
          );
        }
        revision = { spec: resolved.spec, kind: 'commit', commit };
      } else {
        await repo.fetchRef(resolved.ref!, resolved.commit, this.#depth, auth);
        revision = resolved;
      }
      await repo.markSynced(revision.commit);
      return { revision, fetched, info: await repo.commitInfo(revision.commit) };
    });
    const snapshots = this.#opts.snapshots;
    const snapshot = await snapshots.acquire(revision.commit, async (tmp) => {
      // The previous snapshot of this source shares most files with the new one: link them.
      const base = this.#lastCommit ? snapshots.lease(this.#lastCommit) : undefined;
      try {
        return await withLock(repo.gitdir, () =>
          writeCommitTree({
            gitdir: repo.gitdir,
            commit: revision.commit,
            dir: tmp,
            cache: repo.cache,
            display: this.display,
            base,
            limits: this.#limits,
            measured: repo.measured,
          }),
        );
      } finally {
        await base?.release();
      }
    });
    this.#lastCommit = revision.commit;
    return { ...revision, info, fetched, snapshot };
  }

  async #listRefs(): Promise<{ refs: RemoteRefs; auth: RemoteAuth }> {
    const auth = await this.#auth();
    const refs = await listRemoteRefs({
      http: this.#http,
      url: this.#remote.url,
      ...auth,
      maxBytes: this.#limits.maxFetchBytes,
    });
    return { refs, auth };
  }

  /**
   * Where write-backs to this repository go (`commitFiles`, `revertCommits`): this source's
   * mirror and remote, with credentials read afresh. Its `ensureCommits` fetches history the
   * shallow mirror lacks (the parent of a commit to revert).
   */
  async writeTarget(): Promise<WriteTarget> {
    return {
      gitdir: this.#repo.gitdir,
      url: this.#remote.url,
      display: this.display,
      credentials: await this.#credentials(),
      http: this.#http,
      ensureCommits: (oids) => this.#ensureCommits(oids),
    };
  }

  /** Fetches each commit not in the mirror, deepening the tracked branch first (see `findCommit`). */
  async #ensureCommits(oids: string[]): Promise<void> {
    const { refs, auth } = await this.#listRefs();
    const resolved = resolveRevision(this.revision, refs, this.display);
    const tracked = 'ref' in resolved && resolved.ref?.startsWith('refs/heads/') ? resolved.ref : undefined;
    const repo = this.#repo;
    await withLock(repo.gitdir, async () => {
      await repo.open(this.#depth);
      for (const oid of oids) {
        if (await repo.hasCommit(oid)) continue;
        if (!(await repo.findCommit(oid, tracked ?? refs.head ?? defaultHead(refs), this.#depth, auth))) {
          throw gitError('GIT_REVISION_NOT_FOUND', `commit ${oid} is not in any branch of ${this.display}`, {
            url: this.display,
            revision: oid,
          });
        }
      }
    });
  }

  /** Reads the credentials afresh (a rotated Secret applies at once). */
  async #credentials(): Promise<GitCredentials | undefined> {
    const { credentials: source, env } = this.#opts;
    let credentials = source ? await loadCredentials(source, env) : undefined;
    if (!credentials && this.#remote.username !== undefined) {
      credentials = { kind: 'basic', username: this.#remote.username, password: this.#remote.password ?? '' };
    }
    return credentials;
  }

  /** Builds the auth header from the credentials, read afresh. */
  async #auth(): Promise<RemoteAuth> {
    const credentials = await this.#credentials();
    const headers: Record<string, string> = credentials
      ? { Authorization: authorizationHeader(credentials) }
      : {};
    return {
      headers,
      context: {
        display: this.display,
        withCredentials: credentials !== undefined,
        secrets: secretsOf(credentials),
      },
    };
  }
}

function defaultHead(refs: RemoteRefs): string | undefined {
  return ['refs/heads/main', 'refs/heads/master'].find((r) => refs.refs.has(r));
}
