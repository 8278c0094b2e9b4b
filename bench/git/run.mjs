// Git sources benchmark: isomorphic-git (what Capstan uses) against native git, side by side
// in one run, on a generated repository served over smart HTTP by `git http-backend`.
// A script that prints figures, never a test: nothing here asserts on timing.
//
// Usage: node --import tsx bench/git/run.mjs [--files=5000] [--commits=500] [--runs=5] [--keep]
//
// The server runs in a child process (bench/git/serve.mjs), so the isomorphic-git client
// timed here does not share its event loop with the server. No auth: native git would pay a
// 401 round trip that Capstan (which sends credentials up front) does not.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { createHttpClient, GitSource, SnapshotStore } from '../../src/git/index.ts';
import { removeReadOnlyTree } from '../../src/git/fs-tree.ts';
import { addCommit, generate } from './generate.mjs';

const argv = process.argv.slice(2);
const flag = (name, dflt) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : dflt;
};
const FILES = flag('files', 5000);
const COMMITS = flag('commits', 500);
const RUNS = Math.max(1, flag('runs', 5));
const keep = argv.includes('--keep');
const here = path.dirname(fileURLToPath(import.meta.url));

const gitEnv = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

/** Native git, asynchronously (a synchronous spawn would also stall our own timers). */
function nativeGit(args, cwd = os.tmpdir()) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')}: ${err}`))));
  });
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function dirBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

async function startServer(root) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'serve.mjs'), root], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { url: line.trim(), stop: () => child.kill('SIGTERM') };
}

