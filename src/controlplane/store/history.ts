/**
 * The last `capacity` watch events of all resources, in revision order: what a watch
 * from an older revision replays. Kept in memory only, like the kube-apiserver's watch
 * cache: after a restart nothing is retained and watches start from the current revision.
 */
import type { StoreEvent } from './types.js';

/** A ring buffer of events with ascending revisions. */
export class EventHistory {
  private readonly ring: StoreEvent[] = [];
  /** position of the oldest event in `ring` once it is full */
  private head = 0;
  private oldest: number;

  /** `revision`: the store's revision when the history starts (nothing before it is retained). */
  constructor(
    private readonly capacity: number,
    revision: number,
  ) {
    this.oldest = revision;
  }

  /** The oldest revision a watch may start from: every event after it is retained. */
  get oldestWatchable(): number {
    return this.oldest;
  }

  append(event: StoreEvent): void {
    if (this.capacity === 0) {
      this.oldest = event.revision;
      return;
    }
    if (this.ring.length < this.capacity) {
      this.ring.push(event);
      return;
    }
    // Full: the oldest event makes room, and a watch from its revision still sees all after it.
    this.oldest = this.ring[this.head].revision;
    this.ring[this.head] = event;
    this.head = (this.head + 1) % this.capacity;
  }

  /** The retained events with a revision above `revision`, oldest first. */
  since(revision: number, accept: (e: StoreEvent) => boolean): StoreEvent[] {
    const n = this.ring.length;
    const at = (i: number) => this.ring[(this.head + i) % n];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const out: StoreEvent[] = [];
    for (let i = lo; i < n; i++) {
      const e = at(i);
      if (accept(e)) out.push(e);
    }
    return out;
  }
}
