/**
 * The render pool: objects come back whole from the worker thread, a user's mistake comes
 * back as the same CapstanError (class, code, message, data), an aborted render is
 * rejected, and close() is idempotent and refuses later renders.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError } from '../../src/core/index.js';
import { render } from '../../src/render/index.js';
import { RenderPool } from '../../src/daemon/render-pool.js';
import { hashInputs } from '../../src/daemon/render-input-hash.js';
import { writeDiamond } from '../helpers/diamond-kustomization.js';

let root: string;
const pool = new RenderPool({ threads: 1 });

test.before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-render-pool-'));
});

test.after.always(async () => {
  await pool.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function dir(name: string, files: Record<string, string>): string {
  const d = path.join(root, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, file)), { recursive: true });
    fs.writeFileSync(path.join(d, file), text);
  }
  return d;
}

test.serial('renders in a worker what render() gives on the main thread', async (t) => {
  const d = path.join(root, 'diamond');
  writeDiamond(d, 4);
  const { hashes, ...off } = await pool.render(d, { repoRoot: d });
  t.deepEqual(off, render(d, { repoRoot: d }));
  t.is(off.objects.length, 16);
  // the render cache's hashes of the inputs come with it, taken in the worker
  t.deepEqual(hashes, hashInputs(d, off.inputs));
  t.is(hashes?.length, off.inputs.length);
});

test.serial("a user's mistake arrives as the renderer's CapstanError", async (t) => {
  const d = dir('escape', { 'kustomization.yaml': 'resources: [../outside.yaml]\n' });
  fs.writeFileSync(path.join(root, 'outside.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
  const expected = t.throws(() => render(d, { repoRoot: d }), { instanceOf: CapstanError });
  const error = await t.throwsAsync(pool.render(d, { repoRoot: d }), { instanceOf: CapstanError });
  t.is(error?.code, expected?.code);
  t.is(error?.message, expected?.message);
  t.deepEqual(error?.data, expected?.data);
});

test.serial(
  'render options reach the worker: a render limit refuses there, code and data intact',
  async (t) => {
    const d = path.join(root, 'limited');
    writeDiamond(d, 4);
    const error = await t.throwsAsync(pool.render(d, { repoRoot: d, maxObjects: 5 }), {
      instanceOf: CapstanError,
      code: 'RENDER_LIMIT_EXCEEDED',
    });
    t.like(error?.data, { limit: 'maxObjects', max: 5 });
  },
);

test.serial('an aborted render is rejected', async (t) => {
  const d = path.join(root, 'aborted');
  writeDiamond(d, 8);
  const controller = new AbortController();
  const rendering = pool.render(d, { repoRoot: d }, controller.signal);
  controller.abort();
  await t.throwsAsync(rendering, { name: 'AbortError' });
});

test.serial('close() twice is fine; a render after it is refused', async (t) => {
  const own = new RenderPool();
  const d = dir('after-close', { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' });
  t.is((await own.render(d, {})).objects.length, 1);
  await own.close();
  await own.close();
  await t.throwsAsync(own.render(d, {}), { instanceOf: CapstanError, code: 'RENDER_POOL_CLOSED' });
});

test.serial("the configuration's render limits apply unless a render asks for its own", async (t) => {
  const own = new RenderPool({ threads: 1, limits: { maxObjects: 2 } });
  t.teardown(() => own.close());
  const files: Record<string, string> = {};
  for (const n of ['a', 'b', 'c'])
    files[`${n}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\n`;
  const d = dir('configured-limits', files);
  const error = await t.throwsAsync(own.render(d, {}), { code: 'RENDER_LIMIT_EXCEEDED' });
  t.like((error as CapstanError).data, { limit: 'maxObjects', max: 2 });
  t.is((await own.render(d, { maxObjects: 3 })).objects.length, 3);
});
