/**
 * Plans one group commit: the queued requests (single writes and transactions) are
 * checked in order against the committed objects plus the effect of the requests before
 * them, so each keeps its own preconditions and a failed one changes nothing. Checking
 * in memory instead of with a SAVEPOINT per write keeps the SQLite transaction to plain
 * row writes. Successful writes take consecutive revisions; the plan's rows are then
 * committed at once and its outcomes applied only after COMMIT returns.
 */
import type { JsonObject } from '../../core/index.js';
import type { RowChange } from './database.js';
import { alreadyExists, conflict, notFound, StoreError } from './errors.js';
import { deepFreeze, restamped, stamp } from './values.js';
import type { StoredObject, StoreEvent, StoreKey } from './types.js';

/** A write whose key (frozen) and value are already the store's own copies (see values.ts). */
export type OwnedWrite =
  | { op: 'create'; key: StoreKey; value: JsonObject }
  | { op: 'update'; key: StoreKey; value: JsonObject; expectedRevision?: number }
  | { op: 'delete'; key: StoreKey; expectedRevision?: number };

/** One queued call: `create`/`update`/`delete` (one write) or `transaction` (all or none). */
export interface WriteRequest {
  writes: OwnedWrite[];
  transaction: boolean;
  resolve(results: StoredObject[]): void;
  reject(error: Error): void;
}

/** A write that passed its checks: its result and the event it will publish once committed. */
export interface AppliedWrite {
  result: StoredObject;
  event: StoreEvent;
}

/** What a request will do if the batch commits. */
export type Outcome = { ok: true; applied: AppliedWrite[] } | { ok: false; error: StoreError };

/** A batch ready to commit: the rows, the revision after it, one outcome per request. */
export interface BatchPlan {
  rows: RowChange[];
  revision: number;
  outcomes: Outcome[];
}

type Lookup = (key: StoreKey) => StoredObject | undefined;

const fullId = (k: StoreKey) => `${k.group}/${k.resource}/${k.namespace}/${k.name}`;

/** Checks and stamps the requests in order, starting after `revision`. */
export function planBatch(requests: WriteRequest[], committed: Lookup, revision: number): BatchPlan {
  // Objects written (or deleted: null) by earlier requests of this batch.
  const batch = new Map<string, StoredObject | null>();
  const inBatch = (key: StoreKey) => {
    const v = batch.get(fullId(key));
    return v === undefined ? committed(key) : (v ?? undefined);
  };
  const plan: BatchPlan = { rows: [], revision, outcomes: [] };
  for (const request of requests) {
    const local = new Map<string, StoredObject | null>();
    const lookup = (key: StoreKey) => {
      const v = local.get(fullId(key));
      return v === undefined ? inBatch(key) : (v ?? undefined);
    };
    const rows: RowChange[] = [];
    const applied: AppliedWrite[] = [];
    let next = plan.revision;
    let error: StoreError | undefined;
    for (let i = 0; i < request.writes.length && !error; i++) {
      const write = request.writes[i];
      const before = lookup(write.key);
      error = check(write, before);
      if (error) {
        if (request.transaction) error = inTransaction(error, i, request.writes.length);
        break;
      }
      next += 1;
      const key = write.key;
      if (write.op === 'delete') {
        const last = before as StoredObject;
        const result = Object.freeze({ key, revision: next, value: restamped(last.value, next) });
        local.set(fullId(key), null);
        rows.push({ op: 'delete', key });
        applied.push({ result, event: event('DELETED', result, last.value) });
      } else {
        stamp(write.value, next);
        const json = JSON.stringify(write.value);
        const result = Object.freeze({ key, revision: next, value: deepFreeze(write.value) });
        local.set(fullId(key), result);
        rows.push({ op: 'put', key, revision: next, json });
        applied.push({ result, event: event(before ? 'MODIFIED' : 'ADDED', result, before?.value) });
      }
    }
    if (error) {
      plan.outcomes.push({ ok: false, error });
      continue;
    }
    for (const [id, v] of local) batch.set(id, v);
    plan.rows.push(...rows);
    plan.revision = next;
    plan.outcomes.push({ ok: true, applied });
  }
  return plan;
}

function check(write: OwnedWrite, before: StoredObject | undefined): StoreError | undefined {
  if (write.op === 'create') return before ? alreadyExists(write.key) : undefined;
  if (!before) return notFound(write.key);
  if (write.expectedRevision !== undefined && write.expectedRevision !== before.revision) {
    return conflict(write.key, write.expectedRevision, before.revision);
  }
  return undefined;
}

function inTransaction(error: StoreError, index: number, count: number): StoreError {
  return new StoreError(
    error.reason,
    `transaction write ${index + 1} of ${count} (${error.message}); no write of the transaction was applied`,
    { ...error.data, index },
  );
}

function event(type: StoreEvent['type'], result: StoredObject, previous?: JsonObject): StoreEvent {
  const e: StoreEvent = { type, key: result.key, revision: result.revision, value: result.value };
  if (previous) e.previous = previous;
  return Object.freeze(e);
}
