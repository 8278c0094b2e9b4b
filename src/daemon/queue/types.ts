/**
 * The sync queue's contract, shared by the in-process and the BullMQ implementation: what a
 * trigger (webhook, poll, CLI) puts in, what a worker gets out, and the guarantees between.
 */

/** Why a sync was asked for; `manual` runs before `webhook`, and both before `poll`. */
export type SyncPriority = 'manual' | 'webhook' | 'poll';

/** One request to sync an application to a revision. */
export interface SyncRequest {
  app: string;
  revision: string;
  priority: SyncPriority;
  /** For people: "push to main by alice", "poll", … */
  reason: string;
  /** When the trigger asked, in ms since the epoch. */
  requestedAt: number;
}

/** A request as handed to a handler: `attempt` counts from 1 and grows only when the handler throws. */
export type SyncJob = SyncRequest & { attempt: number };

/**
 * Runs one sync. Its `signal` aborts when the queue closes past its grace period (the request
 * is then handed back) or, for BullMQ, when this replica lost the application's lock; the
 * handler should stop promptly, since the application stays locked until it returns.
 */
export type SyncHandler = (job: SyncJob, signal: AbortSignal) => Promise<void>;

/** What the API and the dashboard show: every application's pending and running sync. */
export interface SyncQueueSnapshot {
  /** In the order they would run: priority, then the time the application started waiting. */
  pending: SyncJob[];
  running: SyncJob[];
}

/**
 * A queue of syncs with, whatever the implementation:
 * - at most one pending sync per application: a newer request supersedes the pending one
 *   (its revision wins; the higher priority of the two is kept, and the attempt count restarts);
 * - at most one running sync per application (across every replica sharing the queue); a
 *   request for a running application waits for that run to end, then runs once;
 * - `manual` before `webhook` before `poll` among waiting applications; bounded concurrency;
 * - a thrown handler is retried with exponential backoff unless a newer request arrived
 *   meanwhile (that one runs instead); after the last attempt it is dropped and reported;
 * - `close()` finishes or hands back running syncs.
 */
export interface SyncQueue {
  /** Records a request; resolves once it is durable for this implementation (in memory, or in Redis). */
  enqueue(req: SyncRequest): Promise<void>;
  /** Starts taking work with `handler`; at most once per queue. */
  process(handler: SyncHandler): void;
  /**
   * Stops taking work, waits up to `graceMs` for running syncs, then aborts those still running
   * and hands their requests back (pending again, for another replica or the next start, unless
   * a newer request is already pending). Resolves once every handler has returned. Idempotent.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
  /** Pending and running syncs, for the API and the dashboard. */
  snapshot(): Promise<SyncQueueSnapshot>;
}
