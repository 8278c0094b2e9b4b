/**
 * Writes a watch stream's lines without letting a client that stops reading hold the
 * server's memory. Lines go to the response while its socket takes them; once `write()`
 * says the socket is full they wait in a queue until 'drain', and a watch whose queue of
 * live events passes its budget is dropped: kube-apiserver's cacher does the same to a
 * watcher whose channel stays full ("Forcing … watcher close due to unresponsiveness",
 * k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go), and the client watches again
 * from the last resourceVersion it saw, or lists again.
 *
 * Hand-written: a stream library would buffer the same bytes without a budget.
 */
import type { ServerResponse } from 'node:http';
import type { JsonObject } from '../../../core/index.js';
import type { WatchEventType } from '../types.js';
import { eventLine } from './watch-lines.js';

/** An event of the opening burst, encoded only when the socket takes it. */
interface PendingEvent {
  type: WatchEventType;
  object: JsonObject;
}

export class WatchWriter {
  /** lines the socket has not taken yet; `head` is the next one (no O(n) shift per line) */
  private queue: (Buffer | PendingEvent)[] = [];
  private head = 0;
  /** queued lines of the opening burst: always the first ones in the queue */
  private openingLines = 0;
  private liveBytes = 0;
  private opening = true;
  private waiting = false;
  private dropped = false;

  constructor(
    private readonly res: ServerResponse,
    /** bytes of live events that may wait for the client */
    private readonly budget: number,
    /** called once when the client falls further behind than the budget */
    private readonly onOverflow: (queuedBytes: number) => void,
  ) {
    res.on('drain', () => this.flush());
  }

  /**
   * Ends the opening burst. The initial ADDED events or the replay from an old
   * resourceVersion are a snapshot the client asked for, bounded by what the store holds;
   * the budget applies to what comes after them.
   */
  endOpening(): void {
    this.opening = false;
  }

  /** true while lines wait for the client: it is behind */
  get behind(): boolean {
    return this.head < this.queue.length;
  }

  write(type: WatchEventType, object: JsonObject): void {
    if (this.dropped) return;
    if (!this.waiting) {
      // write() keeps the line even when it answers false: false only says "stop now"
      if (!this.res.write(eventLine(type, object))) this.waiting = true;
      return;
    }
    if (this.opening) {
      // a stalled client of a large list would otherwise hold a copy of it per watch:
      // keep the (shared, frozen) objects and encode them when the socket takes them
      this.queue.push({ type, object });
      this.openingLines++;
      return;
    }
    const line = eventLine(type, object);
    this.queue.push(line);
    this.liveBytes += line.length;
    // one event larger than the budget may always wait: only a client that keeps
    // falling behind is dropped
    if (this.liveBytes > this.budget && this.queue.length - this.head - this.openingLines > 1) {
      this.dropped = true;
      this.discard();
      this.onOverflow(this.liveBytes);
    }
  }

  /** Hands every waiting line to the response (its end follows them); memory stays bounded by the budget. */
  flushAll(): void {
    while (this.behind) this.res.write(this.take());
    this.discard();
  }

  /** Forgets the waiting lines (the connection is going away). */
  discard(): void {
    this.queue = [];
    this.head = 0;
    this.openingLines = 0;
    this.liveBytes = 0;
  }

  private take(): Buffer {
    const item = this.queue[this.head++];
    if (this.openingLines > 0) {
      this.openingLines--;
      return Buffer.isBuffer(item) ? item : eventLine(item.type, item.object);
    }
    const line = item as Buffer;
    this.liveBytes -= line.length;
    return line;
  }

  private flush(): void {
    this.waiting = false;
    while (this.behind) {
      if (!this.res.write(this.take())) {
        this.waiting = true;
        break;
      }
    }
    if (!this.behind) this.discard();
    else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
