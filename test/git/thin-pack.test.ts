import { spawnSync } from 'node:child_process';
import fs, { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import isoGit from 'isomorphic-git';
import { gitEnv } from '../helpers/git-server.js';
import { gitFixture } from './fixture.js';

/** A sync that hangs (a delta chain looping between packs) fails the test instead of hanging it. */
const SYNC_DEADLINE_MS = 30_000;

function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish in ${SYNC_DEADLINE_MS} ms`)),
      SYNC_DEADLINE_MS,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** A file large enough for git to store its versions as deltas of each other; `line` changes one line. */
function config(line: string): string {
  const lines = Array.from({ length: 60 }, (_, i) => `  key-${i}: value number ${i} of the configuration`);
  return `kind: ConfigMap\ndata:\n${lines.join('\n')}\n  changing: ${line}\n`;
}

/** Native `git verify-pack` of every pack in the mirror: the output of those that fail. */
function unverifiablePacks(cacheDir: string): string[] {
  const [mirror] = readdirSync(cacheDir);
  const packDir = path.join(cacheDir, mirror, 'objects', 'pack');
  const failures: string[] = [];
  for (const name of readdirSync(packDir).filter((n) => n.endsWith('.idx'))) {
    const r = spawnSync('git', ['verify-pack', path.join(packDir, name)], { env: gitEnv() });
    if (r.status !== 0) failures.push(`${name}: ${r.stderr.toString().trim()}`);
  }
  return failures;
}

test('a file that returns to earlier content across shallow syncs reads back, and every stored pack is complete', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const source = f.source({ revision: 'main' });
  const cacheDir = path.join(f.tmp, 'cache');
  // v1 → v2 → v3 → v2 again, three times over: each fetch's thin pack stores the new blob as a
  // delta of the previous one, so the two contents alternate as each other's delta base.
  const versions = ['one', 'two', 'three', 'two', 'three', 'two', 'four', 'two', 'four', 'two'];
  for (const [i, version] of versions.entries()) {
    const commit = f.work.commit({ 'app/config.yaml': config(version), 'README.md': `step ${i}\n` }, version);
    f.work.push();
    const synced = await withDeadline(source.sync(), `sync ${i + 1} (${version})`);
    t.is(synced.commit, commit);
    t.is(readFileSync(path.join(synced.snapshot.dir, 'app/config.yaml'), 'utf8'), config(version));
    await synced.snapshot.release();
    t.deepEqual(unverifiablePacks(cacheDir), [], `after sync ${i + 1}`);
  }
});

test('a mirror holding thin packs whose deltas form a cycle (an older Capstan stored them) is fetched afresh', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const v1 = f.work.commit({ 'app/config.yaml': config('one') }, 'v1');
  f.work.push();
  const cacheDir = path.join(f.tmp, 'cache');
  const first = await withDeadline(f.source({ revision: 'main' }).sync(), 'first sync');
  await first.snapshot.release();
  const v2 = f.work.commit({ 'app/config.yaml': config('two') }, 'v2');
  const v3 = f.work.commit({ 'app/config.yaml': config('one') }, 'v3: back to one');
  f.work.push();

  // What an older Capstan stored: v2's blob as a delta of v1's, v3's (v1's content again) as a
  // delta of v2's, each pack thin. The pack of v3 is named to be listed first, so a read of the
  // v1 content finds its delta there, whose base is in the other thin pack, a delta of it.
  const [mirror] = readdirSync(cacheDir);
  const gitdir = path.join(cacheDir, mirror);
  const packDir = path.join(gitdir, 'objects', 'pack');
  const thinPack = (revs: string, name: string): void => {
    const r = spawnSync('git', ['pack-objects', '--revs', '--thin', '--stdout'], {
      cwd: f.work.bare,
      env: gitEnv(),
      input: revs,
    });
    t.is(r.status, 0, r.stderr.toString());
    writeFileSync(path.join(packDir, `pack-${name}.pack`), r.stdout);
  };
  thinPack(`${v2}\n^${v1}\n`, 'f'.repeat(40));
  await isoGit.indexPack({ fs, dir: gitdir, gitdir, filepath: `objects/pack/pack-${'f'.repeat(40)}.pack` });
  thinPack(`${v3}\n^${v2}\n`, '0'.repeat(40));
  await isoGit.indexPack({ fs, dir: gitdir, gitdir, filepath: `objects/pack/pack-${'0'.repeat(40)}.pack` });
  t.not(unverifiablePacks(cacheDir).length, 0, 'the mirror holds thin packs');

  const synced = await withDeadline(f.source({ revision: 'main' }).sync(), 'sync over thin packs');
  t.is(synced.commit, v3);
  t.is(readFileSync(path.join(synced.snapshot.dir, 'app/config.yaml'), 'utf8'), config('one'));
  await synced.snapshot.release();
  t.deepEqual(unverifiablePacks(cacheDir), []);
});
