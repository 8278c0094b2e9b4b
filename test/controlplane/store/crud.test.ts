import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { isCapstanError } from '../../../src/core/index.js';
import { openStore, StoreError, type Store } from '../../../src/controlplane/store/index.js';
import { cm, configmaps, removeDataDir, tempDataDir, value } from './helpers.js';

function withStore(label: string) {
  const dataDir = tempDataDir(label);
  const store = openStore({ dataDir });
  return { dataDir, store };
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StoreError) return e.reason;
    throw e;
  }
  return 'resolved';
}

test('create stores the value with resourceVersion = its revision, readable at once', async (t) => {
  const { dataDir, store } = withStore('create');
  t.is(store.revision, 0);
  const created = await store.create(cm('a'), value(cm('a'), { x: '1' }));
  t.is(created.revision, 1);
  t.is(store.revision, 1);
  t.deepEqual(created.key, cm('a'));
  t.deepEqual(created.value, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'default', resourceVersion: '1' },
    data: { x: '1' },
  });
  t.is(store.get(cm('a')), created);
  t.is(store.get(cm('b')), undefined);
  await store.close();
  removeDataDir(dataDir);
});

test('values without metadata get one; the caller keeps its own object', async (t) => {
  const { dataDir, store } = withStore('own');
  const mine: Record<string, any> = { data: { n: 1 } };
  const pending = store.create(cm('a'), mine);
  mine.data.n = 2; // changed after the call: the store copied it already
  const created = await pending;
  t.deepEqual(created.value, { data: { n: 1 }, metadata: { resourceVersion: '1' } });
  t.deepEqual(mine, { data: { n: 2 } });
  await store.close();
  removeDataDir(dataDir);
});

test('returned values are deep-frozen, so the cache cannot be changed through them', async (t) => {
  const { dataDir, store } = withStore('frozen');
  await store.create(cm('a'), value(cm('a'), { x: '1' }));
  const got = store.get(cm('a'))!;
  t.throws(() => {
    (got.value.data as Record<string, string>).x = '2';
  });
  t.throws(() => {
    (got.value.metadata as Record<string, string>).resourceVersion = '9';
  });
  t.is((store.get(cm('a'))!.value.data as Record<string, string>).x, '1');
  await store.close();
  removeDataDir(dataDir);
});

test('update and delete: revisions advance; delete returns the last value at the delete revision', async (t) => {
  const { dataDir, store } = withStore('update');
  await store.create(cm('a'), value(cm('a'), { x: '1' }));
  const updated = await store.update(cm('a'), value(cm('a'), { x: '2' }));
  t.is(updated.revision, 2);
  t.is((updated.value.metadata as Record<string, string>).resourceVersion, '2');
  const deleted = await store.delete(cm('a'));
  t.is(deleted.revision, 3);
  t.deepEqual(deleted.value.data, { x: '2' });
  t.is((deleted.value.metadata as Record<string, string>).resourceVersion, '3');
  t.is(store.get(cm('a')), undefined);
  t.is(store.revision, 3);
  await store.close();
  removeDataDir(dataDir);
});

test('errors: AlreadyExists, NotFound, Conflict name the key and change nothing', async (t) => {
  const { dataDir, store } = withStore('errors');
  await store.create(cm('a'), value(cm('a')));
  const e = await t.throwsAsync(store.create(cm('a'), value(cm('a'))), { instanceOf: StoreError });
  t.is(e.reason, 'AlreadyExists');
  t.is(e.code, 'STORE_ALREADY_EXISTS');
  t.is(e.message, 'configmaps default/a already exists');
  t.is(await reason(store.update(cm('zz'), value(cm('zz')))), 'NotFound');
  t.is(await reason(store.delete(cm('zz'))), 'NotFound');
  const c = await t.throwsAsync(store.update(cm('a'), value(cm('a')), 7), { instanceOf: StoreError });
  t.is(c.reason, 'Conflict');
  t.regex(c.message, /configmaps default\/a has revision 1, not the expected 7/);
  t.is(await reason(store.delete(cm('a'), 7)), 'Conflict');
  t.is(store.revision, 1, 'failed writes take no revision');
  await store.close();
  removeDataDir(dataDir);
});

