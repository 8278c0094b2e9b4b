import test from 'ava';
import { openStore, StoreError } from '../../../src/controlplane/store/index.js';
import { cm, collect, configmaps, removeDataDir, tempDataDir, value } from './helpers.js';

test('close commits writes issued before it, then refuses every call with Closed', async (t) => {
  const dataDir = tempDataDir('close');
  const store = openStore({ dataDir });
  const w = collect(store, configmaps);
  const pending = [store.create(cm('a'), value(cm('a'))), store.create(cm('b'), value(cm('b')))];
  const closing = store.close();
  t.is(store.close(), closing, 'idempotent: the same promise');
  const late = store.create(cm('c'), value(cm('c')));
  await closing;
  t.deepEqual(
    (await Promise.all(pending)).map((r) => r.revision),
    [1, 2],
  );
  await w.until(2);
  t.is((await t.throwsAsync(late, { instanceOf: StoreError })).reason, 'Closed');
  for (const call of [
    () => store.get(cm('a')),
    () => store.list(configmaps),
    () => store.count(configmaps),
    () => store.watch(configmaps, {}, () => {}),
  ]) {
    t.is(t.throws(call, { instanceOf: StoreError }).reason, 'Closed');
  }
  for (const call of [
    () => store.update(cm('a'), {}),
    () => store.delete(cm('a')),
    () => store.transaction([{ op: 'delete', key: cm('a') }]),
  ]) {
    const e = await t.throwsAsync(call(), { instanceOf: StoreError });
    t.is(e.reason, 'Closed');
    t.is(e.message, 'the store is closed');
  }
  await store.close();

  const reopened = openStore({ dataDir });
  t.deepEqual(
    reopened.list(configmaps).items.map((i) => i.key.name),
    ['a', 'b'],
  );
  await reopened.close();
  removeDataDir(dataDir);
});
