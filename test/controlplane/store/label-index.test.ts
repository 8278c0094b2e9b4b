/**
 * `list` with `labelEquals`: the store's label index answers exactly what filtering the
 * whole resource would, in the same order and pages, through creates, relabels, deletes,
 * transactions and a reopen (the index is rebuilt from disk).
 */
import test from 'ava';
import type { JsonObject } from '../../../src/core/index.js';
import {
  openStore,
  type LabelEquality,
  type Store,
  type StoreKey,
  type StorePrefix,
} from '../../../src/controlplane/store/index.js';
import { cm, configmaps, removeDataDir, tempDataDir, value } from './helpers.js';

const names = (items: { key: StoreKey }[]) => items.map((i) => `${i.key.namespace}/${i.key.name}`);
const APP = 'capstan.dev/app';

function labelled(key: StoreKey, labels: Record<string, string>): JsonObject {
  const v = value(key);
  (v.metadata as JsonObject).labels = labels;
  return v;
}

/** What a list with `labelEquals` must return: the whole prefix, filtered. */
function filtered(store: Store, prefix: StorePrefix, equalities: LabelEquality[]): string[] {
  return names(
    store.list(prefix).items.filter((o) => {
      const labels = ((o.value.metadata as JsonObject).labels ?? {}) as Record<string, string>;
      return equalities.every((e) => Object.hasOwn(labels, e.key) && labels[e.key] === e.value);
    }),
  );
}

test('a list by label sees creates, relabels and deletes', async (t) => {
  const dataDir = tempDataDir('labels-crud');
  const store = openStore({ dataDir });
  const byApp = (app: string, namespace?: string) =>
    names(store.list({ ...configmaps, namespace }, { labelEquals: [{ key: APP, value: app }] }).items);
  await store.create(cm('b', 'x'), labelled(cm('b', 'x'), { [APP]: 'web' }));
  await store.create(cm('a', 'y'), labelled(cm('a', 'y'), { [APP]: 'web' }));
  await store.create(cm('a', 'x'), labelled(cm('a', 'x'), { [APP]: 'web' }));
  await store.create(cm('c', 'x'), labelled(cm('c', 'x'), { [APP]: 'db' }));
  await store.create(cm('d', 'x'), value(cm('d', 'x')));
  t.deepEqual(byApp('web'), ['x/a', 'x/b', 'y/a'], 'ordered by namespace/name');
  t.deepEqual(byApp('db'), ['x/c']);
  t.deepEqual(byApp('web', 'y'), ['y/a']);
  t.deepEqual(byApp('none'), []);

  // relabel: web → db; another label added while the app label stays; the label removed
  await store.update(cm('b', 'x'), labelled(cm('b', 'x'), { [APP]: 'db' }));
  await store.update(cm('a', 'x'), labelled(cm('a', 'x'), { [APP]: 'web', tier: 'front' }));
  await store.update(cm('a', 'y'), value(cm('a', 'y')));
  t.deepEqual(byApp('web'), ['x/a']);
  t.deepEqual(byApp('db'), ['x/b', 'x/c']);
  t.deepEqual(names(store.list(configmaps, { labelEquals: [{ key: 'tier', value: 'front' }] }).items), [
    'x/a',
  ]);
  // a label given to an unlabelled object
  await store.update(cm('d', 'x'), labelled(cm('d', 'x'), { [APP]: 'web' }));
  t.deepEqual(byApp('web'), ['x/a', 'x/d']);

  await store.delete(cm('a', 'x'));
  await store.transaction([
    { op: 'delete', key: cm('c', 'x') },
    { op: 'create', key: cm('e', 'z'), value: labelled(cm('e', 'z'), { [APP]: 'db' }) },
  ]);
  t.deepEqual(byApp('web'), ['x/d']);
  t.deepEqual(byApp('db'), ['x/b', 'z/e']);
  t.deepEqual(names(store.list(configmaps, { labelEquals: [{ key: 'tier', value: 'front' }] }).items), []);

  // the same answers from the index rebuilt at open
  await store.close();
  const reopened = openStore({ dataDir });
  const list = reopened.list(configmaps, { labelEquals: [{ key: APP, value: 'db' }] });
  t.deepEqual(names(list.items), ['x/b', 'z/e']);
  t.is(list.revision, reopened.revision);
  await reopened.close();
  removeDataDir(dataDir);
});

