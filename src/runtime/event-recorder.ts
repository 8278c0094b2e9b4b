/**
 * core/v1 Events as client-go's `tools/record` recorder makes them, for `kubectl describe`
 * and the dashboard. Events are best effort: `event()` returns at once, delivery runs in
 * the background one event at a time, and a failing sink is counted, never thrown.
 *
 * Repeats of the same event (same object, type, reason, message and source; client-go's
 * `getEventKey`, which leaves resourceVersion out) within `aggregationWindowMs` are not new
 * Events but the first one again with `count` + 1 and a new `lastTimestamp` — what
 * client-go's EventLogger sends as a patch. A controller that fails every 5 s for a minute
 * leaves one Event with count 12, not 12 Events.
 */
import type { JsonObject } from '../core/index.js';
import { realClock, toKubeTime, type Clock } from './clock.js';

/** Stores one Event. A repeat (`count` > 1) carries the name of the first occurrence: update it, or create it if gone. */
export type EventSink = (event: JsonObject) => Promise<void>;

export type EventType = 'Normal' | 'Warning';

/** What an event can be about: any object with the usual identity fields. */
export interface EventSubject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** Settings of an `EventRecorder`. */
export interface EventRecorderOptions {
  sink: EventSink;
  /** `source.component` and `reportingComponent`, e.g. `deployment-controller`. */
  component: string;
  /** `source.host` and `reportingInstance` (omitted when absent). */
  host?: string;
  clock?: Clock;
  /** Repeats closer together than this bump the count (default 10 minutes). */
  aggregationWindowMs?: number;
  /** Distinct events remembered for aggregation, oldest dropped first (default 4096, client-go's). */
  maxCacheEntries?: number;
}

interface Seen {
  name: string;
  namespace: string;
  firstTimestamp: string;
  count: number;
  last: number;
}

/** Records Events through a sink, aggregating repeats. */
export class EventRecorder {
  readonly #sink: EventSink;
  readonly #component: string;
  readonly #host: string | undefined;
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  /** Insertion-ordered, re-inserted on use: the first key is the least recently seen. */
  readonly #seen = new Map<string, Seen>();
  #lastNanos = 0n;
  #chain: Promise<void> = Promise.resolve();
  #delivered = 0;
  #failed = 0;

  constructor(options: EventRecorderOptions) {
    this.#sink = options.sink;
    this.#component = options.component;
    this.#host = options.host;
    this.#clock = options.clock ?? realClock;
    this.#windowMs = options.aggregationWindowMs ?? 10 * 60 * 1000;
    this.#maxEntries = options.maxCacheEntries ?? 4096;
  }

  /** Events the sink accepted. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Events lost: the sink rejected them, or the event could not be built. */
  get failed(): number {
    return this.#failed;
  }

  /** Records an event about `object`. Never throws and never waits for the sink. */
  event(object: EventSubject, type: EventType, reason: string, message: string): void {
    let event: JsonObject;
    try {
      event = this.#build(object, type, reason, message);
    } catch {
      this.#failed++;
      return;
    }
    // One delivery at a time, in order: a count bump must not overtake the create it updates.
    this.#chain = this.#chain.then(() => this.#deliver(event));
  }

  /** Resolves once every event recorded so far was delivered or failed. */
  flush(): Promise<void> {
    return this.#chain;
  }

  /** Never rejects, so one failure cannot break the chain for the events after it. */
  async #deliver(event: JsonObject): Promise<void> {
    try {
      await this.#sink(event);
      this.#delivered++;
    } catch {
      this.#failed++;
    }
  }

  #build(object: EventSubject, type: EventType, reason: string, message: string): JsonObject {
    // client-go drops events of any other type; the TypeScript type does not bind JS callers.
    if (type !== 'Normal' && type !== 'Warning') throw new Error(`unsupported event type ${String(type)}`);
    const now = this.#clock.now();
    const time = toKubeTime(now);
    const meta = object.metadata ?? {};
    const involvedObject: JsonObject = {};
    if (object.apiVersion) involvedObject.apiVersion = object.apiVersion;
    if (object.kind) involvedObject.kind = object.kind;
    if (meta.namespace) involvedObject.namespace = meta.namespace;
    involvedObject.name = meta.name ?? '';
    if (meta.uid) involvedObject.uid = meta.uid;
    if (meta.resourceVersion) involvedObject.resourceVersion = meta.resourceVersion;

    const key = JSON.stringify([
      this.#component,
      this.#host ?? '',
      object.apiVersion ?? '',
      object.kind ?? '',
      meta.namespace ?? '',
      meta.name ?? '',
      meta.uid ?? '',
      type,
      reason,
      message,
    ]);
    const at = now.getTime();
    let seen = this.#seen.get(key);
    if (seen && at - seen.last <= this.#windowMs) {
      seen.count++;
      seen.last = at;
    } else {
      // Cluster-scoped objects' events go to `default`, as client-go's makeEvent does.
      seen = {
        name: `${meta.name ?? ''}.${this.#uniqueNanos(at).toString(16)}`,
        namespace: meta.namespace || 'default',
        firstTimestamp: time,
        count: 1,
        last: at,
      };
    }
    this.#remember(key, seen);

    const source: JsonObject = { component: this.#component };
    if (this.#host) source.host = this.#host;
    const event: JsonObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: seen.name, namespace: seen.namespace },
      involvedObject,
      reason,
      message,
      source,
      firstTimestamp: seen.firstTimestamp,
      lastTimestamp: time,
      count: seen.count,
      type,
      eventTime: null,
      reportingComponent: this.#component,
    };
    if (this.#host) event.reportingInstance = this.#host;
    return event;
  }

  /**
   * The name suffix is the time in Unix nanoseconds, in hex. A JS clock has millisecond
   * resolution, so two events about one object in the same millisecond would share a name
   * (Go's nanoseconds practically never do); the second takes the next nanosecond instead:
   * 1704067200000 ms → `x.17a6101701650000`, then `x.17a6101701650001`.
   */
  #uniqueNanos(ms: number): bigint {
    let nanos = BigInt(ms) * 1_000_000n;
    if (nanos <= this.#lastNanos) nanos = this.#lastNanos + 1n;
    this.#lastNanos = nanos;
    return nanos;
  }

  #remember(key: string, seen: Seen): void {
    this.#seen.delete(key);
    this.#seen.set(key, seen);
    if (this.#seen.size > this.#maxEntries) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}
