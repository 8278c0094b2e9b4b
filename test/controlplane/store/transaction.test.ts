import test from 'ava';
import { openStore, StoreError } from '../../../src/controlplane/store/index.js';
import { cm, configmaps, removeDataDir, tempDataDir, value } from './helpers.js';

test('a transaction applies all its writes in order with consecutive revisions', async (t) => {
  const dataDir = tempDataDir('txn');
  const store = openStore({ dataDir });
  await store.create(cm('old'), value(cm('old')));
  const results = await store.transaction([
    { op: 'create', key: cm('a'), value: value(cm('a'), { v: '1' }) },
    { op: 'update', key: cm('a'), value: value(cm('a'), { v: '2' }) },
    { op: 'delete', key: cm('old'), expectedRevision: 1 },
  ]);
  t.deepEqual(
    results.map((r) => r.revision),
    [2, 3, 4],
  );
  t.deepEqual(store.get(cm('a'))!.value.data, { v: '2' });
  t.is(store.get(cm('old')), undefined);
  t.deepEqual(await store.transaction([]), []);
  t.is(store.revision, 4);
  await store.close();
  removeDataDir(dataDir);
});

test('a transaction with one failing write applies none, and says which write failed', async (t) => {
  const dataDir = tempDataDir('txn-fail');
  const store = openStore({ dataDir });
  await store.create(cm('a'), value(cm('a'), { v: '1' }));
  const e = await t.throwsAsync(
    store.transaction([
      { op: 'update', key: cm('a'), value: value(cm('a'), { v: '2' }) },
      { op: 'create', key: cm('b'), value: value(cm('b')) },
      { op: 'update', key: cm('a'), value: value(cm('a'), { v: '3' }), expectedRevision: 1 },
    ]),
    { instanceOf: StoreError },
  );
  t.is(e.reason, 'Conflict');
  t.regex(e.message, /^transaction write 3 of 3 \(configmaps default\/a has revision 2, not the expected 1/);
  t.is(e.data.index, 2);
  t.deepEqual(store.get(cm('a'))!.value.data, { v: '1' });
  t.is(store.get(cm('b')), undefined);
  t.is(store.revision, 1);
  await store.close();
  // and nothing of it reached the disk
  const reopened = openStore({ dataDir });
  t.is(reopened.revision, 1);
  t.is(reopened.get(cm('b')), undefined);
  await reopened.close();
  removeDataDir(dataDir);
});

test('in one group commit a failed write fails only itself; later writes see earlier ones', async (t) => {
  const dataDir = tempDataDir('batch');
  const store = openStore({ dataDir });
  // All issued in one turn: they share one flush.
  const outcomes = await Promise.allSettled([
    store.create(cm('a'), value(cm('a'), { n: 1 })),
    store.create(cm('a'), value(cm('a'), { n: 2 })), // AlreadyExists: the first is ahead of it
    store.update(cm('a'), value(cm('a'), { n: 3 }), 1), // sees the first create's revision
    store.transaction([
      { op: 'create', key: cm('b'), value: value(cm('b')) },
      { op: 'delete', key: cm('missing') },
    ]),
    store.delete(cm('b')), // NotFound: the transaction above did not apply
    store.create(cm('c'), value(cm('c'))),
  ]);
  t.deepEqual(
    outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as StoreError).reason)),
    ['ok', 'AlreadyExists', 'ok', 'NotFound', 'NotFound', 'ok'],
  );
  const revisions = outcomes.flatMap((o) =>
    o.status === 'fulfilled' ? [(o.value as { revision: number }).revision] : [],
  );
  t.deepEqual(revisions, [1, 2, 3]);
  t.deepEqual(store.get(cm('a'))!.value.data, { n: 3 });
  t.deepEqual(
    store.list(configmaps).items.map((i) => i.key.name),
    ['a', 'c'],
  );
  await store.close();
  removeDataDir(dataDir);
});

test('500 concurrent creates all succeed with distinct revisions and survive a restart', async (t) => {
  const dataDir = tempDataDir('group');
  const store = openStore({ dataDir });
  const names = Array.from({ length: 500 }, (_, i) => `obj-${String(i).padStart(3, '0')}`);
  const created = await Promise.all(names.map((n) => store.create(cm(n), value(cm(n), { n }))));
  const revisions = created.map((c) => c.revision);
  t.is(new Set(revisions).size, 500);
  t.deepEqual(
    [...revisions].sort((a, b) => a - b),
    Array.from({ length: 500 }, (_, i) => i + 1),
  );
  t.deepEqual(
    revisions,
    [...revisions].sort((a, b) => a - b),
    'revisions follow call order',
  );
  t.is(store.revision, 500);
  await store.close();
  const reopened = openStore({ dataDir });
  t.is(reopened.count(configmaps), 500);
  for (const c of created) t.is(reopened.get(c.key)!.revision, c.revision);
  await reopened.close();
  removeDataDir(dataDir);
});

test('concurrent creates of one key: exactly one wins', async (t) => {
  const dataDir = tempDataDir('race');
  const store = openStore({ dataDir });
  const outcomes = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) => store.create(cm('same'), value(cm('same'), { i }))),
  );
  t.is(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
  t.true(
    outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .every((o) => (o.reason as StoreError).reason === 'AlreadyExists'),
  );
  await store.close();
  removeDataDir(dataDir);
});

test('writers awaiting each other in a loop keep strictly increasing revisions', async (t) => {
  const dataDir = tempDataDir('writers');
  const store = openStore({ dataDir });
  const seen: number[][] = [];
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      const mine: number[] = [];
      seen.push(mine);
      const key = cm(`w${w}`);
      let last = (await store.create(key, value(key, { step: 0 }))).revision;
      mine.push(last);
      for (let step = 1; step <= 20; step++) {
        last = (await store.update(key, value(key, { step }), last)).revision;
        mine.push(last);
      }
    }),
  );
  for (const mine of seen) for (let i = 1; i < mine.length; i++) t.true(mine[i] > mine[i - 1]);
  t.is(new Set(seen.flat()).size, 8 * 21);
  t.is(store.revision, 8 * 21);
  await store.close();
  removeDataDir(dataDir);
});
