import test from 'ava';
import { openStore, StoreError, type StoreEvent } from '../../../src/controlplane/store/index.js';
import {
  cm,
  collect,
  configmaps,
  deployments,
  removeDataDir,
  settle,
  tempDataDir,
  value,
} from './helpers.js';

const brief = (e: StoreEvent) => `${e.type} ${e.key.namespace}/${e.key.name}@${e.revision}`;

test('live events arrive in order with values, previous values and delete revisions', async (t) => {
  const dataDir = tempDataDir('live');
  const store = openStore({ dataDir });
  const w = collect(store, configmaps);
  await store.create(cm('a'), value(cm('a'), { v: '1' }));
  await store.update(cm('a'), value(cm('a'), { v: '2' }));
  await store.delete(cm('a'));
  await w.until(3);
  t.deepEqual(w.events.map(brief), ['ADDED default/a@1', 'MODIFIED default/a@2', 'DELETED default/a@3']);
  const [added, modified, deleted] = w.events;
  t.is(added.previous, undefined);
  t.deepEqual(modified.previous!.data, { v: '1' });
  t.deepEqual(deleted.value.data, { v: '2' });
  t.is((deleted.value.metadata as Record<string, string>).resourceVersion, '3');
  t.is((deleted.previous!.metadata as Record<string, string>).resourceVersion, '2');
  await store.close();
  removeDataDir(dataDir);
});

test('delivery is asynchronous: never inside the write or watch call', async (t) => {
  const dataDir = tempDataDir('async');
  const store = openStore({ dataDir });
  await store.create(cm('a'), value(cm('a')));
  const w = collect(store, configmaps, { fromRevision: 0 });
  t.is(w.events.length, 0, 'the replay is not delivered inside watch()');
  await w.until(1);
  let inCall = false;
  const seen: boolean[] = [];
  store.watch(configmaps, {}, () => seen.push(inCall));
  inCall = true;
  const pending = store.update(cm('a'), value(cm('a')));
  inCall = false;
  await pending;
  await w.until(2);
  t.deepEqual(seen, [false]);
  await store.close();
  removeDataDir(dataDir);
});

test('a watch sees only its prefix: resource and namespace', async (t) => {
  const dataDir = tempDataDir('prefix');
  const store = openStore({ dataDir });
  const all = collect(store, configmaps);
  const other = collect(store, { ...configmaps, namespace: 'other' });
  const deploys = collect(store, deployments);
  await store.create(cm('a'), value(cm('a')));
  await store.create(cm('b', 'other'), value(cm('b', 'other')));
  await store.create({ ...deployments, namespace: 'default', name: 'web' }, { kind: 'Deployment' });
  await all.until(2);
  await other.until(1);
  await deploys.until(1);
  t.deepEqual(all.events.map(brief), ['ADDED default/a@1', 'ADDED other/b@2']);
  t.deepEqual(other.events.map(brief), ['ADDED other/b@2']);
  t.deepEqual(deploys.events.map(brief), ['ADDED default/web@3']);
  await store.close();
  removeDataDir(dataDir);
});

test('replay from a revision then live events, with writers racing the replay: none lost or repeated', async (t) => {
  const dataDir = tempDataDir('replay');
  const store = openStore({ dataDir });
  const writers = 8;
  const perWriter = 40;
  let started = 0;
  const watches: { from: number; w: ReturnType<typeof collect> }[] = [];
  const run = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < perWriter; i++) {
      const key = cm(`w${w}-${i % 5}`);
      if (i < 5) await store.create(key, value(key, { i }));
      else if (i < 35) await store.update(key, value(key, { i }));
      else await store.delete(key);
      // Start watches from assorted past revisions while the writers are busy.
      if (w === 0 && i % 8 === 0) {
        const from = Math.max(0, store.revision - 30);
        started++;
        watches.push({ from, w: collect(store, configmaps, { fromRevision: from }) });
      }
    }
  });
  await Promise.all(run);
  const total = writers * perWriter;
  t.is(store.revision, total);
  t.is(started, 5);
  for (const [i, { from, w }] of watches.entries()) {
    await w.until(total - from);
    await settle();
    t.deepEqual(
      w.events.map((e) => e.revision),
      Array.from({ length: total - from }, (_, j) => from + 1 + j),
      `watch ${i} from ${from}: every revision after it once, in order`,
    );
  }
  // A watch from 0 replays the whole (retained) history.
  const full = collect(store, configmaps, { fromRevision: 0 });
  await full.until(total);
  t.deepEqual(
    full.events.map((e) => e.revision),
    Array.from({ length: total }, (_, j) => j + 1),
  );
  await store.close();
  removeDataDir(dataDir);
});

