/** What only the in-process queue can show: exact backoff times on a fake clock, and its store. */
import test from 'ava';
import { FakeClock } from '../../../src/runtime/index.js';
import { MemorySyncQueue, MemorySyncStore, type SyncJob } from '../../../src/daemon/queue/index.js';
import { req } from './sync-queue.contract.js';

test('backoff: 1 s, 2 s, 4 s between attempts, then reported, with no timer left', async (t) => {
  const clock = new FakeClock(0);
  const failed: [SyncJob, number][] = [];
  const q = new MemorySyncQueue({
    clock,
    retry: { attempts: 4, baseDelayMs: 1000 },
    onFailed: (job) => void failed.push([job, clock.now().getTime()]),
  });
  const starts: [number, number][] = [];
  q.process(async (job) => {
    starts.push([job.attempt, clock.now().getTime()]);
    throw new Error('down');
  });
  await q.enqueue(req('a', 'r1'));
  await clock.tick();
  t.deepEqual(starts, [[1, 0]]);
  t.is(clock.nextDue(), 1000);
  await clock.advanceAsync(999);
  t.is(starts.length, 1, 'not before its time');
  await clock.advanceAsync(10_000);
  t.deepEqual(starts, [
    [1, 0],
    [2, 1000],
    [3, 3000],
    [4, 7000],
  ]);
  t.is(failed.length, 1);
  t.like(failed[0][0], { app: 'a', attempt: 4 });
  t.is(failed[0][1], 7000);
  t.is(clock.pending(), 0);
  await q.close();
});

test('the backoff is capped by maxDelayMs', async (t) => {
  const clock = new FakeClock(0);
  const q = new MemorySyncQueue({ clock, retry: { attempts: 4, baseDelayMs: 1000, maxDelayMs: 1500 } });
  const starts: number[] = [];
  q.process(async () => {
    starts.push(clock.now().getTime());
    throw new Error('down');
  });
  await q.enqueue(req('a', 'r1'));
  await clock.advanceAsync(60_000);
  t.deepEqual(starts, [0, 1000, 2500, 4000]);
  await q.close();
});

test('a closed queue leaves no timer behind for a pending retry', async (t) => {
  const clock = new FakeClock(0);
  const q = new MemorySyncQueue({ clock, retry: { baseDelayMs: 60_000 } });
  q.process(async () => {
    throw new Error('down');
  });
  await q.enqueue(req('a', 'r1'));
  await clock.tick();
  t.is(clock.pending(), 1);
  await q.close();
  t.is(clock.pending(), 0);
  // The retry is still pending in the store, for the next instance.
  t.like((await q.snapshot()).pending[0], { app: 'a', attempt: 2 });
});

test('instances sharing a store never run one app at once', async (t) => {
  const store = new MemorySyncStore();
  const queues = [1, 2, 3].map(() => new MemorySyncQueue({ store, concurrency: 2 }));
  const running = new Set<string>();
  let overlaps = 0;
  let runs = 0;
  for (const q of queues) {
    q.process(async (job) => {
      if (running.has(job.app)) overlaps++;
      running.add(job.app);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      running.delete(job.app);
      runs++;
    });
  }
  for (let i = 0; i < 50; i++) {
    for (const app of ['a', 'b', 'c']) await queues[i % 3].enqueue(req(app, `r${i}`));
    if (i % 7 === 0) await new Promise((r) => setTimeout(r, 2));
  }
  while ((await store.snapshot()).pending.length + (await store.snapshot()).running.length > 0) {
    await new Promise((r) => setTimeout(r, 5));
  }
  t.is(overlaps, 0);
  t.true(runs >= 3);
  await Promise.all(queues.map((q) => q.close()));
});

test('process() twice is refused', async (t) => {
  const q = new MemorySyncQueue();
  q.process(async () => {});
  t.throws(() => q.process(async () => {}), { code: 'QUEUE_ALREADY_PROCESSING' });
  await q.close();
  t.throws(() => q.process(async () => {}), { code: 'QUEUE_CLOSED' });
});
