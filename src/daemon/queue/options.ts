/**
 * Settings shared by both queues, their defaults, and the checks on settings and requests.
 */
import { CapstanError } from '../../core/index.js';
import type { SyncJob, SyncPriority, SyncRequest } from './types.js';

/** How a failed sync is retried. */
export interface RetryOptions {
  /** Runs of one request, the first included (default 5); 1 means never retry. */
  attempts?: number;
  /** Delay before the second run (default 1 s); it doubles for each further run. */
  baseDelayMs?: number;
  /** Cap on the delay (default 5 min). */
  maxDelayMs?: number;
}

/** Settings common to every `SyncQueue`. */
export interface SyncQueueOptions {
  /** Syncs this queue runs at once (default 4); with BullMQ, per replica. */
  concurrency?: number;
  retry?: RetryOptions;
  /** Called once for a request dropped after its last attempt, with the last error. */
  onFailed?: (job: SyncJob, error: unknown) => void;
  /** Called for the queue's own troubles (Redis unreachable, …); default: a process warning. */
  onError?: (error: unknown) => void;
  /** Default grace period of `close()` (25 s: inside Kubernetes' default 30 s termination grace). */
  graceMs?: number;
}

/** `SyncQueueOptions` with every default filled in. */
export interface ResolvedQueueOptions {
  concurrency: number;
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  graceMs: number;
  onFailed: (job: SyncJob, error: unknown) => void;
  onError: (error: unknown) => void;
}

export const QUEUE_DEFAULTS = {
  concurrency: 4,
  attempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 300_000,
  graceMs: 25_000,
} as const;

/** Fills in defaults and refuses nonsense with `QUEUE_INVALID_OPTION`. */
export function resolveQueueOptions(options: SyncQueueOptions): ResolvedQueueOptions {
  const r = options.retry ?? {};
  const resolved = {
    concurrency: options.concurrency ?? QUEUE_DEFAULTS.concurrency,
    attempts: r.attempts ?? QUEUE_DEFAULTS.attempts,
    baseDelayMs: r.baseDelayMs ?? QUEUE_DEFAULTS.baseDelayMs,
    maxDelayMs: r.maxDelayMs ?? QUEUE_DEFAULTS.maxDelayMs,
    graceMs: options.graceMs ?? QUEUE_DEFAULTS.graceMs,
  };
  positiveInteger('concurrency', resolved.concurrency);
  positiveInteger('retry.attempts', resolved.attempts);
  nonNegative('retry.baseDelayMs', resolved.baseDelayMs);
  nonNegative('retry.maxDelayMs', resolved.maxDelayMs);
  nonNegative('graceMs', resolved.graceMs);
  return {
    ...resolved,
    onFailed: options.onFailed ?? (() => {}),
    onError: options.onError ?? warn,
  };
}

export function positiveInteger(option: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new CapstanError(
      'QUEUE_INVALID_OPTION',
      `${option} must be a positive integer, got ${String(value)}`,
      {
        option,
        value,
      },
    );
  }
}

export function nonNegative(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new CapstanError('QUEUE_INVALID_OPTION', `${option} must be a number ≥ 0, got ${String(value)}`, {
      option,
      value,
    });
  }
}

function warn(error: unknown): void {
  process.emitWarning(`sync queue: ${(error as Error)?.message ?? String(error)}`, {
    code: 'CAPSTAN_SYNC_QUEUE',
  });
}

/**
 * The delay before run `attempt + 1` of a request whose run `attempt` failed:
 * `baseDelayMs × 2^(attempt − 1)`, capped. With the defaults (1 s, 5 min): 1, 2, 4, 8 s; the
 * 10th failure would wait 512 s and so waits the 300 s cap.
 */
export function retryDelayMs(
  attempt: number,
  o: Pick<ResolvedQueueOptions, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const delay = o.baseDelayMs * 2 ** (attempt - 1);
  return delay > o.maxDelayMs ? o.maxDelayMs : delay;
}

/** Higher runs first. */
export const PRIORITY_RANK: Record<SyncPriority, number> = { manual: 3, webhook: 2, poll: 1 };
const BY_RANK: SyncPriority[] = ['poll', 'poll', 'webhook', 'manual'];

export function priorityOfRank(rank: number): SyncPriority {
  return BY_RANK[rank] ?? 'poll';
}

/** The higher of two priorities. */
export function higherPriority(a: SyncPriority, b: SyncPriority): SyncPriority {
  return PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b;
}

/** Refuses a malformed request with `QUEUE_INVALID_REQUEST`; returns a copy holding only the known fields. */
export function checkRequest(req: SyncRequest): SyncRequest {
  const bad = (field: string, why: string): never => {
    throw new CapstanError('QUEUE_INVALID_REQUEST', `sync request: ${field} ${why}`, { field });
  };
  if (typeof req !== 'object' || req === null) bad('request', 'must be an object');
  if (typeof req.app !== 'string' || req.app === '') bad('app', 'must be a non-empty string');
  if (typeof req.revision !== 'string' || req.revision === '') bad('revision', 'must be a non-empty string');
  if (!Object.hasOwn(PRIORITY_RANK, req.priority)) bad('priority', 'must be manual, webhook or poll');
  if (typeof req.reason !== 'string') bad('reason', 'must be a string');
  if (typeof req.requestedAt !== 'number' || !Number.isFinite(req.requestedAt)) {
    bad('requestedAt', 'must be a time in ms since the epoch');
  }
  const { app, revision, priority, reason, requestedAt } = req;
  return { app, revision, priority, reason, requestedAt };
}

/** The error a closed queue refuses work with. */
export function closedError(what: string): CapstanError {
  return new CapstanError('QUEUE_CLOSED', `the sync queue is closed: cannot ${what}`);
}
