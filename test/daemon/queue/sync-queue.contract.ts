/**
 * The behaviour every `SyncQueue` must have, run against each implementation
 * (memory-queue.test.ts, bullmq-queue.test.ts), in the manner of hono's shared router cases.
 * No assertion is about how long anything took: only about order, overlap and counts.
 */
import type { ExecutionContext, TestFn } from 'ava';
import type {
  SyncJob,
  SyncPriority,
  SyncQueue,
  SyncQueueOptions,
  SyncRequest,
} from '../../../src/daemon/queue/index.js';
import { eventually } from '../../helpers/eventually.js';

/** Makes queue instances that share one backing state, as replicas share one Redis. */
export interface QueueBackend {
  create(options?: SyncQueueOptions): SyncQueue;
}

export function req(app: string, revision: string, priority: SyncPriority = 'webhook'): SyncRequest {
  return { app, revision, priority, reason: `test ${revision}`, requestedAt: Date.now() };
}

export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits until nothing is pending or running. */
export async function idle(q: SyncQueue): Promise<void> {
  await eventually(async () => {
    const s = await q.snapshot();
    return s.pending.length === 0 && s.running.length === 0;
  }, 30_000);
}

/**
 * Registers the contract's tests under `name`. `backend` is called inside each test (after any
 * `before` hook has started a server); every queue it creates is closed when the test ends.
 */
