/**
 * The render cache over the real render pool (worker threads): each "commit" is a fresh
 * checkout directory, as the Git snapshot store makes them. A commit that changes nothing
 * an application read returns its cached objects; touching an input, adding a file to a
 * plain directory, changing a base, or a kustomization file appearing renders again.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError } from '../../src/core/index.js';
import { RenderCache } from '../../src/daemon/render-cache.js';
import { RenderPool, type Renderer } from '../../src/daemon/render-pool.js';

const pool = new RenderPool({ threads: 1 });
let scratch: string;
let commits = 0;

test.before(() => {
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-render-cache-')));
});

test.after.always(async () => {
  await pool.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const cm = (name: string, data = 'x') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${data}"\n`;
const kustomization = (body: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

/** The files of a small repository: a base, an overlay on it, a plain directory, another app. */
const repository = (): Record<string, string> => ({
  'base/kustomization.yaml': kustomization('resources:\n- cm.yaml\n'),
  'base/cm.yaml': cm('settings', 'base'),
  'apps/shop/kustomization.yaml': kustomization(
    'resources:\n- ../../base\nnamePrefix: shop-\npatches:\n- path: patch.yaml\n',
  ),
  'apps/shop/patch.yaml': cm('settings', 'shop'),
  'apps/plain/a.yaml': cm('a'),
  'apps/other/kustomization.yaml': kustomization('resources:\n- cm.yaml\n'),
  'apps/other/cm.yaml': cm('other'),
});

