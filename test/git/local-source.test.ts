import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { hashDirectory, LocalSource, type Timers } from '../../src/git/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { eventually } from '../helpers/eventually.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'capstan-local-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

test('an edit in a watched directory gives one debounced change event within a second', async (t) => {
  const dir = tree({ 'base/deploy.yaml': 'replicas: 1\n', 'base/svc.yaml': 'port: 80\n' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const source = new LocalSource({ dir });
  t.teardown(() => source.close());
  const events: Array<{ at: number; paths: string[] }> = [];
  source.on('changed', (paths) => events.push({ at: Date.now(), paths }));
  await source.start();
  const before = await source.revision();

  const start = Date.now();
  writeFileSync(path.join(dir, 'base/deploy.yaml'), 'replicas: 3\n');
  writeFileSync(path.join(dir, 'base/new.yaml'), 'kind: ConfigMap\n');
  rmSync(path.join(dir, 'base/svc.yaml'));
  await eventually(() => events.length > 0, 5_000);
  t.true(events[0].at - start < 1_000, `change seen after ${events[0].at - start} ms`);
  t.deepEqual(events[0].paths, ['base/deploy.yaml', 'base/new.yaml', 'base/svc.yaml']);
  const after = await source.revision();
  t.not(after, before);
  t.regex(after, /^[0-9a-f]{64}$/);
  // Settled: no second event for the same burst.
  await new Promise((r) => setTimeout(r, 400));
  t.is(events.length, 1);
});

test('.git and node_modules are ignored by the watcher and by the revision', async (t) => {
  const dir = tree({
    'app.yaml': 'a: 1\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    'node_modules/x/i.js': '',
  });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const source = new LocalSource({ dir, debounceMs: 50 });
  t.teardown(() => source.close());
  const events: string[][] = [];
  source.on('changed', (paths) => events.push(paths));
  await source.start();
  const rev = await source.revision();
  writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/other\n');
  writeFileSync(path.join(dir, 'node_modules/x/i.js'), 'changed');
  mkdirSync(path.join(dir, 'sub/node_modules'), { recursive: true });
  writeFileSync(path.join(dir, 'sub/node_modules/y.js'), 'y');
  t.is(await source.revision(), rev);
  writeFileSync(path.join(dir, 'app.yaml'), 'a: 2\n');
  await eventually(() => events.length > 0, 5_000);
  t.deepEqual(events, [['app.yaml']]);
});

test('the content hash depends on paths, contents, executable bits and symlinks only', async (t) => {
  const a = tree({ 'x.yaml': 'x\n', 'd/y.yaml': 'y\n' });
  const b = tree({ 'd/y.yaml': 'y\n', 'x.yaml': 'x\n' });
  t.teardown(() => [a, b].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const cache = new Map();
  const h = await hashDirectory(a, { cache });
  t.is(await hashDirectory(b), h, 'same files elsewhere, written in another order: same revision');
  mkdirSync(path.join(b, 'empty'));
  t.is(await hashDirectory(b), h, 'empty directories do not count');
  chmodSync(path.join(b, 'x.yaml'), 0o755);
  const exec = await hashDirectory(b);
  t.not(exec, h);
  symlinkSync('x.yaml', path.join(b, 'link'));
  t.not(await hashDirectory(b), exec);
  writeFileSync(path.join(a, 'x.yaml'), 'x2\n');
  t.not(await hashDirectory(a, { cache }), h, 'a cached digest is refreshed when the file changes');
});

test('debounce with an injected clock: quiet time, and maxWait under a stream of writes', async (t) => {
  const dir = tree({ 'f0.yaml': '0' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new FakeClock(0);
  const delays: number[] = [];
  const timers: Timers = {
    now: () => clock.now(),
    setTimeout: (fn, ms) => (delays.push(ms), clock.setTimeout(fn, ms)),
    clearTimeout: (timer) => clock.clearTimeout(timer as ReturnType<FakeClock['setTimeout']>),
  };
  const source = new LocalSource({ dir, debounceMs: 300, maxWaitMs: 1_000, timers });
  t.teardown(() => source.close());
  const events: string[][] = [];
  source.on('changed', (paths) => events.push(paths));
  await source.start();
  let n = 0;
  /**
   * Writes, then waits for chokidar to see the write: it (re)arms the debounce timer. A new file
   * each time: chokidar drops a second change to one path within 50 ms (real time).
   */
  const edit = async (): Promise<void> => {
    const seen = delays.length;
    writeFileSync(path.join(dir, `f${++n}.yaml`), String(n));
    await eventually(() => delays.length > seen, 5_000);
  };
  await edit();
  clock.advance(299);
  t.is(events.length, 0);
  clock.advance(1);
  t.deepEqual(events, [['f1.yaml']]);

  // An edit every 250 ms never leaves 300 ms of quiet, but the event still fires 1 s after the first.
  delays.length = 0;
  for (let i = 0; i < 4; i++) {
    await edit();
    clock.advance(250);
  }
  t.deepEqual(delays, [300, 300, 300, 250]);
  t.deepEqual(events[1], ['f2.yaml', 'f3.yaml', 'f4.yaml', 'f5.yaml']);

  t.throws(() => new LocalSource({ dir, debounceMs: -1 }), { instanceOf: CapstanError });
  const missing = new LocalSource({ dir: path.join(dir, 'nope') });
  const e = await t.throwsAsync(missing.start(), { instanceOf: CapstanError });
  t.is(e.code, 'GIT_LOCAL_NOT_FOUND');
});
