import test from 'ava';
import { MemoryReplayGuard } from '../../../src/daemon/webhooks/index.js';

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
