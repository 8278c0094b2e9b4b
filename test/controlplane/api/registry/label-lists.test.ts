/**
 * Lists and watches with a `k=v` label selector, answered from the store's label index:
 * the same items, order, resourceVersion and pages as the scan of the whole kind (the
 * selector `k in (v,none)` selects the same objects but cannot use the index), while the
 * store hands the registry only the objects carrying the label.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../../../src/core/index.js';
import { builtinResourceTypes, resourceTypesFromCrd } from '../../../../src/controlplane/api/kinds/index.js';
import { Registry } from '../../../../src/controlplane/api/registry/registry.js';
import { TypeRegistry } from '../../../../src/controlplane/api/registry/type-registry.js';
import type { ApiWatchEvent, ListOptions } from '../../../../src/controlplane/api/types.js';
import { openStore, type ListOptions as StoreListOptions } from '../../../../src/controlplane/store/index.js';
import { ApiError } from '../../../../src/controlplane/index.js';
import { eventually } from '../../../helpers/eventually.js';

const CM = { group: '', version: 'v1', resource: 'configmaps' };
const NS = { group: '', version: 'v1', resource: 'namespaces' };
const APP = 'capstan.dev/app';

/** A registry over a real store, counting the objects the store hands it per list. */
async function setup(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-label-lists-'));
  const store = openStore({ dataDir: path.join(dir, 'data') });
  const api = new Registry({ store, types: new TypeRegistry(builtinResourceTypes(), resourceTypesFromCrd) });
  const handed: number[] = [];
  const list = store.list.bind(store);
  store.list = (prefix, options?: StoreListOptions) => {
    const result = list(prefix, options);
    handed.push(result.items.length);
    return result;
  };
  t.teardown(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const name of ['a', 'a-b', 'b']) await api.create(NS, undefined, { metadata: { name } });
  return { api, store, handed };
}

const cmBody = (name: string, labels: Record<string, string>): JsonObject => ({
  metadata: { name, labels },
  data: { name },
});
const names = (list: JsonObject) =>
  (list.items as JsonObject[]).map((o) => {
    const meta = o.metadata as { namespace: string; name: string };
    return `${meta.namespace}/${meta.name}`;
  });

/** Every page of a list, as one list of names, with each page's metadata. */
function allPages(api: Registry, namespace: string | undefined, options: ListOptions) {
  const pages: JsonObject[] = [];
  let next: string | undefined;
  do {
    const page = api.list(CM, namespace, { ...options, continue: next });
    pages.push(page);
    next = (page.metadata as { continue?: string }).continue;
  } while (next);
  return { names: pages.flatMap(names), metas: pages.map((p) => p.metadata as JsonObject) };
}

test('a k=v list answers what a scan answers: items, order, resourceVersion, pages', async (t) => {
  const { api } = await setup(t);
  for (let i = 0; i < 24; i++) {
    const ns = ['a', 'a-b', 'b'][i % 3];
    await api.create(
      CM,
      ns,
      cmBody(`c${String(i).padStart(2, '0')}`, { [APP]: `app${i % 4}`, tier: i % 2 ? 'web' : 'db' }),
    );
  }
  await api.create(CM, 'a', cmBody('unlabelled', {}));
  const selectors: Array<[string, string]> = [
    [`${APP}=app1`, `${APP} in (app1,none)`],
    [`${APP}==app2`, `${APP} in (app2,none)`],
    [`${APP} in (app3)`, `${APP} in (app3,none)`],
    [`${APP}=app1,tier!=db`, `${APP} in (app1,none),tier!=db`],
    [`tier=web,${APP}=app1`, `tier in (web,none),${APP} in (app1,none)`],
    [`${APP}=app0,!tier`, `${APP} in (app0,none),!tier`],
    [`${APP}=none`, `${APP} in (none,nothing)`],
  ];
  for (const [indexed, scanned] of selectors) {
    for (const namespace of [undefined, 'a', 'a-b']) {
      for (const fieldSelector of [undefined, 'metadata.name!=c07', 'metadata.namespace=a-b']) {
        const what = `${indexed} in ${namespace ?? 'all namespaces'} ${fieldSelector ?? ''}`;
        const one = api.list(CM, namespace, { labelSelector: indexed, fieldSelector });
        const scan = api.list(CM, namespace, { labelSelector: scanned, fieldSelector });
        t.deepEqual(one, { ...scan }, what);
        for (const limit of [1, 2, 5]) {
          const paged = allPages(api, namespace, { labelSelector: indexed, fieldSelector, limit });
          const pagedScan = allPages(api, namespace, { labelSelector: scanned, fieldSelector, limit });
          t.deepEqual(paged, pagedScan, `${what} limit ${limit}`);
          t.deepEqual(paged.names, names(one), `${what} limit ${limit}`);
        }
      }
    }
  }
  const one = api.list(CM, undefined, { labelSelector: `${APP}=app1` });
  t.deepEqual(names(one), ['a-b/c01', 'a-b/c13', 'a/c09', 'a/c21', 'b/c05', 'b/c17']);
  const first = api.list(CM, undefined, { labelSelector: `${APP}=app1`, limit: 4 });
  t.is((first.metadata as JsonObject).remainingItemCount, 2);
  t.throws(() => api.list(CM, undefined, { labelSelector: `${APP}=(x` }), { instanceOf: ApiError });
});

