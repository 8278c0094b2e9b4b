/**
 * A watch that outlives the streams under it, as client-go's reflector does: list, then
 * watch from the list's resourceVersion; when the server ends a stream (timeout, ERROR
 * event, lost connection) watch again from the last resourceVersion seen; when that
 * resourceVersion has expired (410), list again and emit only what really changed while
 * no stream ran. Both drivers use it: only opening a stream and listing differ.
 * https://github.com/kubernetes/client-go/blob/master/tools/cache/reflector.go
 */
import { setTimer, type JsonObject, type KubeObject } from '../core/index.js';
import { isTransient } from './errors.js';
import { ClusterError, type ClusterWatch, type ClusterWatchEvent } from './types.js';

export interface WatchStream {
  stop(): void;
}

/** What a driver provides: one list, one stream. */
export interface WatchBackend {
  /** every current object (all pages) and the resourceVersion to watch from */
  list(): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /**
   * Opens a stream of the changes after `resourceVersion`; rejects with a ClusterError when
   * it cannot (status 410 when the resourceVersion is too old). `onEvent` hears every event,
   * ERROR ones too (with a Status); `onEnd` when the server ends the stream, with why if it
   * failed.
   */
  open(
    resourceVersion: string,
    onEvent: (type: string, object: JsonObject) => void,
    onEnd: (error?: ClusterError) => void,
  ): Promise<WatchStream>;
  /** the ClusterError a Status of an ERROR event stands for */
  statusError(status: JsonObject): ClusterError;
}

export interface ResumeOptions {
  /** consecutive failures (unreachable, 5xx, 429) tolerated before `onError` (default 6) */
  attempts?: number;
  /** first delay after a failure, doubled each time (default 250 ms) … */
  delayMs?: number;
  /** … up to this (default 10 s) */
  maxDelayMs?: number;
  /** the clock, for tests */
  now?: () => number;
}

/** A stream that ends sooner than this after opening, without events, waits before the next. */
const QUICK_END_MS = 1000;

/**
 * Starts the watch: resolves once the first stream runs (rejects with a ClusterError when it
 * cannot start); `startAfter` skips the initial list. The watch is in `live` until it stops
 * (by `stop()`, or giving up), so that a driver's close() can stop what still runs.
 */
export async function resumableWatch(
  backend: WatchBackend,
  startAfter: string | undefined,
  onEvent: (event: ClusterWatchEvent) => void,
  onError: ((error: ClusterError) => void) | undefined,
  options: ResumeOptions,
  live: Set<ClusterWatch>,
): Promise<ClusterWatch> {
  const watch = new ResumableWatch(backend, onEvent, onError, options, live);
  live.add(watch);
  try {
    await watch.start(startAfter);
  } catch (e) {
    watch.stop();
    throw e;
  }
  return watch;
}

class ResumableWatch implements ClusterWatch {
  /** what the consumer was last told of each object, by namespace/name */
  private readonly known = new Map<string, KubeObject>();
  private resourceVersion = '';
  private stream: WatchStream | undefined;
  /** bumped for each stream: events and ends of an older stream are ignored */
  private generation = 0;
  private openedAt = 0;
  private delivered = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly attempts: number;
  private readonly delayMs: number;
  private readonly maxDelayMs: number;
  private readonly now: () => number;