test('several labels: only objects carrying all of them; the namespace range is exact', async (t) => {
  const dataDir = tempDataDir('labels-several');
  const store = openStore({ dataDir });
  // `a-b` and `a.b` sort before `a/`, `a0` and `ab` after it: none belong to namespace a
  for (const ns of ['a', 'a-b', 'a.b', 'a0', 'ab', '']) {
    for (const [name, tier] of [
      ['one', 'web'],
      ['two', 'db'],
    ]) {
      const key = { ...cm(name, ns) };
      await store.create(key, labelled(key, { [APP]: 'shop', tier }));
    }
  }
  const both = [
    { key: APP, value: 'shop' },
    { key: 'tier', value: 'web' },
  ];
  t.deepEqual(names(store.list(configmaps, { labelEquals: both }).items), [
    '/one',
    'a-b/one',
    'a.b/one',
    'a/one',
    'a0/one',
    'ab/one',
  ]);
  t.deepEqual(names(store.list({ ...configmaps, namespace: 'a' }, { labelEquals: both }).items), ['a/one']);
  t.deepEqual(names(store.list({ ...configmaps, namespace: '' }, { labelEquals: both }).items), ['/one']);
  t.deepEqual(
    store.list(configmaps, { labelEquals: [...both, { key: 'missing', value: 'x' }] }).items,
    [],
    'a label nobody has',
  );
  t.deepEqual(store.list({ group: 'x', resource: 'y' }, { labelEquals: both }).items, []);
  t.throws(() => store.list(configmaps, { labelEquals: [{ key: 1 }] as never }), {
    code: 'STORE_INVALID_ARGUMENT',
  });
  await store.close();
  removeDataDir(dataDir);
});

test('limit and continueAfter page through a list by label without gaps or repeats', async (t) => {
  const dataDir = tempDataDir('labels-pages');
  const store = openStore({ dataDir });
  for (let i = 0; i < 30; i++) {
    const key = cm(`o${String(i).padStart(2, '0')}`, i % 3 ? 'n1' : 'n2');
    await store.create(key, labelled(key, { [APP]: i % 2 ? 'odd' : 'even', tier: i % 4 ? 'a' : 'b' }));
  }
  const odd = [{ key: APP, value: 'odd' }];
  for (const limit of [1, 4, 5, 15]) {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = store.list(configmaps, { labelEquals: odd, limit, continueAfter: after });
      t.true(page.items.length <= limit);
      seen.push(...names(page.items));
      after = page.continueAfter;
      pages++;
    } while (after !== undefined);
    t.deepEqual(seen, filtered(store, configmaps, odd), `limit ${limit}`);
    // no empty last page: a page is cut only when another match follows
    t.is(pages, Math.ceil(15 / limit), `limit ${limit}`);
  }
  // a continueAfter between matches, and one past the last
  t.deepEqual(names(store.list(configmaps, { labelEquals: odd, continueAfter: 'n1/o02', limit: 2 }).items), [
    'n1/o05',
    'n1/o07',
  ]);
  t.deepEqual(store.list(configmaps, { labelEquals: odd, continueAfter: 'zz' }).items, []);
  await store.close();
  removeDataDir(dataDir);
});

test('random writes: the label index always answers what filtering the resource answers', async (t) => {
  const dataDir = tempDataDir('labels-random');
  const store = openStore({ dataDir });
  // a fixed-seed generator: the same sequence every run
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const keyOf = () => cm(`o${next(40)}`, ['a', 'b', 'a-b', 'c'][next(4)]);
  const labelsOf = () => {
    const labels: Record<string, string> = {};
    if (next(5)) labels[APP] = `app${next(6)}`;
    if (next(2)) labels.tier = ['web', 'db', ''][next(3)];
    return labels;
  };
  for (let round = 0; round < 400; round++) {
    const key = keyOf();
    const exists = store.get(key) !== undefined;
    if (!exists) await store.create(key, labelled(key, labelsOf()));
    else if (next(4) === 0) await store.delete(key);
    else await store.update(key, labelled(key, labelsOf()));
    if (round % 20 !== 0) continue;
    for (const namespace of [undefined, 'a', 'a-b']) {
      const prefix = { ...configmaps, namespace };
      for (const equalities of [
        [{ key: APP, value: `app${next(6)}` }],
        [{ key: 'tier', value: '' }],
        [
          { key: APP, value: `app${next(6)}` },
          { key: 'tier', value: 'web' },
        ],
      ]) {
        t.deepEqual(
          names(store.list(prefix, { labelEquals: equalities }).items),
          filtered(store, prefix, equalities),
          `round ${round} ${namespace ?? '*'} ${JSON.stringify(equalities)}`,
        );
      }
    }
  }
  await store.close();
  removeDataDir(dataDir);
});
