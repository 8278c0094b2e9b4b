import test from 'ava';
import {
  BullMqSyncQueue,
  createSyncQueue,
  MemorySyncQueue,
  QUEUE_DEFAULTS,
  retryDelayMs,
} from '../../../src/daemon/queue/index.js';

test('retry delays double from the base and stop at the cap', (t) => {
  const o = { baseDelayMs: 1000, maxDelayMs: 300_000 };
  // attempt that failed → delay before the next one
  const table: [number, number][] = [
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [9, 256_000],
    [10, 300_000], // 512 s, capped
    [60, 300_000],
  ];
  for (const [attempt, delay] of table) t.is(retryDelayMs(attempt, o), delay, `attempt ${attempt}`);
  t.is(retryDelayMs(3, { baseDelayMs: 0, maxDelayMs: 10 }), 0);
});

test('defaults: 4 at once, 5 attempts from 1 s', (t) => {
  t.like(QUEUE_DEFAULTS, { concurrency: 4, attempts: 5, baseDelayMs: 1000 });
});

test('bad options are refused with QUEUE_INVALID_OPTION', (t) => {
  const bad = [
    { concurrency: 0 },
    { concurrency: 1.5 },
    { retry: { attempts: 0 } },
    { retry: { baseDelayMs: -1 } },
    { retry: { maxDelayMs: Number.NaN } },
    { graceMs: -5 },
  ];
  for (const o of bad)
    t.throws(() => new MemorySyncQueue(o), { code: 'QUEUE_INVALID_OPTION' }, JSON.stringify(o));
  // Checked before any connection is made.
  t.throws(() => new BullMqSyncQueue({ redisUrl: 'http://localhost:6379' }), {
    code: 'QUEUE_INVALID_OPTION',
  });
  t.throws(() => new BullMqSyncQueue({ redisUrl: 'redis://localhost:1', queueName: 'a:b' }), {
    code: 'QUEUE_INVALID_OPTION',
  });
  t.throws(() => new BullMqSyncQueue({ redisUrl: 'redis://localhost:1', lockTtlMs: 0 }), {
    code: 'QUEUE_INVALID_OPTION',
  });
});

test('createSyncQueue without a Redis URL gives the in-process queue', async (t) => {
  const q = createSyncQueue({ concurrency: 2 });
  t.true(q instanceof MemorySyncQueue);
  t.true(createSyncQueue({ redisUrl: '' }) instanceof MemorySyncQueue);
  await q.close();
});
