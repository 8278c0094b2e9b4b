// Issue 10, item 3: what a hostile Git server or repository costs one sync. Two cases, each
// synced by a GitSource in a child process of its own (so its peak RSS is its own):
//   endless  a smart-HTTP server that advertises a branch, then streams valid pack objects
//            without end (capped at --cap MiB, so that code without limits ends too)
//   zeros    a real repository (git http-backend) whose commit holds a 1 GiB file of zeros
//            (about 1 MB packed)
//   normal   for the cost of the checks on an honest repository: bench/git's generated one
//            (5,000 manifests, first sync of a depth-1 fetch and snapshot)
// and prints, per case: wall time, peak RSS of the syncing process, the longest event-loop
// stall in it (the daemon's APIs share that loop), bytes the server sent, and the outcome.
// A script that prints figures, never a test.
//
// Usage: node --import tsx bench/hostile/git-limits.mjs [--src=DIR] [--cap=MiB] [--only=endless|zeros|normal] [--tiny]
//   --src   the source tree to import (default: this checkout's src/); give an export of an
//           older commit (git archive <commit> | tar -x -C /tmp/old) to measure it before
//   --cap   bytes of the endless pack before the server gives up (default 2048 MiB)
//   --tiny  the endless pack's objects are 12 bytes (the most objects per byte) instead of 1 MiB
// The limits are the defaults (1 GiB per fetch, 64 MiB per file).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const MiB = 1024 ** 2;

if (opt('child')) await child(opt('child'), opt('url'), opt('src'));
else await parent();

/** Syncs `url` once and prints one JSON line of figures. */
async function child(name, url, src) {
  const { monitorEventLoopDelay, performance } = await import('node:perf_hooks');
  const { GitSource, SnapshotStore } = await import(path.join(src, 'git', 'index.ts'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), `capstan-bench-${name}-`));
  const snapshots = new SnapshotStore({ dir: path.join(tmp, 'snapshots') });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  let outcome;
  try {
    const synced = await new GitSource({ url, cacheDir: path.join(tmp, 'cache'), snapshots }).sync();
    outcome = `synced ${synced.commit.slice(0, 7)}, ${(synced.snapshot.bytes / MiB).toFixed(0)} MiB of files`;
    await synced.snapshot.release();
  } catch (e) {
    outcome = `${e.code ?? e.name}: ${String(e.message).split('\n')[0].slice(0, 160)}`;
  }
  const ms = performance.now() - t0;
  loop.disable();
  const figures = {
    ms: Math.round(ms),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    maxStallMs: Math.round(loop.max / 1e6),
    outcome,
  };
  rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

async function parent() {
  const src = path.resolve(opt('src', path.join(here, '..', '..', 'src')));
  const cap = Number(opt('cap', 2048)) * MiB;
  const only = opt('only');
  const { UploadPackServer } = await import('../../test/helpers/upload-pack-server.ts');
  const { GitServer, createBareRepo, WorkTree, git } = await import('../../test/helpers/git-server.ts');
  console.log(`source tree: ${src}`);
  console.log(
    `${'case'.padEnd(10)} ${'time s'.padStart(8)} ${'peak RSS'.padStart(10)} ${'max stall'.padStart(10)} ${'server sent'.padStart(12)}  outcome`,
  );

  const run = async (name, url, sent) => {
    const out = await new Promise((resolve, reject) => {
      const p = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          `--child=${name}`,
          `--url=${url}`,
          `--src=${src}`,
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let text = '';
      p.stdout.on('data', (d) => (text += d));
      p.on('exit', (code, signal) =>
        text ? resolve(text) : reject(new Error(`child ${name} died: ${code ?? signal}`)),
      );
    }).catch((e) => JSON.stringify({ outcome: String(e.message) }));
    const f = JSON.parse(out);
    console.log(
      `${name.padEnd(10)} ${((f.ms ?? NaN) / 1000).toFixed(1).padStart(8)} ${`${f.peakRssMiB ?? '?'} MiB`.padStart(10)} ${`${f.maxStallMs ?? '?'} ms`.padStart(10)} ${(sent ? `${(sent() / MiB).toFixed(0)} MiB` : '-').padStart(12)}  ${f.outcome}`,
    );
  };

  if (!only || only === 'endless') {
    // Valid blob entries, repeated: 1 MiB of random bytes each (stored, as a server would send
    // incompressible data), or with --tiny 12-byte ones (the most objects per byte).
    const entry = (content) => {
      const header = [0b0011_0000 | (content.length & 0x0f)];
      for (let rest = content.length >> 4; rest > 0; rest >>= 7) {
        header[header.length - 1] |= 0x80;
        header.push(rest & 0x7f);
      }
      return Buffer.concat([Buffer.from(header), deflateSync(content)]);
    };
    const block = args.includes('--tiny')
      ? Buffer.concat(
          Array.from({ length: 4096 }, (_, i) => entry(Buffer.from(`object ${String(i).padStart(4)}\n`))),
        )
      : entry(randomBytes(MiB));
    const server = await UploadPackServer.start({
      commit: 'a'.repeat(40),
      pack: function* () {
        const header = Buffer.alloc(12);
        header.write('PACK');
        header.writeUInt32BE(2, 4);
        header.writeUInt32BE(0xffffffff, 8);
        yield header;
        for (let sent = 0; sent < cap; sent += block.length) yield block;
      },
    });
    await run('endless', server.url, () => server.sent);
    await server.close();
  }

  if (!only || only === 'zeros') {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-zeros-'));
    const bare = createBareRepo(path.join(tmp, 'repos'), 'zeros.git');
    const work = new WorkTree(bare);
    writeFileSync(path.join(work.dir, 'app.yaml'), 'kind: ConfigMap\n');
    // `head -c 1G /dev/zero > big`
    spawnSync('sh', ['-c', 'head -c 1G /dev/zero > big'], { cwd: work.dir });
    git(work.dir, ['add', '--all']);
    git(work.dir, ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '--quiet', '-m', '1 GiB of zeros']);
    work.push();
    rmSync(path.join(work.dir, 'big'));
    const server = new GitServer({ root: path.join(tmp, 'repos') });
    await server.start();
    let bytes = 0;
    // The pack's size, as the server sends it: native git's answer to the same request.
    const packed = spawnSync('git', ['pack-objects', '--revs', '--stdout'], {
      cwd: bare,
      input: 'HEAD\n',
      maxBuffer: 1 << 30,
    });
    bytes = packed.stdout.length;
    await run('zeros', server.repoUrl('zeros.git'), () => bytes);
    await server.stop();
    work.remove();
    rmSync(tmp, { recursive: true, force: true });
  }

  if (!only || only === 'normal') {
    const { generate } = await import('../git/generate.mjs');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-normal-'));
    const bare = path.join(tmp, 'repos', 'app.git');
    generate(bare, { files: 5000, commits: 2 });
    const server = new GitServer({ root: path.join(tmp, 'repos') });
    await server.start();
    for (let i = 0; i < 3; i++) await run('normal', server.repoUrl('app.git'));
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
