import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
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
