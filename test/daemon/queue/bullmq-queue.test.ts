import test from 'ava';
import { Queue } from 'bullmq';
import { BullMqSyncQueue, createSyncQueue, type SyncJob } from '../../../src/daemon/queue/index.js';
import { eventually } from '../../helpers/eventually.js';
import {
  REDIS_SKIP_REASON,
  redisServerPath,
  startRedisServer,
  type RedisServer,
} from '../../helpers/redis-server.js';
import { idle, req, syncQueueContract } from './sync-queue.contract.js';

let redis: RedisServer | undefined;
let queues = 0;
const uniqueName = () => `q-${process.pid}-${++queues}`;

if (redisServerPath()) {
  test.before(async () => {
    redis = await startRedisServer();
  });
  test.after.always(() => redis?.stop());

  syncQueueContract(test, 'BullMqSyncQueue', () => {
    // A queue name per test: the instances of one test share it, as replicas do.
    const queueName = uniqueName();
    return {
      create: (options) =>
        new BullMqSyncQueue({
          ...options,
          redisUrl: redis!.url,
          queueName,
          lockedRetryMs: 500,
          sweepEveryMs: 1000,
        }),
    };
  });

  test('createSyncQueue with a Redis URL gives the BullMQ queue; a closed one refuses work', async (t) => {
    const q = createSyncQueue({ redisUrl: redis!.url, queueName: uniqueName() });
    t.true(q instanceof BullMqSyncQueue);
    await q.enqueue(req('a', 'r1'));
    t.is((await q.snapshot()).pending.length, 1);
    await q.close();
    await q.close(); // idempotent
    await t.throwsAsync(q.snapshot(), { code: 'QUEUE_CLOSED' });
    await t.throwsAsync(q.enqueue(req('a', 'r2')), { code: 'QUEUE_CLOSED' });
  });

  test('a ticket job lost after its request was recorded is re-added by the sweep', async (t) => {
    const queueName = uniqueName();
    const producer = new BullMqSyncQueue({ redisUrl: redis!.url, queueName });
    t.teardown(() => producer.close());
    await producer.enqueue(req('a', 'r1'));
    // As if the process died between the enqueue script and adding the job.
    const raw = new Queue(queueName, { connection: { url: redis!.url }, prefix: 'capstan' });
    t.teardown(() => raw.close());
    await raw.drain(true);
    t.is(await raw.count(), 0);
    t.is((await producer.snapshot()).pending.length, 1);

    const worker = new BullMqSyncQueue({ redisUrl: redis!.url, queueName });
    t.teardown(() => worker.close());
    const runs: SyncJob[] = [];
    worker.process(async (job) => void runs.push(job));
    await eventually(() => runs.length === 1, 30_000);
    t.like(runs[0], { app: 'a', revision: 'r1', attempt: 1 });
    await idle(worker);
  });
} else {
  test.skip(`BullMqSyncQueue: ${REDIS_SKIP_REASON}`, () => {});
}
