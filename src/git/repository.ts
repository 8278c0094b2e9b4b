import fs from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import git, { type HttpClient } from 'isomorphic-git';
import { gitError } from './errors.js';
import { completeStoredPack, storedPackProblem } from './pack-completion.js';
import { limitReads } from './read-limits.js';
import { DEFAULT_GIT_LIMITS, type GitLimits } from './limits.js';
import { toRemoteError, type RemoteContext } from './remote-errors.js';
import type { TreeTotals } from './tree-meter.js';

/** `deepen 2147483647` is how git itself asks for the whole history (`--unshallow`). */
const FULL_DEPTH = 2 ** 31 - 1;
/** Points at the last commit fetched, so a fetch of a new ref still has something to offer as "have". */
const LAST_REF = 'refs/capstan/last';

/** Per-operation credentials: the headers to send and what to strip from messages. */
export interface RemoteAuth {
  headers: Record<string, string>;
  context: RemoteContext;
}

export interface RepositoryOptions {
  /** The bare Git directory this repository lives in (created when missing). */
  gitdir: string;
  /** The remote URL, without credentials. */
  url: string;
  http: HttpClient;
  /** The redacted URL, for messages. */
  display: string;
  /**
   * isomorphic-git rewrites no packs (there is no `git gc`): every fetch adds one. Past this
   * many, a shallow repository is deleted and fetched afresh, which costs one shallow fetch
   * and keeps object lookups (one index probe per pack) fast.
   */
  maxPacks?: number;
  /** Bytes one fetch may read and the largest object a pack may hold (default DEFAULT_GIT_LIMITS). */
  limits?: Pick<GitLimits, 'maxFetchBytes' | 'maxBlobBytes'>;
}

/** Commit metadata for status and history. */
export interface CommitInfo {
  commit: string;
  /** The first line of the message. */
  subject: string;
  author: string;
  committedAt: Date;
}

/**
 * A bare, usually shallow mirror of the refs Capstan needs from one remote. Callers hold the
 * repository's lock (see `withLock`) around every method.
 */
export class GitRepository {
  readonly gitdir: string;
  readonly #opts: RepositoryOptions;
  /** isomorphic-git's object cache (pack indexes), shared by the calls on this repository. */
  #cache: object = {};
  /** Sizes of the trees snapshots measured (see `measureTree`): objects never change, so this outlives packs. */
  readonly measured = new Map<string, TreeTotals>();
  /** Packs known to be readable on their own (see `pack-completion.ts`): packs never change. */
  readonly #completePacks = new Set<string>();

  constructor(options: RepositoryOptions) {
    this.gitdir = options.gitdir;
    this.#opts = options;
  }

