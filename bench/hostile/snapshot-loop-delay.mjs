// Does taking a Git snapshot of a big tree stall the daemon's event loop? A repository of
// FILES small files (and one large one) is served by `git http-backend`; a GitSource fetches
// it and writes its snapshot (fetch + snapshot), then a second source over the same mirror
// writes a fresh snapshot only. Reports the time, the longest gap between two ticks of a
// 1 ms interval, and perf_hooks' event-loop delay. Prints figures, asserts nothing.
//
// Usage: node --import tsx bench/hostile/snapshot-loop-delay.mjs [FILES] [LARGE_MIB]   (default 20000 16)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitSource, SnapshotStore } from '../../src/git/index.ts';
import { createBareRepo, git, GitServer } from '../../test/helpers/git-server.ts';
import { measure } from './event-loop.mjs';

const files = Number(process.argv[2] ?? 20_000);
const largeMiB = Number(process.argv[3] ?? 16);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-snapshot-delay-'));
const server = new GitServer({ root: path.join(root, 'repos') });
try {
  await server.start();
  const bare = createBareRepo(server.root, 'big.git');
  const work = path.join(root, 'work');
  fs.mkdirSync(work);
  git(work, ['init', '--quiet', '--initial-branch=main']);
  for (let i = 0; i < files; i++) {
    const dir = path.join(work, `d${i % 100}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `f${i}.yaml`), `name: f${i}\nvalue: ${'x'.repeat(400)}\n`);
  }
  // random bytes: the pack cannot shrink it, so inflating it is real work
  if (largeMiB > 0) fs.writeFileSync(path.join(work, 'large.bin'), randomBytes(largeMiB * 2 ** 20));
  git(work, ['add', '--all']);
  git(work, ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '--quiet', '-m', 'big']);
  git(work, ['push', '--quiet', bare, 'main']);
  console.log(`repository: ${files} files of ~410 bytes and one of ${largeMiB} MiB`);

  const cacheDir = path.join(root, 'cache');
  const first = new GitSource({
    url: server.repoUrl('big.git'),
    revision: 'main',
    cacheDir,
    snapshots: new SnapshotStore({ dir: path.join(root, 'snapshots-1') }),
  });
  const fetched = await measure(() => first.sync());
  console.log(`fetch + snapshot: ${fetched.figures}`);
  await fetched.result.snapshot.release();
  const second = new GitSource({
    url: server.repoUrl('big.git'),
    revision: 'main',
    cacheDir,
    snapshots: new SnapshotStore({ dir: path.join(root, 'snapshots-2') }),
  });
  const snapshot = await measure(() => second.sync());
  console.log(`snapshot only:    ${snapshot.figures}`);
  await snapshot.result.snapshot.release();
} finally {
  await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
