import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { SnapshotStore } from '../../src/git/index.js';
import { removeReadOnlyTree } from '../../src/git/fs-tree.js';
import { gitFixture } from './fixture.js';

const sha = (n: number): string => n.toString(16).padStart(40, '0');

function tmpStore(maxBytes: number): SnapshotStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'capstan-snapshots-'));
  return new SnapshotStore({ dir, maxBytes });
}

/** A writer of `bytes` bytes in one file. */
const fill = (bytes: number) => async (dir: string) =>
  writeFileSync(path.join(dir, 'f'), Buffer.alloc(bytes));

test('snapshots past the size bound are evicted least recently used first, never while leased', async (t) => {
  const store = tmpStore(250);
  t.teardown(() => removeReadOnlyTree(store.dir));
  const a = await store.acquire(sha(1), fill(100));
  const b = await store.acquire(sha(2), fill(100));
  await a.release();
  await b.release();
  // Touch 1: 2 is now the least recently used.
  await store.lease(sha(1))!.release();
  const c = await store.acquire(sha(3), fill(100));
  t.deepEqual(store.commits(), [sha(1), sha(3)]);
  t.false(existsSync(path.join(store.dir, sha(2))));
  t.is(store.totalBytes, 200);

  // Everything leased: the bound is exceeded rather than a snapshot in use deleted.
  const one = store.lease(sha(1))!;
  const d = await store.acquire(sha(4), fill(100));
  t.deepEqual(store.commits(), [sha(3), sha(1), sha(4)]);
  t.is(store.totalBytes, 300);
  t.true(existsSync(path.join(c.dir, 'f')));
  // Released: the least recently used unleased one (3) goes.
  await c.release();
  t.deepEqual(store.commits(), [sha(1), sha(4)]);
  await c.release(); // idempotent
  await one.release();
  await d.release();
  t.deepEqual(store.commits(), [sha(1), sha(4)]);
});

test('a snapshot is written once, atomically; concurrent acquires share the write', async (t) => {
  const store = tmpStore(10_000);
  t.teardown(() => removeReadOnlyTree(store.dir));
  let writes = 0;
  const slow = async (dir: string) => {
    writes++;
    t.false(existsSync(path.join(store.dir, sha(7))), 'not visible under its final name while being written');
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(path.join(dir, 'f'), 'x');
  };
  const [x, y] = await Promise.all([store.acquire(sha(7), slow), store.acquire(sha(7), slow)]);
  t.is(writes, 1);
  t.is(x.dir, y.dir);
  const z = await store.acquire(sha(7), slow);
  t.is(writes, 1);
  await Promise.all([x.release(), y.release(), z.release()]);

  // A failed write leaves nothing behind, and the error passes through.
  await t.throwsAsync(
    store.acquire(sha(8), async (dir) => {
      writeFileSync(path.join(dir, 'partial'), 'x');
      throw new Error('boom');
    }),
    { message: 'boom' },
  );
  t.false(store.has(sha(8)));
  t.deepEqual(readdirSync(store.dir), [sha(7)]);
});

test('a reopened store finds its snapshots and removes interrupted writes', async (t) => {
  const store = tmpStore(10_000);
  t.teardown(() => removeReadOnlyTree(store.dir));
  await (await store.acquire(sha(1), fill(10))).release();
  mkdirSync(path.join(store.dir, `.tmp-${sha(2)}-abcd`));
  writeFileSync(path.join(store.dir, `.tmp-${sha(2)}-abcd`, 'half'), 'x');
  const again = new SnapshotStore({ dir: store.dir, maxBytes: 10_000 });
  await again.open();
  t.deepEqual(again.commits(), [sha(1)]);
  t.is(again.totalBytes, 10);
  t.deepEqual(readdirSync(store.dir), [sha(1)]);
  t.throws(() => new SnapshotStore({ dir: store.dir, maxBytes: 0 }), { instanceOf: CapstanError });
});