export function syncQueueContract(test: TestFn, name: string, backend: () => QueueBackend): void {
  const open = (t: ExecutionContext, options?: SyncQueueOptions) => {
    const b = backend();
    const make = (o?: SyncQueueOptions) => {
      const q = b.create({ graceMs: 0, ...o });
      t.teardown(() => q.close({ graceMs: 0 }));
      return q;
    };
    return { q: make(options), make };
  };

  test(`${name}: a burst of 100 requests for a running app gives one more run, with the newest revision`, async (t) => {
    const { q } = open(t);
    const runs: string[] = [];
    const gate = deferred();
    q.process(async (job) => {
      runs.push(job.revision);
      if (runs.length === 1) await gate.promise;
    });
    await q.enqueue(req('a', 'r0'));
    await eventually(() => runs.length === 1);
    for (let i = 1; i < 100; i++) await q.enqueue(req('a', `r${i}`));
    gate.resolve();
    await eventually(() => runs.at(-1) === 'r99', 30_000);
    await idle(q);
    t.deepEqual(runs, ['r0', 'r99']);
  });

  test(`${name}: a burst enqueued before processing starts gives one run`, async (t) => {
    const { q } = open(t);
    await Promise.all(Array.from({ length: 100 }, (_, i) => q.enqueue(req('a', `r${i}`))));
    const runs: string[] = [];
    q.process(async (job) => void runs.push(job.revision));
    await eventually(() => runs.length > 0);
    await idle(q);
    t.is(runs.length, 1);
  });

  test(`${name}: a newer request supersedes the pending one: newest revision, higher priority`, async (t) => {
    const { q } = open(t);
    await q.enqueue(req('a', 'r1', 'manual'));
    await q.enqueue(req('a', 'r2', 'poll'));
    await q.enqueue(req('b', 's1', 'poll'));
    await q.enqueue(req('b', 's2', 'webhook'));
    const { pending, running } = await q.snapshot();
    t.deepEqual(running, []);
    t.deepEqual(
      pending.map((j) => [j.app, j.revision, j.priority, j.attempt]),
      [
        ['a', 'r2', 'manual', 1],
        ['b', 's2', 'webhook', 1],
      ],
    );
    const runs: SyncJob[] = [];
    q.process(async (job) => void runs.push(job));
    await eventually(() => runs.length === 2);
    await idle(q);
    t.deepEqual(runs.map((j) => `${j.app}@${j.revision}:${j.priority}`).sort(), [
      'a@r2:manual',
      'b@s2:webhook',
    ]);
  });

  test(`${name}: one running sync per app; a request during a run waits, then runs once`, async (t) => {
    const { q } = open(t, { concurrency: 4 });
    const log: string[] = [];
    const gate = deferred();
    q.process(async (job) => {
      log.push(`start ${job.app}@${job.revision}`);
      if (job.revision === 'r1') await gate.promise;
      log.push(`end ${job.app}@${job.revision}`);
    });
    await q.enqueue(req('a', 'r1'));
    await eventually(() => log.includes('start a@r1'));
    await q.enqueue(req('a', 'r2'));
    await q.enqueue(req('a', 'r3'));
    await q.enqueue(req('b', 's1'));
    // Another app runs meanwhile: the queue is not blocked, only app a is.
    await eventually(() => log.includes('end b@s1'));
    const s = await q.snapshot();
    t.deepEqual(
      s.running.map((j) => `${j.app}@${j.revision}`),
      ['a@r1'],
    );
    t.deepEqual(
      s.pending.map((j) => `${j.app}@${j.revision}`),
      ['a@r3'],
    );
    gate.resolve();
    await eventually(() => log.includes('end a@r3'), 30_000);
    await idle(q);
    const a = log.filter((l) => l.includes(' a@'));
    t.deepEqual(a, ['start a@r1', 'end a@r1', 'start a@r3', 'end a@r3']);
  });

  test(`${name}: waiting apps run by priority: manual, webhook, then poll`, async (t) => {
    const { q } = open(t, { concurrency: 1 });
    const order: string[] = [];
    const gate = deferred();
    q.process(async (job) => {
      order.push(job.app);
      if (job.app === 'first') await gate.promise;
    });
    await q.enqueue(req('first', 'x', 'poll'));
    await eventually(() => order.length === 1);
    await q.enqueue(req('p1', 'x', 'poll'));
    await q.enqueue(req('w1', 'x', 'webhook'));
    await q.enqueue(req('p2', 'x', 'poll'));
    await q.enqueue(req('m1', 'x', 'manual'));
    await q.enqueue(req('w2', 'x', 'webhook'));
    // A poll request raised to manual by a newer request moves up with it.
    await q.enqueue(req('p3', 'x', 'poll'));
    await q.enqueue(req('p3', 'y', 'manual'));
    gate.resolve();
    await eventually(() => order.length === 7, 30_000);
    t.deepEqual(order, ['first', 'm1', 'p3', 'w1', 'w2', 'p1', 'p2']);
  });

  test(`${name}: concurrency bounds the syncs running at once`, async (t) => {
    const { q } = open(t, { concurrency: 2 });
    let active = 0;
    let most = 0;
    let done = 0;
    const gate = deferred();
    q.process(async () => {
      active++;
      most = Math.max(most, active);
      await gate.promise;
      active--;
      done++;
    });
    for (const app of ['a', 'b', 'c', 'd', 'e', 'f']) await q.enqueue(req(app, 'r1'));
    await eventually(() => active === 2);
    const s = await q.snapshot();
    t.is(s.running.length, 2);
    t.is(s.pending.length, 4);
    gate.resolve();
    await eventually(() => done === 6, 30_000);
    t.is(most, 2);
  });

  test(`${name}: a failed sync is retried with backoff, then succeeds`, async (t) => {
    const failed: SyncJob[] = [];
    const { q } = open(t, { retry: { attempts: 5, baseDelayMs: 20 }, onFailed: (j) => void failed.push(j) });
    const attempts: string[] = [];
    q.process(async (job) => {
      attempts.push(`${job.revision}#${job.attempt}`);
      if (job.attempt < 3) throw new Error(`transient ${job.attempt}`);
    });
    await q.enqueue(req('a', 'r1'));
    await eventually(() => attempts.length === 3, 30_000);
    await idle(q);
    t.deepEqual(attempts, ['r1#1', 'r1#2', 'r1#3']);
    t.deepEqual(failed, []);
  });

  test(`${name}: after the last attempt a sync is dropped and reported once`, async (t) => {
    const failed: [SyncJob, unknown][] = [];
    const { q } = open(t, {
      retry: { attempts: 3, baseDelayMs: 10 },
      onFailed: (j, e) => void failed.push([j, e]),
    });
    const attempts: number[] = [];
    q.process(async (job) => {
      attempts.push(job.attempt);
      throw new Error(`boom ${job.attempt}`);
    });
    await q.enqueue(req('a', 'r1', 'manual'));
    await eventually(() => failed.length === 1, 30_000);
    await idle(q);
    t.deepEqual(attempts, [1, 2, 3]);
    t.is(failed.length, 1);
    t.like(failed[0][0], { app: 'a', revision: 'r1', priority: 'manual', attempt: 3 });
    t.is((failed[0][1] as Error).message, 'boom 3');
  });

  test(`${name}: a newer request replaces a failed one waiting for its retry, and runs at once`, async (t) => {
    const failed: SyncJob[] = [];
    // A backoff far longer than the test: r2 can only run because it cancels it.
    const { q } = open(t, { retry: { baseDelayMs: 3_600_000 }, onFailed: (j) => void failed.push(j) });
    const runs: string[] = [];
    q.process(async (job) => {
      runs.push(`${job.revision}#${job.attempt}`);
      if (job.revision === 'r1') throw new Error('r1 is broken');
    });
    await q.enqueue(req('a', 'r1'));
    await eventually(async () =>
      (await q.snapshot()).pending.some((j) => j.revision === 'r1' && j.attempt === 2),
    );
    await q.enqueue(req('a', 'r2'));
    await eventually(() => runs.includes('r2#1'), 30_000);
    await idle(q);
    t.deepEqual(runs, ['r1#1', 'r2#1']);
    t.deepEqual(failed, []);
  });

  test(`${name}: a request arriving during a failing run runs instead of the retry`, async (t) => {
    const failed: SyncJob[] = [];
    const { q } = open(t, { retry: { baseDelayMs: 3_600_000 }, onFailed: (j) => void failed.push(j) });
    const runs: string[] = [];
    const gate = deferred();
    q.process(async (job) => {
      runs.push(`${job.revision}#${job.attempt}`);
      if (job.revision === 'r1') {
        await gate.promise;
        throw new Error('r1 is broken');
      }
    });
    await q.enqueue(req('a', 'r1'));
    await eventually(() => runs.length === 1);
    await q.enqueue(req('a', 'r2'));
    gate.resolve();
    await eventually(() => runs.includes('r2#1'), 30_000);
    await idle(q);
    t.deepEqual(runs, ['r1#1', 'r2#1']);
    t.deepEqual(failed, []);
  });

  test(`${name}: close waits for running syncs within the grace period`, async (t) => {
    const { q, make } = open(t);
    const log: string[] = [];
    const gate = deferred();
    let aborted = false;
    q.process(async (_job, signal) => {
      log.push('start');
      await gate.promise;
      aborted = signal.aborted;
      log.push('end');
    });
    await q.enqueue(req('a', 'r1'));
    await eventually(() => log.includes('start'));
    const closed = q.close({ graceMs: 120_000 }).then(() => log.push('closed'));
    await new Promise((r) => setTimeout(r, 50));
    t.false(log.includes('closed'));
    gate.resolve();
    await closed;
    t.deepEqual(log, ['start', 'end', 'closed']);
    t.false(aborted);
    await t.throwsAsync(q.enqueue(req('a', 'r2')), { message: /closed/ });
    const other = make();
    t.deepEqual(await other.snapshot(), { pending: [], running: [] });
  });

  test(`${name}: close past the grace period aborts and hands the request back to the next instance`, async (t) => {
    const { q, make } = open(t);
    let reason: unknown;
    q.process(
      (_job, signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            resolve();
          });
        }),
    );
    await q.enqueue(req('a', 'r1', 'manual'));
    await eventually(async () => (await q.snapshot()).running.length === 1);
    await q.close({ graceMs: 20 });
    t.like(reason, { code: 'QUEUE_SHUTDOWN' });
    const next = make();
    const s = await next.snapshot();
    t.deepEqual(
      s.pending.map((j) => [j.app, j.revision, j.priority, j.attempt]),
      [['a', 'r1', 'manual', 1]],
    );
    t.deepEqual(s.running, []);
    const runs: SyncJob[] = [];
    next.process(async (job) => void runs.push(job));
    await eventually(() => runs.length === 1, 30_000);
    t.like(runs[0], { app: 'a', revision: 'r1', priority: 'manual', attempt: 1 });
  });

  test(`${name}: malformed requests are refused`, async (t) => {
    const { q } = open(t);
    for (const bad of [
      { ...req('a', 'r1'), app: '' },
      { ...req('a', 'r1'), revision: 7 },
      { ...req('a', 'r1'), priority: 'urgent' },
      { ...req('a', 'r1'), requestedAt: 'now' },
    ]) {
      await t.throwsAsync(q.enqueue(bad as unknown as SyncRequest), { code: 'QUEUE_INVALID_REQUEST' });
    }
    t.deepEqual((await q.snapshot()).pending, []);
  });
}