  constructor(
    private readonly backend: WatchBackend,
    private readonly onEvent: (event: ClusterWatchEvent) => void,
    private readonly onError: ((error: ClusterError) => void) | undefined,
    options: ResumeOptions,
    private readonly live: Set<ClusterWatch>,
  ) {
    this.attempts = options.attempts ?? 6;
    this.delayMs = options.delayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async start(startAfter: string | undefined): Promise<void> {
    if (startAfter) {
      try {
        await this.open(startAfter);
        return;
      } catch (e) {
        // too old to resume from: begin from the current state instead
        if (!(e instanceof ClusterError && e.status === 410)) throw e;
      }
    }
    await this.relist();
    await this.open(this.resourceVersion);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.live.delete(this);
    this.known.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    this.stream?.stop();
    this.stream = undefined;
  }

  private async open(resourceVersion: string): Promise<void> {
    const generation = ++this.generation;
    this.resourceVersion = resourceVersion;
    this.openedAt = this.now();
    this.delivered = false;
    const stream = await this.backend.open(
      resourceVersion,
      (type, object) => this.streamEvent(generation, type, object),
      (error) => {
        if (generation === this.generation && !this.stopped) this.recover(error, false);
      },
    );
    if (this.stopped || generation !== this.generation) {
      stream.stop();
      return;
    }
    this.stream = stream;
    this.failures = 0;
  }

  private streamEvent(generation: number, type: string, object: JsonObject): void {
    if (generation !== this.generation || this.stopped) return;
    const meta = (object.metadata ?? {}) as { resourceVersion?: string };
    if (type === 'ERROR') {
      this.recover(this.backend.statusError(object), false);
      return;
    }
    if (meta.resourceVersion) this.resourceVersion = meta.resourceVersion;
    this.delivered = true;
    this.failures = 0;
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return; // BOOKMARK
    const obj = object as unknown as KubeObject;
    const key = keyOf(obj);
    const before = this.known.get(key);
    if (type === 'DELETED') {
      this.known.delete(key);
      this.emit({ type, object: obj });
      return;
    }
    // a change already told (pages of a list overlap the stream that follows them)
    if (before && sameVersion(before, obj)) return;
    this.known.set(key, obj);
    // an ADDED for what the consumer already has (it may not have all: `startAfter`)
    this.emit({ type: before ? 'MODIFIED' : type, object: obj });
  }

  /** Lists, and tells the consumer only what differs from what it was told. */
  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.backend.list();
    if (this.stopped) return;
    const seen = new Set<string>();
    const changes: ClusterWatchEvent[] = [];
    for (const obj of items) {
      const key = keyOf(obj);
      seen.add(key);
      const before = this.known.get(key);
      if (!before) changes.push({ type: 'ADDED', object: obj });
      else if (uidOf(before) !== uidOf(obj)) {
        // deleted and created again while no stream ran
        changes.push({ type: 'DELETED', object: before }, { type: 'ADDED', object: obj });
      } else if (!sameVersion(before, obj)) changes.push({ type: 'MODIFIED', object: obj });
      this.known.set(key, obj);
    }
    const gone: ClusterWatchEvent[] = [];
    for (const [key, obj] of this.known) {
      if (!seen.has(key)) {
        gone.push({ type: 'DELETED', object: obj });
        this.known.delete(key);
      }
    }
    this.resourceVersion = resourceVersion;
    for (const e of [...gone, ...changes]) this.emit(e);
  }

  /**
   * After a stream ended (or failed to start): list again for an expired resourceVersion,
   * give up on an error only a person can fix or after too many failures, else watch again
   * — at once after a clean end, after a growing delay after a failure.
   */
  private recover(error: ClusterError | undefined, relist: boolean): void {
    if (this.stopped) return;
    this.generation++;
    this.stream?.stop();
    this.stream = undefined;
    let delay = 0;
    if (error?.status === 410) {
      // an expired resourceVersion: list again (counted only when listing itself got the 410)
      if (relist && ++this.failures > this.attempts) return this.fail(error);
      relist = true;
    } else if (error) {
      if (!isTransient(error) || ++this.failures > this.attempts) return this.fail(error);
      delay = Math.min(this.maxDelayMs, this.delayMs * 2 ** (this.failures - 1));
    }
    if (delay === 0 && !this.delivered && this.now() - this.openedAt < QUICK_END_MS) delay = this.delayMs;
    this.timer = setTimer(() => void this.reconnect(relist), delay);
  }

  private async reconnect(relist: boolean): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    let listed = false;
    try {
      if (relist) await this.relist();
      listed = true;
      await this.open(this.resourceVersion);
    } catch (e) {
      const error = e instanceof ClusterError ? e : new ClusterError('InternalError', 500, String(e), [], e);
      this.recover(error, relist && !listed);
    }
  }

  private fail(error: ClusterError): void {
    this.stop();
    this.onError?.(error);
  }

  private emit(event: ClusterWatchEvent): void {
    if (this.stopped) return;
    try {
      this.onEvent(event);
    } catch (e) {
      // the consumer's bug: report it, and keep delivering (its later events, other watches)
      process.emitWarning(`a cluster watch callback threw: ${(e as Error)?.stack ?? String(e)}`, {
        code: 'CAPSTAN_CLUSTER_WATCH_CALLBACK',
      });
    }
  }
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function uidOf(obj: KubeObject): unknown {
  return obj.metadata?.uid;
}

function sameVersion(a: KubeObject, b: KubeObject): boolean {
  return (
    a.metadata?.resourceVersion !== undefined && a.metadata.resourceVersion === b.metadata?.resourceVersion
  );
}
