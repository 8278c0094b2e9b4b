/**
 * Delivers committed events to watch callbacks. Each watch has its own queue, filled
 * synchronously (the replay when it starts, then every commit), and all queues are
 * drained in one microtask after the code that filled them returns: delivery never runs
 * inside a writer's call stack, and since filling is synchronous nothing can slip in
 * between a watch's replay and its first live event.
 */
import { resourceId, underPrefix } from './keys.js';
import type { StoreEvent, StorePrefix, StoreWatch } from './types.js';

class Watcher implements StoreWatch {
  queue: StoreEvent[] = [];
  stopped = false;

  constructor(
    readonly prefix: StorePrefix,
    /** events up to this revision are not delivered (a watch may start from a future revision) */
    readonly after: number,
    readonly onEvent: (e: StoreEvent) => void,
    private readonly registry: WatcherRegistry,
  ) {}

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue = [];
    this.registry.remove(this);
  }
}

/** The live watches, indexed by resource so a commit only visits the watches it concerns. */
export class WatcherRegistry {
  private readonly byResource = new Map<string, Set<Watcher>>();
  private pending = new Set<Watcher>();
  private scheduled = false;

  /**
   * Starts a watch whose first events are `replay`; later events come from `publish`,
   * those up to revision `after` excepted.
   */
  add(
    prefix: StorePrefix,
    after: number,
    replay: StoreEvent[],
    onEvent: (e: StoreEvent) => void,
  ): StoreWatch {
    const watcher = new Watcher({ ...prefix }, after, onEvent, this);
    const id = resourceId(prefix.group, prefix.resource);
    let set = this.byResource.get(id);
    if (!set) {
      set = new Set();
      this.byResource.set(id, set);
    }
    set.add(watcher);
    if (replay.length > 0) {
      watcher.queue = replay;
      this.markPending(watcher);
    }
    return watcher;
  }

  /** Queues a committed event for every watch whose prefix it falls under. */
  publish(event: StoreEvent): void {
    const set = this.byResource.get(resourceId(event.key.group, event.key.resource));
    if (!set) return;
    for (const watcher of set) {
      if (event.revision <= watcher.after || !underPrefix(event.key, watcher.prefix)) continue;
      watcher.queue.push(event);
      this.markPending(watcher);
    }
  }

  /** Stops every watch (events already queued are dropped). */
  stopAll(): void {
    for (const set of [...this.byResource.values()]) for (const w of [...set]) w.stop();
  }

  remove(watcher: Watcher): void {
    const id = resourceId(watcher.prefix.group, watcher.prefix.resource);
    const set = this.byResource.get(id);
    set?.delete(watcher);
    if (set?.size === 0) this.byResource.delete(id);
    this.pending.delete(watcher);
  }

  private markPending(watcher: Watcher): void {
    this.pending.add(watcher);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Set();
    for (const watcher of batch) {
      const events = watcher.queue;
      watcher.queue = [];
      for (const event of events) {
        if (watcher.stopped) break;
        try {
          watcher.onEvent(event);
        } catch (e) {
          // A throwing callback is the watcher's bug; the others (and its own later
          // events) must still be delivered, so report it and carry on.
          process.emitWarning(
            `a store watch callback threw on ${event.type} revision ${event.revision}: ${(e as Error)?.stack ?? String(e)}`,
            { code: 'CAPSTAN_STORE_WATCH_CALLBACK' },
          );
        }
      }
    }
  }
}