test('the store hands a k=v list only the objects carrying the label', async (t) => {
  const { api, handed } = await setup(t);
  for (let i = 0; i < 40; i++) await api.create(CM, 'b', cmBody(`c${i}`, { [APP]: `app${i % 10}` }));
  handed.length = 0;
  t.is(names(api.list(CM, undefined, { labelSelector: `${APP}=app3` })).length, 4);
  t.is(names(api.list(CM, 'b', { labelSelector: `${APP}=app3,tier!=db` })).length, 4);
  t.is(names(api.list(CM, 'a', { labelSelector: `${APP}=app3` })).length, 0);
  t.is(names(api.list(CM, undefined, { labelSelector: APP })).length, 40);
  t.deepEqual(handed, [4, 4, 0, 40], 'k=v narrowed by the index; existence scans');
  const w = api.watch(CM, undefined, { labelSelector: `${APP}=app7` }, () => {});
  w.stop();
  t.deepEqual(handed.slice(4), [4], 'a watch starts from the indexed list');
});

test('a k=v list follows relabels and deletes', async (t) => {
  const { api } = await setup(t);
  await api.create(CM, 'a', cmBody('one', { [APP]: 'web' }));
  await api.create(CM, 'b', cmBody('two', { [APP]: 'web' }));
  const web = () => names(api.list(CM, undefined, { labelSelector: `${APP}=web` }));
  const shop = () => names(api.list(CM, undefined, { labelSelector: `${APP}=shop` }));
  t.deepEqual(web(), ['a/one', 'b/two']);
  await api.patch(CM, 'a', 'one', 'merge', { metadata: { labels: { [APP]: 'shop' } } });
  t.deepEqual(web(), ['b/two']);
  t.deepEqual(shop(), ['a/one']);
  await api.patch(CM, 'b', 'two', 'merge', { metadata: { labels: { [APP]: null, other: 'x' } } });
  t.deepEqual(web(), []);
  t.deepEqual(names(api.list(CM, undefined, { labelSelector: 'other=x' })), ['b/two']);
  await api.delete(CM, 'a', 'one');
  t.deepEqual(shop(), []);
  const list = api.list(CM, undefined, { labelSelector: `${APP}=shop` });
  t.is((list.metadata as JsonObject).resourceVersion, String(api.store.revision));
});

test('a k=v watch starts with the matching objects in order, then follows changes', async (t) => {
  const { api } = await setup(t);
  for (const [ns, name, app] of [
    ['b', 'z', 'web'],
    ['a', 'y', 'web'],
    ['a', 'x', 'db'],
    ['a-b', 'w', 'web'],
  ])
    await api.create(CM, ns, cmBody(name, { [APP]: app }));
  const seen: string[] = [];
  const record = (e: ApiWatchEvent) => {
    const meta = e.object.metadata as { namespace: string; name: string };
    seen.push(`${e.type} ${meta.namespace}/${meta.name}`);
  };
  const all = api.watch(CM, undefined, { labelSelector: `${APP}=web` }, record);
  const inA = api.watch(CM, 'a', { labelSelector: `${APP}=web,tier!=db` }, (e) =>
    record({ ...e, type: `a:${e.type}` as never }),
  );
  t.teardown(() => {
    all.stop();
    inA.stop();
  });
  await eventually(() => seen.length === 4);
  t.deepEqual(seen.splice(0), ['ADDED a-b/w', 'ADDED a/y', 'ADDED b/z', 'a:ADDED a/y']);
  await api.patch(CM, 'a', 'x', 'merge', { metadata: { labels: { [APP]: 'web' } } });
  await api.patch(CM, 'b', 'z', 'merge', { metadata: { labels: { [APP]: 'db' } } });
  await eventually(() => seen.length === 3);
  t.deepEqual(seen, ['ADDED a/x', 'a:ADDED a/x', 'DELETED b/z']);
});