test('synced snapshots are read-only and are never rewritten', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const first = f.work.commit({ 'app/a.yaml': 'a: 1\n' });
  f.work.push();
  const source = f.source();
  const one = await source.sync();
  const file = path.join(one.snapshot.dir, 'app/a.yaml');
  t.is(statSync(file).mode & 0o222, 0, 'files have no write bit');
  t.is(statSync(path.join(one.snapshot.dir, 'app')).mode & 0o222, 0, 'directories have no write bit');
  t.is(statSync(one.snapshot.dir).mode & 0o222, 0);
  if (process.getuid?.() !== 0) {
    // (root ignores permission bits, so this part only runs as another user)
    t.throws(() => writeFileSync(file, 'changed'), { code: 'EACCES' });
    t.throws(() => writeFileSync(path.join(one.snapshot.dir, 'new.yaml'), 'x'), { code: 'EACCES' });
  }
  const mtime = statSync(file).mtimeMs;
  const again = await source.sync();
  t.is(again.commit, first);
  t.is(again.snapshot.dir, one.snapshot.dir);
  t.is(statSync(file).mtimeMs, mtime, 'the same commit is not written again');
  await one.snapshot.release();
  await again.snapshot.release();
});

test('syncing new commits evicts old snapshots past the bound but keeps the leased one', async (t) => {
  const f = await gitFixture({ maxBytes: 2500 });
  t.teardown(() => f.close());
  const source = f.source();
  const commits: string[] = [];
  const leases = [];
  for (let i = 0; i < 4; i++) {
    commits.push(f.work.commit({ 'big.txt': `${i}`.repeat(1000) }, `c${i}`));
    f.work.push();
    const s = await source.sync();
    leases.push(s.snapshot);
    if (i > 0) await s.snapshot.release();
  }
  // Commit 0 is still leased: kept although it is the oldest; 1 and 2 were evicted in turn.
  t.deepEqual(f.snapshots.commits(), [commits[0], commits[3]]);
  t.true(existsSync(path.join(leases[0].dir, 'big.txt')));
  t.false(existsSync(leases[1].dir));
  await leases[0].release();
  t.deepEqual(f.snapshots.commits(), [commits[0], commits[3]], 'within the bound: nothing more to evict');
});

test("a new commit's snapshot hard-links the files unchanged since the previous one", async (t) => {
  const f = await gitFixture({ maxBytes: 20 });
  t.teardown(() => f.close());
  f.work.commit({
    'keep/a.yaml': 'a: 1\n',
    'keep/deep/b.yaml': 'b: 1\n',
    'change/c.yaml': 'c: 1\n',
    'd.yaml': 'd\n',
  });
  f.work.push();
  const source = f.source();
  const one = await source.sync();
  f.work.commit({ 'change/c.yaml': 'c: 2\n', 'change/new.yaml': 'n\n' });
  f.work.push();
  const two = await source.sync();
  const ino = (lease: { dir: string }, file: string) => statSync(path.join(lease.dir, file)).ino;
  t.is(ino(two.snapshot, 'keep/a.yaml'), ino(one.snapshot, 'keep/a.yaml'), 'unchanged directory linked');
  t.is(ino(two.snapshot, 'keep/deep/b.yaml'), ino(one.snapshot, 'keep/deep/b.yaml'));
  t.is(ino(two.snapshot, 'd.yaml'), ino(one.snapshot, 'd.yaml'), 'unchanged file linked');
  t.not(ino(two.snapshot, 'change/c.yaml'), ino(one.snapshot, 'change/c.yaml'));
  t.is(readFileSync(path.join(two.snapshot.dir, 'change/c.yaml'), 'utf8'), 'c: 2\n');
  t.is(statSync(path.join(two.snapshot.dir, 'keep/deep')).mode & 0o777, 0o555);
  // The old snapshot goes (17 + 19 bytes, past the 20-byte bound); the new one keeps its files.
  await one.snapshot.release();
  t.false(existsSync(one.snapshot.dir));
  t.is(readFileSync(path.join(two.snapshot.dir, 'keep/deep/b.yaml'), 'utf8'), 'b: 1\n');
  await two.snapshot.release();
});