test('optimistic concurrency: of two updates based on the same revision, one wins', async (t) => {
  const { dataDir, store } = withStore('occ');
  const base = await store.create(cm('a'), value(cm('a'), { n: 0 }));
  const results = await Promise.allSettled([
    store.update(cm('a'), value(cm('a'), { n: 1 }), base.revision),
    store.update(cm('a'), value(cm('a'), { n: 2 }), base.revision),
  ]);
  t.is(results[0].status, 'fulfilled', 'the first in order wins');
  t.is(results[1].status, 'rejected');
  t.is(((results[1] as PromiseRejectedResult).reason as StoreError).reason, 'Conflict');
  t.deepEqual(store.get(cm('a'))!.value.data, { n: 1 });
  const after = await store.update(cm('a'), value(cm('a'), { n: 3 }), store.get(cm('a'))!.revision);
  t.is(after.revision, 3);
  await store.close();
  removeDataDir(dataDir);
});

test('keys with "/" or empty names are refused before anything is queued', async (t) => {
  const { dataDir, store } = withStore('keys');
  const bad = await t.throwsAsync(store.create(cm('a/b'), {}));
  t.true(isCapstanError(bad));
  t.regex(bad!.message, /name "a\/b" must not contain '\/'/);
  await t.throwsAsync(store.create(cm(''), {}), { message: /name must not be empty/ });
  t.throws(() => store.get({ group: '', resource: '', namespace: '', name: 'x' }), {
    message: /resource must not be empty/,
  });
  t.is(store.revision, 0);
  await store.close();
  removeDataDir(dataDir);
});

test('objects and the revision survive a restart; deleted revisions are never reused', async (t) => {
  const dataDir = tempDataDir('restart');
  let store: Store = openStore({ dataDir });
  await store.create(cm('a'), value(cm('a'), { x: '1' }));
  await store.create(cm('b'), value(cm('b')));
  await store.delete(cm('b'));
  await store.close();
  t.is((fs.statSync(dataDir).mode & 0o777).toString(8), '700');
  t.true(fs.existsSync(path.join(dataDir, 'capstan.db')));

  store = openStore({ dataDir });
  t.is(store.revision, 3);
  t.deepEqual(store.get(cm('a'))!.value, {
    ...value(cm('a'), { x: '1' }),
    metadata: { name: 'a', namespace: 'default', resourceVersion: '1' },
  });
  t.is(store.get(cm('a'))!.revision, 1);
  t.true(Object.isFrozen(store.get(cm('a'))!.value.data));
  const next = await store.create(cm('c'), value(cm('c')));
  t.is(next.revision, 4);
  await store.close();
  removeDataDir(dataDir);
});

test('a database written by a newer schema is refused with a clear error', (t) => {
  const dataDir = tempDataDir('schema');
  openStore({ dataDir }).close();
  const db = new Database(path.join(dataDir, 'capstan.db'));
  db.pragma('user_version = 99');
  db.close();
  const e = t.throws(() => openStore({ dataDir }));
  t.is((e as { code?: string }).code, 'STORE_SCHEMA_TOO_NEW');
  t.regex(e!.message, /schema version 99, written by a newer Capstan; this one reads up to 1/);
  removeDataDir(dataDir);
});

test('another SQLite file is not adopted as a store', (t) => {
  const dataDir = tempDataDir('foreign');
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'capstan.db'));
  db.exec('CREATE TABLE t (x)');
  db.close();
  const e = t.throws(() => openStore({ dataDir }));
  t.is((e as { code?: string }).code, 'STORE_NOT_A_STORE');
  removeDataDir(dataDir);
});

test('a second open of the same data directory fails while the first is open', async (t) => {
  const { dataDir, store } = withStore('locked');
  await store.create(cm('a'), value(cm('a')));
  const e = t.throws(() => openStore({ dataDir }));
  t.is((e as { code?: string }).code, 'STORE_LOCKED');
  await store.close();
  const again = openStore({ dataDir });
  t.truthy(again.get(cm('a')));
  await again.close();
  removeDataDir(dataDir);
});

test('count follows creates and deletes', async (t) => {
  const { dataDir, store } = withStore('count');
  await Promise.all(['a', 'b', 'c'].map((n) => store.create(cm(n), value(cm(n)))));
  await store.create(cm('d', 'other'), value(cm('d', 'other')));
  t.is(store.count(configmaps), 4);
  t.is(store.count({ ...configmaps, namespace: 'default' }), 3);
  await store.delete(cm('a'));
  t.is(store.count({ ...configmaps, namespace: 'default' }), 2);
  t.is(store.count({ group: 'apps', resource: 'deployments' }), 0);
  await store.close();
  removeDataDir(dataDir);
});

test('bad options are refused at open', (t) => {
  t.throws(() => openStore({ dataDir: '' }), { message: /dataDir must name the directory/ });
  t.throws(() => openStore({ dataDir: tempDataDir('opts'), historySize: -1 }), {
    message: /historySize must be a whole number/,
  });
});
