import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { gitError } from './errors.js';
import { DEFAULT_IGNORED_NAMES, hashDirectory, type HashOptions } from './content-hash.js';
import { realTimers, type Timers } from './timers.js';

export interface LocalSourceOptions {
  /** The directory to watch: a working tree or a plain folder. */
  dir: string;
  /** Quiet time after the last change before `changed` fires (default 300 ms). */
  debounceMs?: number;
  /** Longest a stream of changes can hold `changed` back (default 10 × debounceMs). */
  maxWaitMs?: number;
  /** Entry names ignored at any depth (default `.git`, `node_modules`). */
  ignoredNames?: readonly string[];
  timers?: Timers;
}

export interface LocalSourceEvents {
  /** Paths (relative, `/`-separated, sorted) that were added, changed or removed. */
  changed: [paths: string[]];
  error: [error: Error];
}

/**
 * A directory on disk as a source: watched with chokidar, changes debounced into one
 * `changed` event, so a developer's save syncs within a second. Its revision is the content
 * hash of its files (see `hashDirectory`), read in place.
 */
export class LocalSource extends EventEmitter<LocalSourceEvents> {
  readonly dir: string;
  readonly #debounceMs: number;
  readonly #maxWaitMs: number;
  readonly #ignored: Set<string>;
  readonly #timers: Timers;
  /** Digests of files already hashed, so a revision after one edit reads one file. */
  readonly #fileCache: NonNullable<HashOptions['cache']> = new Map();
  #watcher?: FSWatcher;
  #pending = new Set<string>();
  #timer: unknown;
  #firstPendingAt = 0;
  #closed = false;

  constructor(options: LocalSourceOptions) {
    super();
    this.dir = path.resolve(options.dir);
    this.#debounceMs = options.debounceMs ?? 300;
    this.#maxWaitMs = options.maxWaitMs ?? this.#debounceMs * 10;
    if (!(this.#debounceMs >= 0)) {
      throw gitError('GIT_INVALID_OPTION', `debounceMs must be >= 0, got ${options.debounceMs}`, {});
    }
    this.#ignored = new Set(options.ignoredNames ?? DEFAULT_IGNORED_NAMES);
    this.#timers = options.timers ?? realTimers;
  }

  /** Starts watching; resolves once the initial scan is done, so later edits are all reported. */
  async start(): Promise<void> {
    if (this.#watcher || this.#closed) return;
    await this.#checkDir();
    const watcher = watch(this.dir, {
      ignoreInitial: true,
      ignored: (p: string) => this.#isIgnored(p),
    });
    this.#watcher = watcher;
    // Files only: a directory event alone (an empty directory) changes no content, and removing
    // a directory also reports each file in it.
    watcher.on('all', (event, p) => {
      if (event === 'add' || event === 'change' || event === 'unlink') this.#record(p);
    });
    watcher.on('error', (e) => this.emit('error', e instanceof Error ? e : new Error(String(e))));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  /** The directory's current revision: a SHA-256 content hash (64 hex digits). */
  async revision(): Promise<string> {
    await this.#checkDir();
    return hashDirectory(this.dir, { ignoredNames: [...this.#ignored], cache: this.#fileCache });
  }

  /** Stops watching; pending changes are dropped. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await watcher?.close();
  }

  async #checkDir(): Promise<void> {
    const info = await stat(this.dir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw gitError(
        'GIT_LOCAL_NOT_FOUND',
        `local source directory ${this.dir} does not exist or is not a directory`,
        {
          dir: this.dir,
        },
      );
    }
  }

  #isIgnored(p: string): boolean {
    const rel = path.isAbsolute(p) ? path.relative(this.dir, p) : p;
    return rel.split(path.sep).some((part) => this.#ignored.has(part));
  }

  #record(p: string): void {
    if (this.#closed) return;
    const rel = path.relative(this.dir, path.resolve(this.dir, p)).split(path.sep).join('/');
    if (this.#pending.size === 0) this.#firstPendingAt = this.#timers.now().getTime();
    this.#pending.add(rel);
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    // Debounce, but never hold changes back longer than maxWait during a stream of writes.
    const waited = this.#timers.now().getTime() - this.#firstPendingAt;
    const delay = Math.min(this.#debounceMs, Math.max(0, this.#maxWaitMs - waited));
    this.#timer = this.#timers.setTimeout(() => this.#flush(), delay);
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#closed || this.#pending.size === 0) return;
    const paths = [...this.#pending].sort();
    this.#pending.clear();
    this.emit('changed', paths);
  }
}