/** A new checkout holding `files` (path → content, null removes); its root. */
function checkout(files: Record<string, string | null>): string {
  const root = path.join(scratch, `commit-${++commits}`);
  for (const [file, text] of Object.entries(files)) {
    if (text === null) continue;
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** The pool's renderer, counting the renders that really ran in a worker. */
function counted(): { renderFn: Renderer; calls: () => number } {
  let calls = 0;
  return {
    renderFn: (dir, options, signal) => {
      calls++;
      return pool.render(dir, options, signal);
    },
    calls: () => calls,
  };
}

/** A ConfigMap's `data` key. */
const value = (objects: ReadonlyArray<Record<string, unknown>>, key: string) =>
  (objects[0]?.data as Record<string, string> | undefined)?.[key];

const names = (objects: ReadonlyArray<{ metadata: { name?: string } }>) =>
  objects.map((o) => o.metadata.name);

test('a commit touching no input returns the cached objects; the inputs came back from the worker', async (t) => {
  const cache = new RenderCache();
  const { renderFn, calls } = counted();
  const first = checkout(repository());
  const a = await cache.render('shop', first, path.join(first, 'apps/shop'), {}, renderFn);
  t.false(a.cached);
  t.true(a.inputs.includes('base/cm.yaml') && a.inputs.includes('apps/shop/patch.yaml'), a.inputs.join(' '));
  t.deepEqual(names(a.objects), ['shop-settings']);

  // another application's file and a new unrelated file change
  const second = checkout({
    ...repository(),
    'apps/other/cm.yaml': cm('other', 'changed'),
    'docs/x.md': '#',
  });
  const b = await cache.render('shop', second, path.join(second, 'apps/shop'), {}, renderFn);
  t.true(b.cached);
  t.deepEqual(b.objects, a.objects);
  t.deepEqual(b.inputs, a.inputs);
  t.is(calls(), 1);
  t.like(cache.stats(), { renders: 1, hits: 1, entries: 1 });

  // a hit is a copy: changing it does not change the next hit
  b.objects[0]!.metadata.name = 'mutated';
  const c = await cache.render('shop', second, path.join(second, 'apps/shop'), {}, renderFn);
  t.deepEqual(names(c.objects), ['shop-settings']);
  t.like(cache.stats(), { renders: 1, hits: 2 });
});

test('touching an input renders again: a patch, then a base the overlay uses', async (t) => {
  const cache = new RenderCache();
  const { renderFn, calls } = counted();
  const files = repository();
  const first = checkout(files);
  await cache.render('shop', first, path.join(first, 'apps/shop'), {}, renderFn);

  const patched = checkout({ ...files, 'apps/shop/patch.yaml': cm('settings', 'shop-2') });
  const p = await cache.render('shop', patched, path.join(patched, 'apps/shop'), {}, renderFn);
  t.false(p.cached);
  t.is(value(p.objects, 'v'), 'shop-2');

  const rebased = checkout({
    ...files,
    'apps/shop/patch.yaml': cm('settings', 'shop-2'),
    'base/cm.yaml': `${cm('settings', 'base')}  extra: "from base"\n`,
  });
  const r = await cache.render('shop', rebased, path.join(rebased, 'apps/shop'), {}, renderFn);
  t.false(r.cached);
  t.is(value(r.objects, 'extra'), 'from base');
  t.is(calls(), 3);
  t.like(cache.stats(), { renders: 3, hits: 0 });
});

test('a file added to a plain directory renders again; one added elsewhere does not', async (t) => {
  const cache = new RenderCache();
  const { renderFn } = counted();
  const files = repository();
  const first = checkout(files);
  const a = await cache.render('plain', first, path.join(first, 'apps/plain'), {}, renderFn);
  t.deepEqual(names(a.objects), ['a']);

  const elsewhere = checkout({ ...files, 'apps/b.yaml': cm('b') });
  t.true((await cache.render('plain', elsewhere, path.join(elsewhere, 'apps/plain'), {}, renderFn)).cached);

  const added = checkout({ ...files, 'apps/plain/b.yaml': cm('b') });
  const b = await cache.render('plain', added, path.join(added, 'apps/plain'), {}, renderFn);
  t.false(b.cached);
  t.deepEqual(names(b.objects), ['a', 'b']);
  t.like(cache.stats(), { renders: 2, hits: 1 });
});

test('a second kustomization file appearing beside the first renders again (and fails as the renderer does)', async (t) => {
  const cache = new RenderCache();
  const { renderFn } = counted();
  const files = repository();
  const first = checkout(files);
  await cache.render('shop', first, path.join(first, 'apps/shop'), {}, renderFn);
  const both = checkout({ ...files, 'apps/shop/kustomization.yml': kustomization('resources: []\n') });
  await t.throwsAsync(cache.render('shop', both, path.join(both, 'apps/shop'), {}, renderFn), {
    instanceOf: CapstanError,
    code: 'RENDER_KUSTOMIZATION_AMBIGUOUS',
  });
  t.like(cache.stats(), { renders: 2, hits: 0 });
});

test('a base reached through a symlink that is retargeted renders again', async (t) => {
  const cache = new RenderCache();
  const { renderFn } = counted();
  const files = {
    'bases/v1/kustomization.yaml': kustomization('resources:\n- cm.yaml\n'),
    'bases/v1/cm.yaml': cm('settings', 'v1'),
    'bases/v2/kustomization.yaml': kustomization('resources:\n- cm.yaml\n'),
    'bases/v2/cm.yaml': cm('settings', 'v2'),
    'app/kustomization.yaml': kustomization('resources:\n- current\n'),
  };
  const first = checkout(files);
  fs.symlinkSync('../bases/v1', path.join(first, 'app/current'));
  t.is(value((await cache.render('app', first, path.join(first, 'app'), {}, renderFn)).objects, 'v'), 'v1');
  const second = checkout(files);
  fs.symlinkSync('../bases/v2', path.join(second, 'app/current'));
  const r = await cache.render('app', second, path.join(second, 'app'), {}, renderFn);
  t.false(r.cached);
  t.is(value(r.objects, 'v'), 'v2');
});

test('another source path or other render options render again', async (t) => {
  const cache = new RenderCache();
  const { renderFn } = counted();
  const root = checkout({ ...repository(), 'apps/plain/sub/c.yaml': cm('c') });
  await cache.render('app', root, path.join(root, 'apps/plain'), {}, renderFn);
  const deep = await cache.render('app', root, path.join(root, 'apps/plain'), { recursive: true }, renderFn);
  t.false(deep.cached);
  t.deepEqual(names(deep.objects), ['a', 'c']);
  const moved = await cache.render('app', root, path.join(root, 'apps/other'), { recursive: true }, renderFn);
  t.false(moved.cached);
  t.true(
    (await cache.render('app', root, path.join(root, 'apps/other'), { recursive: true }, renderFn)).cached,
  );
  t.like(cache.stats(), { renders: 3, hits: 1, entries: 1 });
});

test('bounded: the least recently used application is dropped past maxEntries', async (t) => {
  const cache = new RenderCache({ maxEntries: 2 });
  const { renderFn } = counted();
  const root = checkout(repository());
  const renderApp = (key: string, dir: string) => cache.render(key, root, path.join(root, dir), {}, renderFn);
  await renderApp('shop', 'apps/shop');
  await renderApp('plain', 'apps/plain');
  t.true((await renderApp('shop', 'apps/shop')).cached); // shop is now the most recent
  await renderApp('other', 'apps/other'); // drops plain
  t.like(cache.stats(), { renders: 3, hits: 1, entries: 2 });
  t.true((await renderApp('shop', 'apps/shop')).cached);
  t.false((await renderApp('plain', 'apps/plain')).cached);
  t.like(cache.stats(), { renders: 4, hits: 2, entries: 2 });
});

test('bounded by bytes: objects larger than maxBytes are rendered but not kept', async (t) => {
  const cache = new RenderCache({ maxBytes: 10 });
  const { renderFn } = counted();
  const root = checkout(repository());
  await cache.render('shop', root, path.join(root, 'apps/shop'), {}, renderFn);
  t.false((await cache.render('shop', root, path.join(root, 'apps/shop'), {}, renderFn)).cached);
  t.like(cache.stats(), { renders: 2, hits: 0, entries: 0, bytes: 0 });
});
