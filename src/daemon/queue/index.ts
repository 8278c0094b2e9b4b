/**
 * The sync queue: every trigger (webhook, poll, CLI, API) enqueues a `SyncRequest`; the
 * reconciler's workers process them. In process by default; on Redis through BullMQ when a
 * Redis URL is configured, so that several daemon replicas share the work. This file is the
 * component's only public face.
 */
import { BullMqSyncQueue, type BullMqSyncQueueOptions } from './bullmq-queue.js';
import { MemorySyncQueue, type MemorySyncQueueOptions } from './memory-queue.js';
import type { SyncQueue } from './types.js';

export type {
  SyncHandler,
  SyncJob,
  SyncPriority,
  SyncQueue,
  SyncQueueSnapshot,
  SyncRequest,
} from './types.js';
export { QUEUE_DEFAULTS, retryDelayMs, type RetryOptions, type SyncQueueOptions } from './options.js';
export { MemorySyncStore, type FailOutcome } from './memory-store.js';
export { MemorySyncQueue, type MemorySyncQueueOptions } from './memory-queue.js';
export { BullMqSyncQueue, type BullMqSyncQueueOptions } from './bullmq-queue.js';

/** Settings of `createSyncQueue`: a `redisUrl` selects BullMQ, its absence the in-process queue. */
export type CreateSyncQueueOptions = MemorySyncQueueOptions &
  Omit<BullMqSyncQueueOptions, 'redisUrl'> & {
    /** When set (and not empty), the queue lives in this Redis, shared by every replica. */
    redisUrl?: string;
  };

/** The BullMQ queue when `redisUrl` is given, else the in-process one. */
export function createSyncQueue(options: CreateSyncQueueOptions = {}): SyncQueue {
  const { redisUrl, store, clock, queueName, prefix, lockTtlMs, lockedRetryMs, sweepEveryMs, ...common } =
    options;
  if (redisUrl) {
    return new BullMqSyncQueue({
      ...common,
      redisUrl,
      queueName,
      prefix,
      lockTtlMs,
      lockedRetryMs,
      sweepEveryMs,
    });
  }
  return new MemorySyncQueue({ ...common, store, clock });
}
