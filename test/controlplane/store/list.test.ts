import test from 'ava';
import { openStore, type StoreKey } from '../../../src/controlplane/store/index.js';
import { cm, configmaps, removeDataDir, tempDataDir, value } from './helpers.js';

const names = (items: { key: StoreKey }[]) => items.map((i) => `${i.key.namespace}/${i.key.name}`);

test('list is ordered by namespace then name, in etcd key order', async (t) => {
  const dataDir = tempDataDir('order');
  const store = openStore({ dataDir });
  const keys = [cm('b', 'a'), cm('a', 'a-b'), cm('c', 'a'), cm('a', 'a0'), cm('x', 'a'), cm('a', 'b')];
  for (const k of keys) await store.create(k, value(k));
  // '-' < '/' < '0': `a-b/…` sorts before `a/…`, which sorts before `a0/…`, as in etcd.
  t.deepEqual(names(store.list(configmaps).items), ['a-b/a', 'a/b', 'a/c', 'a/x', 'a0/a', 'b/a']);
  t.deepEqual(names(store.list({ ...configmaps, namespace: 'a' }).items), ['a/b', 'a/c', 'a/x']);
  t.deepEqual(store.list({ ...configmaps, namespace: 'none' }).items, []);
  t.deepEqual(store.list({ group: 'x', resource: 'y' }), { items: [], revision: 6 });
  await store.close();
  removeDataDir(dataDir);
});

test('cluster-scoped objects (namespace "") are listed by name', async (t) => {
  const dataDir = tempDataDir('cluster');
  const store = openStore({ dataDir });
  const ns = (name: string) => ({ group: '', resource: 'namespaces', namespace: '', name });
  for (const n of ['kube-system', 'default', 'apps']) await store.create(ns(n), { metadata: { name: n } });
  const all = store.list({ group: '', resource: 'namespaces' });
  t.deepEqual(
    all.items.map((i) => i.key.name),
    ['apps', 'default', 'kube-system'],
  );
  t.is(store.list({ group: '', resource: 'namespaces', namespace: '' }).items.length, 3);
  await store.close();
  removeDataDir(dataDir);
});

test('limit and continueAfter page through a list without gaps or repeats', async (t) => {
  const dataDir = tempDataDir('pages');
  const store = openStore({ dataDir });
  const all = Array.from({ length: 25 }, (_, i) =>
    cm(`o${String(i).padStart(2, '0')}`, i % 2 ? 'odd' : 'even'),
  );
  await Promise.all(all.map((k) => store.create(k, value(k))));
  for (const namespace of [undefined, 'odd']) {
    const prefix = { ...configmaps, namespace };
    const pages: string[][] = [];
    let continueAfter: string | undefined;
    do {
      const page = store.list(prefix, { limit: 4, continueAfter });
      t.is(page.revision, 25);
      pages.push(names(page.items));
      continueAfter = page.continueAfter;
    } while (continueAfter !== undefined);
    const expected = names(store.list(prefix).items);
    t.deepEqual(pages.flat(), expected);
    t.true(pages.slice(0, -1).every((p) => p.length === 4));
    t.is(pages.at(-1)!.length, expected.length % 4 || 4);
  }
  // A limit that takes exactly everything leaves no continue token.
  t.is(store.list(configmaps, { limit: 25 }).continueAfter, undefined);
  t.is(store.list(configmaps, { limit: 0 }).items.length, 25);
  await store.close();
  removeDataDir(dataDir);
});

test('a page continues after its last key even if that key was deleted meanwhile', async (t) => {
  const dataDir = tempDataDir('continue');
  const store = openStore({ dataDir });
  for (const n of ['a', 'b', 'c', 'd']) await store.create(cm(n), value(cm(n)));
  const first = store.list(configmaps, { limit: 2 });
  t.deepEqual(names(first.items), ['default/a', 'default/b']);
  await store.delete(cm('b'));
  await store.create(cm('bb'), value(cm('bb')));
  const rest = store.list(configmaps, { continueAfter: first.continueAfter });
  t.deepEqual(names(rest.items), ['default/bb', 'default/c', 'default/d']);
  await store.close();
  removeDataDir(dataDir);
});

test('updates keep an object in place; list items are shared frozen records', async (t) => {
  const dataDir = tempDataDir('inplace');
  const store = openStore({ dataDir });
  for (const n of ['a', 'b', 'c']) await store.create(cm(n), value(cm(n)));
  await store.update(cm('b'), value(cm('b'), { v: '2' }));
  const items = store.list(configmaps).items;
  t.deepEqual(names(items), ['default/a', 'default/b', 'default/c']);
  t.deepEqual(
    items.map((i) => i.revision),
    [1, 4, 3],
  );
  t.is(items[1], store.get(cm('b'))!);
  t.true(Object.isFrozen(items[1]));
  await store.close();
  removeDataDir(dataDir);
});

test('a list of 10,000 objects returns them all in order', async (t) => {
  const dataDir = tempDataDir('big');
  const store = openStore({ dataDir });
  const keys = Array.from({ length: 10_000 }, (_, i) => cm(`obj-${(i * 7919) % 10_000}`, `ns-${i % 10}`));
  await Promise.all(keys.map((k) => store.create(k, value(k))));
  const listed = names(store.list(configmaps).items);
  t.is(listed.length, 10_000);
  t.deepEqual(listed, [...listed].sort());
  t.is(store.list({ ...configmaps, namespace: 'ns-3' }).items.length, 1000);
  await store.close();
  removeDataDir(dataDir);
});
