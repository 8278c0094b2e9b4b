import test from 'ava';
import { Redis } from 'ioredis';
import { MemoryReplayGuard, RedisReplayGuard } from '../../../src/daemon/webhooks/index.js';
import { redisServerPath, startRedisServer } from '../../helpers/redis-server.js';

test('an id is accepted once within the window, again after it', async (t) => {
  let now = 0;
  const guard = new MemoryReplayGuard(1000, 10, () => now);
  t.true(await guard.firstSighting('a'));
  t.false(await guard.firstSighting('a'));
  now = 999;
  t.false(await guard.firstSighting('a'));
  now = 1001;
  t.true(await guard.firstSighting('a'));
});

test('memory stays bounded: the oldest ids are forgotten first', async (t) => {
  const guard = new MemoryReplayGuard(60_000, 3, () => 0);
  for (const id of ['a', 'b', 'c', 'd']) t.true(await guard.firstSighting(id));
  t.true(await guard.firstSighting('a'), 'a was evicted');
  t.false(await guard.firstSighting('d'));
});

const withRedis = redisServerPath() ? test : test.skip;

withRedis('on Redis, a delivery seen by one replica is refused by another', async (t) => {
  const redis = await startRedisServer();
  const a = new Redis(redis.url);
  const b = new Redis(redis.url);
  try {
    const first = new RedisReplayGuard(a, 60_000);
    const second = new RedisReplayGuard(b, 60_000);
    t.true(await first.firstSighting('github:d-1'));
    t.false(await second.firstSighting('github:d-1'));
    t.true(await second.firstSighting('github:d-2'));
    const ttl = await a.pttl('capstan:webhook-delivery:github:d-1');
    t.true(ttl > 0 && ttl <= 60_000, 'ids expire');
  } finally {
    a.disconnect();
    b.disconnect();
    await redis.stop();
  }
});
