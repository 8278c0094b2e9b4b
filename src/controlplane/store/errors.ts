/**
 * The store's errors. A `StoreError` carries the `reason` callers branch on (the API layer
 * maps NotFound → 404, AlreadyExists/Conflict → 409, Expired → 410); the `code`
 * (`STORE_NOT_FOUND`, …) is the stable CapstanError code for logs and docs. Problems
 * opening the database are plain CapstanErrors (`STORE_*`), since no caller retries them.
 */
import { CapstanError } from '../../core/index.js';
import type { StoreErrorReason, StoreKey } from './types.js';

const codes: Record<StoreErrorReason, string> = {
  NotFound: 'STORE_NOT_FOUND',
  AlreadyExists: 'STORE_ALREADY_EXISTS',
  Conflict: 'STORE_CONFLICT',
  Expired: 'STORE_EXPIRED',
  Closed: 'STORE_CLOSED',
};

/** A store operation that failed for a reason the caller can act on. */
export class StoreError extends CapstanError {
  readonly reason: StoreErrorReason;

  constructor(reason: StoreErrorReason, message: string, data: Record<string, unknown> = {}) {
    super(codes[reason], message, data);
    this.name = 'StoreError';
    this.reason = reason;
  }
}

/** `apps/deployments default/web`, or `namespaces web` for a cluster-scoped key. */
export function describeKey(key: StoreKey): string {
  const resource = key.group ? `${key.group}/${key.resource}` : key.resource;
  return key.namespace ? `${resource} ${key.namespace}/${key.name}` : `${resource} ${key.name}`;
}

/** The key does not exist (update or delete). */
export function notFound(key: StoreKey): StoreError {
  return new StoreError('NotFound', `${describeKey(key)} not found`, { key });
}

/** A create found the key already present. */
export function alreadyExists(key: StoreKey): StoreError {
  return new StoreError('AlreadyExists', `${describeKey(key)} already exists`, { key });
}

/** A conditional write found another revision than the one it was based on. */
export function conflict(key: StoreKey, expected: number, actual: number): StoreError {
  return new StoreError(
    'Conflict',
    `${describeKey(key)} has revision ${actual}, not the expected ${expected}: it was changed since it was read; read it again and retry`,
    { key, expectedRevision: expected, revision: actual },
  );
}

/** A watch asked for events the history no longer holds. */
export function expired(fromRevision: number, oldest: number): StoreError {
  return new StoreError(
    'Expired',
    `revision ${fromRevision} is older than the oldest watchable revision ${oldest}: list again and watch from the list's revision`,
    { fromRevision, oldestWatchableRevision: oldest },
  );
}

/** Any call after `close()`. */
export function closed(): StoreError {
  return new StoreError('Closed', 'the store is closed');
}

/** A key or option the store cannot hold: a programming error in the caller, not a user's. */
export function invalidArgument(message: string, data: Record<string, unknown> = {}): CapstanError {
  return new CapstanError('STORE_INVALID_ARGUMENT', message, data);
}
