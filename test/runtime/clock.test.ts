import test from 'ava';
import { FakeClock, toKubeTime } from '../../src/runtime/index.js';

test('advance fires due timers in due order, reading each due time', (t) => {
  const clock = new FakeClock(0);
  const fired: [string, number][] = [];
  clock.setTimeout(() => fired.push(['b', clock.now().getTime()]), 10);
  clock.setTimeout(() => fired.push(['a', clock.now().getTime()]), 5);
  clock.setTimeout(() => fired.push(['c', clock.now().getTime()]), 20);
  clock.advance(10);
  t.deepEqual(fired, [
    ['a', 5],
    ['b', 10],
  ]);
  t.is(clock.now().getTime(), 10);
  t.is(clock.pending(), 1);
  t.is(clock.nextDue(), 10);
});

test('timers due together fire in the order they were set', (t) => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  for (const n of [1, 2, 3]) clock.setTimeout(() => fired.push(n), 7);
  clock.advance(7);
  t.deepEqual(fired, [1, 2, 3]);
});

test('a timer set by a timer fires within the same advance', (t) => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  clock.setTimeout(() => {
    fired.push(clock.now().getTime());
    clock.setTimeout(() => fired.push(clock.now().getTime()), 3);
  }, 5);
  clock.advance(10);
  t.deepEqual(fired, [5, 8]);
});

test('cleared timers never fire', (t) => {
  const clock = new FakeClock(0);
  let fired = false;
  const timer = clock.setTimeout(() => (fired = true), 5);
  clock.clearTimeout(timer);
  clock.clearTimeout(timer);
  clock.advance(100);
  t.false(fired);
  t.is(clock.pending(), 0);
});

test('sleep resolves when time is advanced, not before', async (t) => {
  const clock = new FakeClock(0);
  let woke = false;
  void clock.sleep(1000).then(() => (woke = true));
  clock.advance(999);
  await clock.tick();
  t.false(woke);
  clock.advance(1);
  await clock.tick();
  t.true(woke);
});

test('advanceAsync lets promise callbacks set timers inside the window', async (t) => {
  const clock = new FakeClock(0);
  const woke: number[] = [];
  void (async () => {
    for (let i = 0; i < 3; i++) {
      await clock.sleep(10);
      woke.push(clock.now().getTime());
    }
  })();
  await clock.advanceAsync(30);
  t.deepEqual(woke, [10, 20, 30]);
});

test('toKubeTime drops milliseconds', (t) => {
  t.is(toKubeTime(new Date(Date.UTC(2024, 0, 1, 0, 0, 5, 250))), '2024-01-01T00:00:05Z');
});
