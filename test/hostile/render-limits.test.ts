/**
 * Issue 10, item 10 (the limits): a 13-level "doubling diamond" kustomization renders 8,192
 * ConfigMaps by building ~49,000 kustomizations. Renders count kustomizations built,
 * objects and their bytes as they go (a base again each time it is included) and stop at
 * the first step past a limit with RENDER_LIMIT_EXCEEDED, naming the limit, the value
 * reached and how to raise it. Early stopping is shown by counts, never by time: the error
 * reports the value at which the build stopped.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CapstanError } from '../../src/core/index.js';
import { DEFAULT_RENDER_LIMITS, render, type RenderOptions } from '../../src/render/index.js';
import { writeDiamond } from '../helpers/diamond-kustomization.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function tempDir(t: ExecutionContext): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-hostile-limits-')));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A diamond whose single leaf file is replaced by `leaf` (so each copy of it weighs more). */
function diamond(t: ExecutionContext, levels: number, leaf?: string): string {
  const dir = tempDir(t);
  writeDiamond(dir, levels);
  if (leaf !== undefined) fs.writeFileSync(path.join(dir, 'l0', 'config.yaml'), leaf);
  return dir;
}

const configMaps = (count: number, data = 'v') =>
  Array.from(
    { length: count },
    (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: ${data}\n`,
  ).join('');

function exceeded(t: ExecutionContext, dir: string, options: RenderOptions = {}): CapstanError {
  return t.throws(() => render(dir, { repoRoot: dir, ...options }), {
    instanceOf: CapstanError,
    code: 'RENDER_LIMIT_EXCEEDED',
  });
}

test('the 13-level diamond is refused with the default limits, after a sixth of its kustomizations', (t) => {
  const dir = diamond(t, 13);
  const err = exceeded(t, dir);
  const max = DEFAULT_RENDER_LIMITS.maxKustomizations;
  // the whole render builds 32,766 kustomizations: level n (1..13) 2^(13-n) times, each time
  // 3 of them (the level, its -a and -b branches), 8,192 leaves and the top; it stopped at 5,001
  t.deepEqual(err.data, { path: err.data.path, limit: 'maxKustomizations', max, value: max + 1 });
  t.regex(err.message, /kustomization\.yaml: the render went past its limit of 5000 kustomizations built/);
  t.regex(err.message, /reaching 5001/);
  t.regex(
    err.message,
    /raise maxKustomizations \(capstan render --max-kustomizations N; the daemon: render.maxKustomizations in its configuration\)/,
  );
});

test('objects are counted as they are read: an object-heavy diamond stops at the first file past maxObjects', (t) => {
  // 100 objects a leaf, 8 levels: 25,600 objects from ~1,500 kustomizations
  const dir = diamond(t, 8, configMaps(100));
  const err = exceeded(t, dir);
  t.like(err.data, { limit: 'maxObjects', max: 20_000, value: 20_100, path: 'l0/config.yaml' });
  t.regex(err.message, /limit of 20000 objects \(maxObjects\), reaching 20100.*--max-objects N/);
});

test('bytes are counted as objects are read: a diamond of a 100 KiB ConfigMap stops at maxBytes', (t) => {
  const big = 'x'.repeat(100 * 1024);
  const dir = diamond(t, 6, configMaps(1, big)); // 64 copies: 6.4 MiB
  const err = exceeded(t, dir, { maxBytes: 1024 * 1024 });
  t.like(err.data, { limit: 'maxBytes', max: 1024 * 1024 });
  const value = err.data.value as number;
  t.true(value > 1024 * 1024 && value < 1024 * 1024 + big.length + 200, String(value)); // one object past it
  t.regex(err.message, /bytes of objects \(as JSON\) \(maxBytes\).*--max-bytes N/);
});

test('generated objects count too', (t) => {
  const dir = tempDir(t);
  const generators = Array.from({ length: 30 }, (_, i) => `- name: g${i}\n  literals: [k=v]\n`).join('');
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `configMapGenerator:\n${generators}`);
  t.like(exceeded(t, dir, { maxObjects: 29 }).data, {
    limit: 'maxObjects',
    value: 30,
    path: 'kustomization.yaml',
  });
  t.is(render(dir, { repoRoot: dir, maxObjects: 30 }).objects.length, 30);
});

test('plain directories have the object and byte limits; a render exactly at a limit passes', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'a.yaml'), configMaps(10));
  fs.writeFileSync(path.join(dir, 'b.yaml'), configMaps(10));
  t.is(render(dir, { maxObjects: 20 }).objects.length, 20);
  t.like(exceeded(t, dir, { maxObjects: 19 }).data, { limit: 'maxObjects', value: 20, path: 'b.yaml' });
  t.like(exceeded(t, dir, { maxBytes: 100 }).data, { limit: 'maxBytes', path: 'a.yaml' });
});

test('a limit that is not a positive integer is RENDER_INVALID_OPTION', (t) => {
  const dir = diamond(t, 1);
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => render(dir, { maxObjects: bad }), {
      code: 'RENDER_INVALID_OPTION',
      message: /maxObjects/,
    });
  }
});

function capstan(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('capstan render takes the limits as flags', async (t) => {
  const dir = diamond(t, 3);
  const [low, enough, bad] = await Promise.all([
    capstan('render', dir, '--max-kustomizations', '10'),
    capstan('render', dir, '--max-kustomizations', '30', '--max-objects', '8', '-o', 'json'), // exactly enough
    capstan('render', dir, '--max-objects', 'many'),
  ]);
  t.is(low.status, 1, low.stderr);
  t.is(low.stdout, '');
  t.regex(
    low.stderr,
    /^error: .*limit of 10 kustomizations built.*--max-kustomizations N.*\[RENDER_LIMIT_EXCEEDED\]\n$/,
  );
  t.is(enough.status, 0, enough.stderr);
  t.is((JSON.parse(enough.stdout) as unknown[]).length, 8);
  t.is(bad.status, 2, bad.stderr);
  t.regex(bad.stderr, /--max-objects must be a positive integer, got 'many'/);
});
