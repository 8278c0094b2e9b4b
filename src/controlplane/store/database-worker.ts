/**
 * The thread that owns the SQLite file (see database-thread.ts): it opens and loads the
 * database while the opening thread waits, then commits each batch it is sent and answers
 * once COMMIT (and its fsync) has returned.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { Database, type RowChange } from './database.js';

/** What the opening thread hands over. */
export interface WorkerInit {
  dataDir: string;
  /** Int32Array over it: set to 1 and notified once the load's answer is on the port */
  ready: SharedArrayBuffer;
  port: MessagePort;
}

/** A request from the store: commit a batch, or close the file. */
export type WorkerRequest =
  { op: 'commit'; id: number; changes: RowChange[]; revision: number } | { op: 'close'; id: number };

/** An error as it crosses the thread boundary (a CapstanError keeps its code and data). */
export interface WireError {
  message: string;
  code?: string;
  data?: Record<string, unknown>;
}

/** The answers: the load first, then one per request, by id. */
export type WorkerAnswer =
  | { op: 'loaded'; rows: { key: RowChange['key']; revision: number; json: string }[]; revision: number }
  | { op: 'failed'; error: WireError }
  | { op: 'done'; id: number; error?: WireError };

function toWire(e: unknown): WireError {
  const err = e as { message?: string; code?: unknown; data?: unknown };
  const wire: WireError = { message: err?.message ?? String(e) };
  if (typeof err?.code === 'string') wire.code = err.code;
  if (err?.data && typeof err.data === 'object') wire.data = err.data as Record<string, unknown>;
  return wire;
}

const { dataDir, ready, port } = workerData as WorkerInit;
const flag = new Int32Array(ready);
const answer = (a: WorkerAnswer) => port.postMessage(a);

let db: Database | undefined;
try {
  db = new Database(dataDir);
  answer({ op: 'loaded', ...db.load() });
} catch (e) {
  db?.close();
  db = undefined;
  answer({ op: 'failed', error: toWire(e) });
}
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);

if (db) {
  const open = db;
  port.on('message', (req: WorkerRequest) => {
    if (req.op === 'close') {
      // the store ends this thread once it has the answer (closing the port here could
      // end the thread before the answer is read)
      open.close();
      answer({ op: 'done', id: req.id });
      return;
    }
    try {
      open.commit(req.changes, req.revision);
      answer({ op: 'done', id: req.id });
    } catch (e) {
      answer({ op: 'done', id: req.id, error: toWire(e) });
    }
  });
} else {
  port.close();
}