test('a watch from a revision replays exactly the events after it', async (t) => {
  const dataDir = tempDataDir('from');
  const store = openStore({ dataDir });
  for (const n of ['a', 'b', 'c', 'd']) await store.create(cm(n), value(cm(n)));
  const w = collect(store, configmaps, { fromRevision: 2 });
  await store.create(cm('e'), value(cm('e')));
  await w.until(3);
  t.deepEqual(w.events.map(brief), ['ADDED default/c@3', 'ADDED default/d@4', 'ADDED default/e@5']);
  // A future revision waits for it.
  const later = collect(store, configmaps, { fromRevision: 6 });
  await store.create(cm('f'), value(cm('f')));
  await store.create(cm('g'), value(cm('g')));
  await later.until(1);
  await settle();
  t.deepEqual(later.events.map(brief), ['ADDED default/g@7']);
  await store.close();
  removeDataDir(dataDir);
});

test('Expired: a revision older than the retained history', async (t) => {
  const dataDir = tempDataDir('expired');
  const store = openStore({ dataDir, historySize: 5 });
  t.is(store.oldestWatchableRevision, 0);
  for (let i = 0; i < 8; i++) await store.create(cm(`o${i}`), value(cm(`o${i}`)));
  // Events 4..8 are retained, so a watch from 3 on still sees everything after it.
  t.is(store.oldestWatchableRevision, 3);
  const e = t.throws(() => store.watch(configmaps, { fromRevision: 2 }, () => {}), {
    instanceOf: StoreError,
  });
  t.is(e.reason, 'Expired');
  t.regex(e.message, /revision 2 is older than the oldest watchable revision 3/);
  const ok = collect(store, configmaps, { fromRevision: 3 });
  await ok.until(5);
  t.deepEqual(
    ok.events.map((x) => x.revision),
    [4, 5, 6, 7, 8],
  );
  await store.close();
  removeDataDir(dataDir);
});

test('after a restart the history is empty: watches start at the revision of the open', async (t) => {
  const dataDir = tempDataDir('restart-watch');
  let store = openStore({ dataDir });
  for (const n of ['a', 'b', 'c']) await store.create(cm(n), value(cm(n)));
  await store.close();
  store = openStore({ dataDir });
  t.is(store.oldestWatchableRevision, 3);
  t.is(
    t.throws(() => store.watch(configmaps, { fromRevision: 2 }, () => {}), { instanceOf: StoreError }).reason,
    'Expired',
  );
  const w = collect(store, configmaps, { fromRevision: 3 });
  await store.delete(cm('b'));
  await w.until(1);
  t.deepEqual(w.events.map(brief), ['DELETED default/b@4']);
  await store.close();
  removeDataDir(dataDir);
});

test('a throwing callback does not stop its own or other watches; stop() ends delivery', async (t) => {
  const dataDir = tempDataDir('throw');
  const store = openStore({ dataDir });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  let thrower = 0;
  store.watch(configmaps, {}, () => {
    thrower++;
    throw new Error('boom');
  });
  const good = collect(store, configmaps);
  const stopped = collect(store, configmaps);
  await store.create(cm('a'), value(cm('a')));
  await good.until(1);
  stopped.watch.stop();
  stopped.watch.stop();
  await store.create(cm('b'), value(cm('b')));
  await good.until(2);
  await settle();
  t.is(thrower, 2);
  t.is(stopped.events.length, 1);
  process.off('warning', onWarning);
  t.true(warnings.some((m) => /a store watch callback threw on ADDED revision 1: Error: boom/.test(m)));
  await store.close();
  removeDataDir(dataDir);
});

test('a watch with an invalid fromRevision is refused', (t) => {
  const dataDir = tempDataDir('badrev');
  const store = openStore({ dataDir });
  t.throws(() => store.watch(configmaps, { fromRevision: -1 }, () => {}), { message: /whole number/ });
  t.throws(() => store.watch(configmaps, { fromRevision: 1.5 }, () => {}), { message: /whole number/ });
  void store.close();
  removeDataDir(dataDir);
});
