/**
 * The long-running responses a handler serves (watches, followed logs): ended together
 * when the server closes, and watches counted per client so that one client cannot open
 * them without end. Only HTTP clients pass through here: the controllers, the kubelet
 * and the embedded cluster driver watch the in-process Api and are never counted.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

/** kube-apiserver asks throttled clients to come back after 1 s; client-go then retries by itself. */
const RETRY_AFTER_SECONDS = 1;

/** The client a request counts against: its remote address (IPv4 the same however the socket names it). */
export function clientOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** 429 with a Status and Retry-After, as kube-apiserver answers a client over its limits. */
export function tooManyWatches(limit: number): ApiError {
  return new ApiError(
    429,
    'TooManyRequests',
    `Too many requests: this client already has ${limit} watches open, the most one client may hold; close some or try again later`,
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
  );
}

export class OpenStreams {
  private readonly ends = new Set<() => void>();
  private readonly watchesOf = new Map<string, number>();

  /** how many streams are open */
  get size(): number {
    return this.ends.size;
  }

  /** Tracks a stream that `end` ends; returns the function that forgets it (idempotent). */
  track(end: () => void): () => void {
    this.ends.add(end);
    return () => {
      this.ends.delete(end);
    };
  }

  /**
   * Tracks a watch of `client`, or throws a 429 when the client already holds
   * `maxPerClient` (0: no limit).
   */
  trackWatch(client: string, maxPerClient: number, end: () => void): () => void {
    const held = this.watchesOf.get(client) ?? 0;
    if (maxPerClient > 0 && held >= maxPerClient) throw tooManyWatches(maxPerClient);
    this.watchesOf.set(client, held + 1);
    const untrack = this.track(end);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      untrack();
      const left = (this.watchesOf.get(client) ?? 1) - 1;
      if (left > 0) this.watchesOf.set(client, left);
      else this.watchesOf.delete(client);
    };
  }

  /** Ends every open stream. */
  endAll(): void {
    for (const end of [...this.ends]) end();
  }
}
