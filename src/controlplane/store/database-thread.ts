/**
 * The store's SQLite file on a thread of its own. A COMMIT with `synchronous = FULL` waits
 * for its fsync (milliseconds, far more on a busy disk); on the event loop's thread that
 * wait stopped every request and controller. Here the loop goes on while a batch commits,
 * and the store acknowledges the batch's writes only when the thread answers that COMMIT
 * returned: durable before acknowledged, as before.
 *
 * Opening stays synchronous (the caller waits on a shared flag while the thread opens,
 * locks and loads the file), so a locked or foreign file still fails `openStore` itself.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { CapstanError } from '../../core/index.js';
import type { LoadedRow, RowChange } from './database.js';
import type { WireError, WorkerAnswer, WorkerInit, WorkerRequest } from './database-worker.js';

// the worker runs this build's own file: .ts under tsx (tests), .js from dist
const WORKER_FILE = new URL(
  `./database-worker${path.extname(new URL(import.meta.url).pathname)}`,
  import.meta.url,
);
/**
 * The worker's entry: loads WORKER_FILE with `require` where a loader hook provides it (tsx
 * compiles .ts there; its ESM hooks do not reach worker threads), else with `import`; a
 * failure to load is answered on the port, since the opening thread is not listening for
 * the worker's 'error' event while it waits.
 */
const BOOT = new URL(
  `data:text/javascript,${encodeURIComponent(`
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';
try {
  try {
    createRequire(workerData.file)(workerData.file);
  } catch (e) {
    if (e?.code !== 'ERR_REQUIRE_ESM') throw e;
    await import(pathToFileURL(workerData.file).href);
  }
} catch (e) {
  workerData.port.postMessage({ op: 'failed', error: { message: String(e?.message ?? e) } });
  const flag = new Int32Array(workerData.ready);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
`)}`,
);
/** How long opening may take before the store gives up (a stuck disk, a thread that never started). */
const OPEN_TIMEOUT_MS = 30_000;

function fromWire(e: WireError): Error {
  return e.code ? new CapstanError(e.code, e.message, e.data ?? {}) : new Error(e.message);
}

interface Pending {
  resolve(): void;
  reject(e: Error): void;
}

/** The database, opened and loaded on its thread; commits answer asynchronously. */
export class DatabaseThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** set when the thread died: every later request fails with it */
  private broken: Error | undefined;
  /** what was stored when the file was opened */
  readonly loaded: { rows: LoadedRow[]; revision: number };

  /** Opens (creating if needed) the database in `dataDir`; throws a CapstanError `STORE_*` on failure. */
  constructor(readonly dataDir: string) {
    const ready = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const init: WorkerInit = { dataDir, ready, port: port2 };
    const transferList = [port2];
    this.worker = new Worker(BOOT, {
      workerData: { ...init, file: fileURLToPath(WORKER_FILE) },
      transferList,
    });
    this.port = port1;
    const waited = Atomics.wait(new Int32Array(ready), 0, 0, OPEN_TIMEOUT_MS);
    const first = receiveMessageOnPort(port1)?.message as WorkerAnswer | undefined;
    if (waited === 'timed-out' || !first || first.op !== 'loaded') {
      void this.worker.terminate();
      port1.close();
      if (first?.op === 'failed') throw fromWire(first.error);
      throw new CapstanError(
        'STORE_OPEN_FAILED',
        `cannot open the store in ${dataDir}: its thread did not start`,
        {
          dataDir,
        },
      );
    }
    this.loaded = { rows: first.rows, revision: first.revision };
    port1.on('message', (a: WorkerAnswer) => this.answered(a));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the store thread exited (code ${code})`)));
    this.idle();
  }

  /** Applies the changes and the new revision in one transaction; resolves after COMMIT (fsynced). */
  commit(changes: RowChange[], revision: number): Promise<void> {
    return this.request((id) => ({ op: 'commit', id, changes, revision }));
  }

  /** Closes the file once every commit sent before has finished; the thread then ends. */
  async close(): Promise<void> {
    if (this.broken) return;
    await this.request((id) => ({ op: 'close', id }));
    await this.worker.terminate();
  }

  private request(build: (id: number) => WorkerRequest): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // a commit in flight keeps the process alive until it is answered, as a queued
      // write did when the commit ran on this thread
      this.port.ref();
      this.worker.ref();
      this.port.postMessage(build(id));
    });
  }

  private answered(a: WorkerAnswer): void {
    if (a.op !== 'done') return;
    const p = this.pending.get(a.id);
    this.pending.delete(a.id);
    if (this.pending.size === 0) this.idle();
    if (!p) return;
    if (a.error) p.reject(fromWire(a.error));
    else p.resolve();
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
    this.idle();
  }

  /** Nothing in flight: the thread must not keep the process alive. */
  private idle(): void {
    this.port.unref();
    this.worker.unref();
  }
}
