/**
 * One daemon replica for bullmq-replicas.test.ts: processes the shared queue and appends a
 * line per sync to its own file — `{"phase":"start",…}` when a sync begins and
 * `{"phase":"end",…,"start","end"}` when it ends (ms timestamps of this machine's clock).
 * Run as `node --import tsx bullmq-replica.ts`, configured by environment variables:
 * REDIS_URL, QUEUE_NAME, OUT_FILE, REPLICA (its name), HANG_REVISION (a revision this
 * replica never finishes until aborted), LOCK_TTL_MS, SWEEP_EVERY_MS.
 * Prints "ready" once processing; SIGTERM closes the queue and exits 0.
 */
import { appendFileSync } from 'node:fs';
import { BullMqSyncQueue } from '../../../src/daemon/queue/index.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const replica = env('REPLICA');
const out = env('OUT_FILE');
const hang = process.env.HANG_REVISION;
const record = (line: object) => appendFileSync(out, `${JSON.stringify({ replica, ...line })}\n`);

const queue = new BullMqSyncQueue({
  redisUrl: env('REDIS_URL'),
  queueName: env('QUEUE_NAME'),
  concurrency: 4,
  lockTtlMs: Number(process.env.LOCK_TTL_MS ?? 30_000),
  sweepEveryMs: Number(process.env.SWEEP_EVERY_MS ?? 30_000),
  lockedRetryMs: 200,
  onError: (e) => process.stderr.write(`${replica}: ${String(e)}\n`),
});

queue.process(async (job, signal) => {
  const start = Date.now();
  record({ phase: 'start', app: job.app, revision: job.revision, attempt: job.attempt, start });
  if (job.revision === hang) {
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    return;
  }
  // Long enough that requests pile up behind running syncs, short enough for a quick test.
  await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 25));
  record({
    phase: 'end',
    app: job.app,
    revision: job.revision,
    attempt: job.attempt,
    start,
    end: Date.now(),
  });
});

process.once('SIGTERM', () => {
  void queue.close({ graceMs: 5000 }).then(() => process.exit(0));
});
process.stdout.write('ready\n');
