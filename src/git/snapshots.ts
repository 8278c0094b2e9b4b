import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { gitError } from './errors.js';
import { removeReadOnlyTree, treeSize } from './fs-tree.js';

/** Default bound on the snapshots' total size: 1 GiB. */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 1024 ** 3;

const COMMIT_DIR = /^[0-9a-f]{40}$/;

export interface SnapshotStoreOptions {
  /** The directory holding one sub-directory per commit. */
  dir: string;
  /** Evict least recently used, unleased snapshots while the total exceeds this (bytes of file content). */
  maxBytes?: number;
}

/**
 * A snapshot in use. While any lease on it is held the snapshot is never evicted. Release it
 * when the sync that read it is done; `release()` is idempotent and resolves once any
 * eviction it allowed has finished.
 */
export interface SnapshotLease {
  readonly commit: string;
  /** The snapshot's directory: the commit's files, read-only. */
  readonly dir: string;
  readonly bytes: number;
  release(): Promise<void>;
}

/** Writes a snapshot's files into an empty directory; may resolve to their total size in bytes. */
export type SnapshotWriter = (tmpDir: string) => Promise<number | void>;

interface Entry {
  commit: string;
  dir: string;
  bytes: number;
  leases: number;
}

/**
 * Immutable checkouts keyed by commit SHA, with a size bound and LRU eviction.
 *
 * A snapshot is written into a temporary sibling directory and renamed into place, so a reader
 * never sees a half-written snapshot, and a crash leaves only a temporary directory that the
 * next `open()` removes. Files and directories are read-only once written.
 */
export class SnapshotStore {
  readonly dir: string;
  readonly maxBytes: number;
  /** Insertion order is recency: a snapshot moves to the end whenever it is leased. */
  readonly #entries = new Map<string, Entry>();
  readonly #creating = new Map<string, Promise<Entry>>();
  #total = 0;
  #opened?: Promise<void>;

  constructor(options: SnapshotStoreOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
    if (!(maxBytes > 0)) {
      throw gitError('GIT_INVALID_OPTION', `snapshot cache size must be positive, got ${maxBytes}`, {
        maxBytes,
      });
    }
    this.dir = options.dir;
    this.maxBytes = maxBytes;
  }

  /** Creates the directory, removes leftovers of interrupted writes, and indexes existing snapshots (oldest first). Idempotent. */
  open(): Promise<void> {
    this.#opened ??= this.#scan();
    return this.#opened;
  }

  /** Total bytes of all snapshots. */
  get totalBytes(): number {
    return this.#total;
  }

  /** The commits held, least recently used first. */
  commits(): string[] {
    return [...this.#entries.keys()];
  }

  has(commit: string): boolean {
    return this.#entries.has(commit);
  }

  /** Leases an existing snapshot; undefined when there is none. */
  lease(commit: string): SnapshotLease | undefined {
    const entry = this.#entries.get(commit);
    return entry ? this.#lease(entry) : undefined;
  }

  /**
   * Leases the snapshot of `commit`, creating it first with `write(tmpDir)` when it does not
   * exist; `write` may resolve to the bytes it wrote, which spares walking the tree to count
   * them. Concurrent calls for one commit share a single write. If `write` throws, nothing is
   * left behind and the error is passed on.
   */
  async acquire(commit: string, write: SnapshotWriter): Promise<SnapshotLease> {
    await this.open();
    const existing = this.#entries.get(commit);
    if (existing) return this.#lease(existing);
    let creating = this.#creating.get(commit);
    if (!creating) {
      creating = this.#create(commit, write).finally(() => this.#creating.delete(commit));
      this.#creating.set(commit, creating);
    }
    const entry = await creating;
    const lease = this.#lease(entry);
    await this.#evict();
    return lease;
  }

  /** Evicts least recently used, unleased snapshots until the total fits the bound. */
  async evict(): Promise<string[]> {
    return this.#evict();
  }

  async #create(commit: string, write: SnapshotWriter): Promise<Entry> {
    if (!COMMIT_DIR.test(commit)) throw new Error(`snapshot key must be a full commit SHA, got ${commit}`);
    const tmp = path.join(this.dir, `.tmp-${commit}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp);
    const final = path.join(this.dir, commit);
    try {
      const written = await write(tmp);
      const bytes = typeof written === 'number' ? written : await treeSize(tmp);
      try {
        await rename(tmp, final);
      } catch (e) {
        // Another process sharing the directory wrote the same commit first: same content, keep theirs.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        await removeReadOnlyTree(tmp);
      }
      const entry: Entry = { commit, dir: final, bytes, leases: 0 };
      this.#entries.set(commit, entry);
      this.#total += bytes;
      return entry;
    } catch (e) {
      await removeReadOnlyTree(tmp);
      throw e;
    }
  }

  #lease(entry: Entry): SnapshotLease {
    entry.leases++;
    this.#entries.delete(entry.commit);
    this.#entries.set(entry.commit, entry);
    let released = false;
    return {
      commit: entry.commit,
      dir: entry.dir,
      bytes: entry.bytes,
      release: async () => {
        if (released) return;
        released = true;
        entry.leases--;
        await this.#evict();
      },
    };
  }

  async #evict(): Promise<string[]> {
    const victims: Entry[] = [];
    for (const entry of this.#entries.values()) {
      if (this.#total <= this.maxBytes) break;
      if (entry.leases > 0) continue;
      // Out of the index first, so no lease can be taken on a snapshot being deleted.
      this.#entries.delete(entry.commit);
      this.#total -= entry.bytes;
      victims.push(entry);
    }
    for (const entry of victims) {
      const trash = path.join(this.dir, `.trash-${entry.commit}-${randomBytes(4).toString('hex')}`);
      await rename(entry.dir, trash);
      await removeReadOnlyTree(trash);
    }
    return victims.map((v) => v.commit);
  }

  async #scan(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const found: Array<Entry & { mtime: number }> = [];
    for (const name of await readdir(this.dir)) {
      const full = path.join(this.dir, name);
      if (name.startsWith('.tmp-') || name.startsWith('.trash-')) {
        await removeReadOnlyTree(full);
      } else if (COMMIT_DIR.test(name)) {
        const info = await stat(full);
        if (info.isDirectory()) {
          found.push({
            commit: name,
            dir: full,
            bytes: await treeSize(full),
            leases: 0,
            mtime: info.mtimeMs,
          });
        }
      }
    }
    found.sort((a, b) => a.mtime - b.mtime);
    for (const { mtime: _mtime, ...entry } of found) {
      this.#entries.set(entry.commit, entry);
      this.#total += entry.bytes;
    }
  }
}