  /** Creates the bare repository if needed, and starts afresh when it holds too many packs. */
  async open(depth: number): Promise<void> {
    const maxPacks = this.#opts.maxPacks ?? 64;
    // A pack that is not complete (stored by an older Capstan, or a fetch stopped before
    // completing it) could make a read loop between packs: start afresh instead.
    if ((depth > 0 && (await this.#packNames()).length > maxPacks) || !(await this.#packsComplete())) {
      await this.#discard();
    }
    if (!fs.existsSync(path.join(this.gitdir, 'HEAD'))) {
      await mkdir(this.gitdir, { recursive: true });
      await git.init({ fs, dir: this.gitdir, bare: true, defaultBranch: 'main' });
      // isomorphic-git's fetch records remote-tracking refs through the remote's refspec.
      await git.addRemote({ fs, gitdir: this.gitdir, remote: 'origin', url: this.#opts.url, force: true });
    }
  }

  /** Whether the commit's object is here (in any pack or loose). */
  async hasCommit(oid: string): Promise<boolean> {
    try {
      await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.#cache });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Fetches one remote ref (`refs/heads/main`, `refs/tags/v1.2.0`) to `depth` commits (0: all
   * history), offering the commits already here so that an incremental fetch transfers only
   * what is new, then records `commit` under the same ref locally.
   */
  async fetchRef(remoteRef: string, commit: string, depth: number, auth: RemoteAuth): Promise<void> {
    // isomorphic-git offers as "have" only the local ref named by `ref`: point it at the closest
    // commit we have (this ref's previous tip, else the last fetch), or nothing is offered and
    // an incremental fetch downloads the whole tree again.
    const haveRef = (await this.#resolveLocal(remoteRef)) ? remoteRef : LAST_REF;
    await this.#fetch(
      { ref: haveRef, remoteRef, singleBranch: true, depth: depth > 0 ? depth : undefined },
      auth,
    );
    await this.#record(remoteRef, commit);
  }

  /**
   * Finds the commit named by a SHA or SHA prefix, fetching deeper history of `searchRef` (the
   * default branch) ten times deeper each round until the commit appears or the history is
   * complete, then the full history of every branch and tag. Returns the full SHA, or undefined.
   *
   * Example: a commit 40 commits below main's tip, from a depth-1 mirror: depth 10 (not
   * there), depth 100 (found): two fetches, each sending only the commits not yet here.
   */
  async findCommit(
    prefix: string,
    searchRef: string | undefined,
    depth: number,
    auth: RemoteAuth,
  ): Promise<string | undefined> {
    const found = await this.expand(prefix);
    if (found) return found;
    if (searchRef) {
      for (let d = Math.max(depth, 1) * 10; ; d = d >= 100_000 ? FULL_DEPTH : d * 10) {
        const before = await this.#shallows();
        const haveRef = (await this.#resolveLocal(searchRef)) ? searchRef : LAST_REF;
        await this.#fetch({ ref: haveRef, remoteRef: searchRef, singleBranch: true, depth: d }, auth);
        const hit = await this.expand(prefix);
        if (hit) return hit;
        const after = await this.#shallows();
        // No new shallow boundary: the server sent the whole remaining history of this branch.
        if (d === FULL_DEPTH || ![...after].some((oid) => !before.has(oid))) break;
      }
    }
    await this.#fetch(
      { ref: LAST_REF, remoteRef: searchRef ?? 'HEAD', singleBranch: false, depth: FULL_DEPTH, tags: true },
      auth,
    );
    return this.expand(prefix);
  }

  /** Expands a SHA prefix to the full SHA of a commit here; undefined when none. */
  async expand(prefix: string): Promise<string | undefined> {
    let oid: string;
    try {
      oid = await git.expandOid({ fs, gitdir: this.gitdir, oid: prefix, cache: this.#cache });
    } catch (e) {
      if ((e as { code?: string }).code === 'AmbiguousError') {
        throw gitError(
          'GIT_REVISION_AMBIGUOUS',
          `the short SHA "${prefix}" matches several objects in ${this.#opts.display}: give more digits`,
          { url: this.#opts.display, revision: prefix },
        );
      }
      return undefined;
    }
    return (await this.hasCommit(oid)) ? oid : undefined;
  }

  /** Marks `commit` as synced: the next fetch offers it as common history. */
  async markSynced(commit: string): Promise<void> {
    await git.writeRef({ fs, gitdir: this.gitdir, ref: LAST_REF, value: commit, force: true });
  }

  /** The commit's subject line, author and date. */
  async commitInfo(commit: string): Promise<CommitInfo> {
    const { commit: c } = await git.readCommit({ fs, gitdir: this.gitdir, oid: commit, cache: this.#cache });
    return {
      commit,
      subject: c.message.split('\n', 1)[0],
      author: `${c.author.name} <${c.author.email}>`,
      committedAt: new Date(c.committer.timestamp * 1000),
    };
  }

  /** isomorphic-git's object cache, for reading trees of this repository. */
  get cache(): object {
    return this.#cache;
  }

  async #fetch(
    args: {
      ref: string;
      remoteRef: string;
      singleBranch: boolean;
      depth: number | undefined;
      tags?: boolean;
    },
    auth: RemoteAuth,
  ): Promise<void> {
    const limits = this.#opts.limits ?? DEFAULT_GIT_LIMITS;
    const http = limitReads(this.#opts.http, {
      maxBytes: limits.maxFetchBytes,
      maxObjectBytes: limits.maxBlobBytes,
      display: this.#opts.display,
      spoolDir: this.gitdir,
    });
    const shallow = await this.#readShallowFile();
    const packsBefore = new Set(await this.#packNames());
    try {
      await git.fetch({
        fs,
        http,
        gitdir: this.gitdir,
        url: this.#opts.url,
        ref: args.ref,
        remoteRef: args.remoteRef,
        singleBranch: args.singleBranch,
        depth: args.depth,
        tags: args.tags ?? false,
        // isomorphic-git adds to the headers object it is given: pass a copy.
        headers: { ...auth.headers },
        cache: this.#cache,
      });
    } catch (e) {
      // isomorphic-git records the server's shallow commits before reading the pack: without
      // their objects, the next fetch would tell the server it has them and get nothing.
      await this.#restoreShallowFile(shallow);
      throw http.failure ?? toRemoteError(e, auth.context);
    }
    for (const name of await this.#packNames()) {
      if (!packsBefore.has(name)) await this.#complete(name);
    }
  }

  /** Stores a fetched pack complete, so that no read follows a delta into another pack. */
  async #complete(name: string): Promise<void> {
    const packDir = path.join(this.gitdir, 'objects', 'pack');
    try {
      const stored = await completeStoredPack({
        packFile: path.join(packDir, name),
        readObject: async (oid) => {
          const read = { fs, gitdir: this.gitdir, oid, format: 'content' as const, cache: this.#cache };
          const { type, object } = await git.readObject(read);
          return { type, object: object as Uint8Array };
        },
        index: async (packFile) => {
          const filepath = path.relative(this.gitdir, packFile);
          await git.indexPack({ fs, dir: this.gitdir, gitdir: this.gitdir, filepath, cache: this.#cache });
        },
      });
      this.#completePacks.add(path.basename(stored));
    } catch (e) {
      // The fetch's refs and shallow commits point into this pack: none of it can stay.
      await this.#discard();
      throw gitError(
        'GIT_PACK_INVALID',
        `${this.#opts.display} sent a pack that cannot be stored: ${(e as Error).message}`,
        { url: this.#opts.display },
        e,
      );
    }
  }

  /** Whether every pack here can be read on its own; checks each pack once. */
  async #packsComplete(): Promise<boolean> {
    for (const name of await this.#packNames()) {
      if (this.#completePacks.has(name)) continue;
      if (await storedPackProblem(path.join(this.gitdir, 'objects', 'pack', name))) return false;
      this.#completePacks.add(name);
    }
    return true;
  }

  /** Deletes the mirror: the next `open` creates it empty. */
  async #discard(): Promise<void> {
    await rm(this.gitdir, { recursive: true, force: true });
    this.#cache = {};
    this.#completePacks.clear();
  }

  async #readShallowFile(): Promise<string | undefined> {
    return readFile(path.join(this.gitdir, 'shallow'), 'utf8').catch(() => undefined);
  }

  async #restoreShallowFile(text: string | undefined): Promise<void> {
    const file = path.join(this.gitdir, 'shallow');
    if (text === undefined) await rm(file, { force: true });
    else await writeFile(file, text);
  }

  async #record(ref: string, commit: string): Promise<void> {
    await git.writeRef({ fs, gitdir: this.gitdir, ref, value: commit, force: true });
    await git.writeRef({ fs, gitdir: this.gitdir, ref: LAST_REF, value: commit, force: true });
  }

  async #resolveLocal(ref: string): Promise<boolean> {
    try {
      await git.resolveRef({ fs, gitdir: this.gitdir, ref });
      return true;
    } catch {
      return false;
    }
  }

  async #shallows(): Promise<Set<string>> {
    try {
      const text = await readFile(path.join(this.gitdir, 'shallow'), 'utf8');
      return new Set(text.split('\n').filter((l) => l.length === 40));
    } catch {
      return new Set();
    }
  }

  async #packNames(): Promise<string[]> {
    try {
      const names = await readdir(path.join(this.gitdir, 'objects', 'pack'));
      return names.filter((n) => n.endsWith('.pack'));
    } catch {
      return [];
    }
  }
}
