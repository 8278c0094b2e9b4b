import test from 'ava';
import { FakeClock, WorkQueue } from '../../src/runtime/index.js';

function queue(clock = new FakeClock(0), random?: () => number) {
  return new WorkQueue<string>({ clock, random });
}

test('a key added while queued is handed out once', async (t) => {
  const q = queue();
  q.add('a');
  q.add('b');
  q.add('a');
  t.is(q.len(), 2);
  t.is(await q.get(), 'a');
  t.is(await q.get(), 'b');
  t.is(q.len(), 0);
});

test('a key added while processing is queued again after done, not before', async (t) => {
  const q = queue();
  q.add('a');
  const key = await q.get();
  q.add('a');
  q.add('a');
  t.is(q.len(), 0, 'never handed to two workers at once');
  q.done(key!);
  t.is(q.len(), 1);
  t.is(await q.get(), 'a');
  q.done('a');
  t.is(q.len(), 0);
});

test('a key not added again during processing is gone after done', async (t) => {
  const q = queue();
  q.add('a');
  q.done((await q.get())!);
  q.done('a');
  t.is(q.len(), 0);
});

test('get waits for a key, waiters served oldest first', async (t) => {
  const q = queue();
  const first = q.get();
  const second = q.get();
  q.add('a');
  q.add('b');
  t.is(await first, 'a');
  t.is(await second, 'b');
  // Handed straight to a waiter, the key is processing: adding it again defers to done.
  q.add('a');
  t.is(q.len(), 0);
  q.done('a');
  t.is(q.len(), 1);
});

test('addAfter queues the key when its delay is over', async (t) => {
  const clock = new FakeClock(0);
  const q = queue(clock);
  q.addAfter('a', 50);
  q.addAfter('b', 0);
  t.is(q.len(), 1, 'no delay: at once');
  t.is(await q.get(), 'b');
  clock.advance(49);
  t.is(q.len(), 0);
  clock.advance(1);
  t.is(q.len(), 1);
  t.is(await q.get(), 'a');
});

test('a key waiting twice keeps the earlier ready time', (t) => {
  const clock = new FakeClock(0);
  const q = queue(clock);
  q.addAfter('a', 100);
  q.addAfter('a', 300);
  t.is(clock.pending(), 1);
  clock.advance(100);
  t.is(q.len(), 1);
  q.addAfter('b', 300);
  q.addAfter('b', 100);
  t.is(clock.pending(), 1, 'the later timer was replaced');
  clock.advance(100);
  t.is(q.len(), 2);
  clock.advance(1000);
  t.is(q.len(), 2, 'nothing fires twice');
});

test('addAfterJittered spreads the delay upwards by the jitter factor', (t) => {
  const clock = new FakeClock(0);
  const q = queue(clock, () => 0.5);
  q.addAfterJittered('a', 1000);
  t.is(clock.nextDue(), 1050);
  q.addAfterJittered('b', 1000, 0.5);
  clock.advance(1050);
  t.is(q.len(), 1);
  clock.advance(200);
  t.is(q.len(), 2);
});

test('addRateLimited backs off per key: 5, 10, 20 ms, and forget resets it', async (t) => {
  const clock = new FakeClock(0);
  const q = queue(clock);
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = clock.now().getTime();
    q.addRateLimited('a');
    clock.advance(clock.nextDue()!);
    t.is(await q.get(), 'a');
    q.done('a');
    seen.push(clock.now().getTime() - before);
  }
  t.deepEqual(seen, [5, 10, 20]);
  t.is(q.numRequeues('a'), 3);
  q.forget('a');
  t.is(q.numRequeues('a'), 0);
  q.addRateLimited('a');
  t.is(clock.nextDue(), 5);
});

test('addRateLimited honours the overall bucket', (t) => {
  const clock = new FakeClock(0);
  const q = queue(clock);
  for (let i = 0; i < 101; i++) q.addRateLimited(`k${i}`);
  clock.advance(5);
  t.is(q.len(), 100, 'the burst of 100 after the 5 ms backoff');
  clock.advance(94);
  t.is(q.len(), 100);
  clock.advance(1);
  t.is(q.len(), 101, 'the 101st waits 100 ms for a token');
});

test('shutDown wakes idle workers, ignores adds, drops delayed keys, still hands out queued ones', async (t) => {
  const clock = new FakeClock(0);
  const q = queue(clock);
  const idle = q.get();
  q.shutDown();
  t.is(await idle, undefined);

  const q2 = queue(clock);
  q2.add('queued');
  q2.addAfter('later', 10);
  q2.shutDown();
  q2.shutDown();
  t.true(q2.isShuttingDown());
  q2.add('new');
  q2.addAfter('new', 5);
  q2.addRateLimited('new');
  t.is(clock.pending(), 0, 'the delayed key is dropped with its timer');
  t.is(await q2.get(), 'queued');
  t.is(await q2.get(), undefined);
});

test('shutDownWithDrain resolves once queued and processing keys are done', async (t) => {
  const clock = new FakeClock(0);
  const q = queue(clock);
  q.add('a');
  q.add('b');
  const held = (await q.get())!;
  q.add(held); // dirty: processed once more before the drain completes
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  await clock.tick();
  t.false(drained);
  t.is(await q.get(), 'b');
  q.done('b');
  q.done(held);
  await clock.tick();
  t.false(drained, 'the dirty key came back');
  t.is(await q.get(), held);
  q.done(held);
  await drain;
  t.true(drained);
  t.is(await q.get(), undefined);
});

test('shutDownWithDrain on an idle queue resolves at once', async (t) => {
  await queue().shutDownWithDrain();
  t.pass();
});
