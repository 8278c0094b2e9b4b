import test from 'ava';
import {
  BucketRateLimiter,
  controllerRateLimiter,
  FakeClock,
  ItemExponentialRateLimiter,
  jittered,
} from '../../src/runtime/index.js';

test('per-item backoff doubles from 5 ms and caps at 1000 s', (t) => {
  const limiter = new ItemExponentialRateLimiter(5, 1_000_000);
  const delays = Array.from({ length: 20 }, () => limiter.when('a'));
  t.deepEqual(delays.slice(0, 5), [5, 10, 20, 40, 80]);
  // 5 ms × 2^17 is the last delay under the cap; 5 ms × 2^18 = 1310.72 s is capped.
  t.is(delays[17], 655_360);
  t.is(delays[18], 1_000_000);
  t.is(delays[19], 1_000_000);
  t.is(limiter.numRequeues('a'), 20);
});

test('per-item backoff is per key, and forget restarts it', (t) => {
  const limiter = new ItemExponentialRateLimiter(5, 1_000_000);
  limiter.when('a');
  limiter.when('a');
  t.is(limiter.when('b'), 5);
  limiter.forget('a');
  t.is(limiter.numRequeues('a'), 0);
  t.is(limiter.when('a'), 5);
});

test('the cap holds however many failures', (t) => {
  const limiter = new ItemExponentialRateLimiter(5, 1_000_000);
  let last = 0;
  for (let i = 0; i < 2000; i++) last = limiter.when('a');
  t.is(last, 1_000_000);
});

test('the bucket lets a burst through, then spaces retries at its rate', (t) => {
  const clock = new FakeClock(0);
  const bucket = new BucketRateLimiter(10, 100, clock);
  const burst = Array.from({ length: 100 }, () => bucket.when());
  t.true(burst.every((d) => d === 0));
  t.is(bucket.when(), 100);
  t.is(bucket.when(), 200);
  // One second refills 10 tokens, two of which cover the debt above.
  clock.advance(1000);
  const next = Array.from({ length: 9 }, () => bucket.when());
  t.deepEqual(next.slice(0, 8), [0, 0, 0, 0, 0, 0, 0, 0]);
  t.is(next[8], 100);
});

test('the bucket refills no further than its burst', (t) => {
  const clock = new FakeClock(0);
  const bucket = new BucketRateLimiter(10, 100, clock);
  clock.advance(3_600_000);
  const delays = Array.from({ length: 101 }, () => bucket.when());
  t.is(delays.filter((d) => d === 0).length, 100);
  t.is(delays[100], 100);
});

test('the controller limiter takes the longer of backoff and bucket', (t) => {
  const clock = new FakeClock(0);
  const limiter = controllerRateLimiter(clock);
  // The first 100 failures of distinct keys are within the burst: the backoff decides.
  for (let i = 0; i < 100; i++) t.is(limiter.when(`k${i}`), 5);
  // The bucket is empty: the 101st waits 100 ms although its own backoff is 5 ms.
  t.is(limiter.when('k100'), 100);
  t.is(limiter.numRequeues('k0'), 1);
  limiter.forget('k0');
  t.is(limiter.numRequeues('k0'), 0);
});

test('the controller limiter is configurable', (t) => {
  const limiter = controllerRateLimiter(new FakeClock(0), { baseDelayMs: 100, maxDelayMs: 250, burst: 1000 });
  t.deepEqual([limiter.when('a'), limiter.when('a'), limiter.when('a')], [100, 200, 250]);
});

test('jitter stays within [d, d × (1 + factor))', (t) => {
  t.is(
    jittered(1000, 0.1, () => 0),
    1000,
  );
  t.is(
    jittered(1000, 0.1, () => 0.5),
    1050,
  );
  t.is(
    jittered(1000, 0, () => 0.5),
    1500,
  );
});