const rows = [];
function report(name, nativeMs, isoMs, note = '') {
  rows.push({ name, nativeMs, isoMs, note });
  const ratio = isoMs / nativeMs;
  console.log(
    `${name.padEnd(52)} ${nativeMs.toFixed(0).padStart(8)} ${isoMs.toFixed(0).padStart(8)} ${ratio.toFixed(2).padStart(7)}x  ${note}`,
  );
}

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-git-'));
  const root = path.join(tmp, 'srv');
  const bare = path.join(root, 'app.git');
  const t0 = performance.now();
  generate(bare, { files: FILES, commits: COMMITS });
  console.log(
    `repository: ${FILES} files, ${COMMITS} commits, pack ${(dirBytes(path.join(bare, 'objects')) / 1024 / 1024).toFixed(1)} MiB ` +
      `(generated in ${((performance.now() - t0) / 1000).toFixed(1)} s with git fast-import); median of ${RUNS} runs`,
  );
  const server = await startServer(root);
  const url = `${server.url}/app.git`;
  let dirN = 0;
  const fresh = () => path.join(tmp, `c${dirN++}`);
  try {
    console.log(
      `\n${'operation'.padEnd(52)} ${'git ms'.padStart(8)} ${'iso ms'.padStart(8)} ${'iso/git'.padStart(8)}`,
    );

    // 1. Full clones of the one branch, with all history.
    const nClone = [];
    const iClone = [];
    const nFetchOnly = [];
    const iFetchOnly = [];
    const nShallow = [];
    const iShallow = [];
    const cap = [];
    for (let r = 0; r < RUNS; r++) {
      nFetchOnly.push(
        await timed(() => nativeGit(['clone', '-q', '--bare', '--single-branch', '--no-tags', url, fresh()])),
      );
      iFetchOnly.push(
        await timed(() =>
          git.clone({ fs, http, dir: fresh(), url, singleBranch: true, noTags: true, noCheckout: true }),
        ),
      );
      nClone.push(
        await timed(() => nativeGit(['clone', '-q', '--single-branch', '--no-tags', url, fresh()])),
      );
      iClone.push(
        await timed(() => git.clone({ fs, http, dir: fresh(), url, singleBranch: true, noTags: true })),
      );
      nShallow.push(await timed(() => nativeGit(['clone', '-q', '--depth=1', '--no-tags', url, fresh()])));
      iShallow.push(
        await timed(() =>
          git.clone({ fs, http, dir: fresh(), url, depth: 1, singleBranch: true, noTags: true }),
        ),
      );
      const snapshots = new SnapshotStore({ dir: fresh() });
      const source = new GitSource({ url, cacheDir: fresh(), snapshots });
      cap.push(await timed(async () => (await source.sync()).snapshot.release()));
    }
    report('full clone, single branch, no checkout', median(nFetchOnly), median(iFetchOnly));
    report('full clone, single branch, with checkout', median(nClone), median(iClone));
    report('shallow clone (depth 1), with checkout', median(nShallow), median(iShallow));
    report(
      'Capstan first sync (depth-1 fetch + snapshot)',
      median(nShallow),
      median(cap),
      'vs git clone --depth=1',
    );

    // 2. Incremental fetch of one new commit (10 files changed), into clones made above.
    const nFull = fresh();
    const iFull = fresh();
    const nShal = fresh();
    const iShal = fresh();
    const tShal = fresh();
    await nativeGit(['clone', '-q', '--bare', '--single-branch', '--no-tags', url, nFull]);
    await git.clone({ fs, http, dir: iFull, url, singleBranch: true, noTags: true, noCheckout: true });
    await nativeGit(['clone', '-q', '--bare', '--depth=1', '--no-tags', url, nShal]);
    await git.clone({
      fs,
      http,
      dir: iShal,
      url,
      depth: 1,
      singleBranch: true,
      noTags: true,
      noCheckout: true,
    });
    await git.clone({
      fs,
      http,
      dir: tShal,
      url,
      depth: 1,
      singleBranch: true,
      noTags: true,
      noCheckout: true,
    });
    const snapshots = new SnapshotStore({ dir: fresh() });
    const source = new GitSource({ url, cacheDir: fresh(), snapshots });
    await (await source.sync()).snapshot.release();
    const nIncFull = [];
    const iIncFull = [];
    const nIncShal = [];
    const iIncShal = [];
    const tIncShal = [];
    const thinPackBytes = [];
    const capCheck = [];
    const capSync = [];
    const isoPackBytes = [];
    // isomorphic-git offers as "have" only the ref named by `ref`: name the remote-tracking ref
    // that each fetch moves, as Capstan's repository does with its own refs.
    const thinHttp = createHttpClient();
    const isoFetch = (gitdir, depth, client = http) =>
      git.fetch({
        fs,
        http: client,
        gitdir,
        url,
        ref: 'refs/remotes/origin/main',
        remoteRef: 'refs/heads/main',
        singleBranch: true,
        tags: false,
        depth,
      });
    const packs = (gitdir) =>
      new Set(readdirSync(path.join(gitdir, 'objects/pack')).filter((n) => n.endsWith('.pack')));
    for (let r = 0; r < RUNS; r++) {
      addCommit(bare, r, { files: FILES });
      // Alternate who goes first, so neither always meets a warm server cache.
      const pairs = [
        [
          () => nativeGit(['fetch', '-q', 'origin', '+refs/heads/main:refs/heads/main'], nFull),
          (ms) => nIncFull.push(ms),
        ],
        [() => isoFetch(path.join(iFull, '.git')), (ms) => iIncFull.push(ms)],
        [
          () => nativeGit(['fetch', '-q', '--depth=1', 'origin', '+refs/heads/main:refs/heads/main'], nShal),
          (ms) => nIncShal.push(ms),
        ],
        [
          async () => {
            const before = packs(path.join(iShal, '.git'));
            await isoFetch(path.join(iShal, '.git'), 1);
            for (const p of packs(path.join(iShal, '.git'))) {
              if (!before.has(p)) isoPackBytes.push(statSync(path.join(iShal, '.git/objects/pack', p)).size);
            }
          },
          (ms) => iIncShal.push(ms),
        ],
        [
          async () => {
            const before = packs(path.join(tShal, '.git'));
            await isoFetch(path.join(tShal, '.git'), 1, thinHttp);
            for (const p of packs(path.join(tShal, '.git'))) {
              if (!before.has(p)) thinPackBytes.push(statSync(path.join(tShal, '.git/objects/pack', p)).size);
            }
          },
          (ms) => tIncShal.push(ms),
        ],
      ];
      const order = r % 2 === 0 ? pairs : [pairs[1], pairs[0], pairs[4], pairs[3], pairs[2]];
      for (const [fn, push] of order) push(await timed(fn));
      capCheck.push(await timed(() => source.check()));
      capSync.push(await timed(async () => (await source.sync()).snapshot.release()));
    }
    report('incremental fetch, 1 commit, full history', median(nIncFull), median(iIncFull));
    report(
      'incremental fetch, 1 commit, depth 1',
      median(nIncShal),
      median(iIncShal),
      `iso pack ${(median(isoPackBytes) / 1024).toFixed(1)} KiB`,
    );
    report(
      'incremental fetch, 1 commit, depth 1, thin pack',
      median(nIncShal),
      median(tIncShal),
      `Capstan's HTTP client; pack ${(median(thinPackBytes) / 1024).toFixed(1)} KiB`,
    );
    report(
      'Capstan cheap check (ls-refs, one GET)',
      median(nIncShal),
      median(capCheck),
      'vs git fetch --depth=1',
    );
    report(
      'Capstan incremental sync (check+fetch+snapshot)',
      median(nIncShal),
      median(capSync),
      'vs git fetch --depth=1; changed files written, the rest hard-linked',
    );
    console.log(
      `\ntarget: incremental fetch within 2x of native git — Capstan (depth 1, thin pack): ` +
        `${(median(tIncShal) / median(nIncShal)).toFixed(2)}x; plain isomorphic-git depth 1: ` +
        `${(median(iIncShal) / median(nIncShal)).toFixed(2)}x, full history: ${(median(iIncFull) / median(nIncFull)).toFixed(2)}x`,
    );
  } finally {
    server.stop();
    if (keep) console.log(`kept ${tmp}`);
    else await removeReadOnlyTree(tmp);
  }
}

await main();
