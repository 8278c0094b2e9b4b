// Generates a bare repository of FILES files and COMMITS commits with `git fast-import`
// (seconds, where a commit per `git commit` would take minutes): the first commit adds every
// file; each later commit rewrites CHANGED files, like a repository of manifests where each
// change touches a few of them. Content is deterministic, so runs are comparable.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const env = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** A small deterministic PRNG (mulberry32): same seed, same repository. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function filePath(i) {
  return `apps/app-${String(Math.floor(i / 50)).padStart(3, '0')}/config-${String(i % 50).padStart(2, '0')}.yaml`;
}

/** A ~600-byte manifest, different per file and per version. */
export function content(i, version) {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: app-${Math.floor(i / 50)}-config-${i % 50}`,
    `  namespace: team-${i % 7}`,
    '  labels:',
    `    app.kubernetes.io/name: app-${Math.floor(i / 50)}`,
    `    app.kubernetes.io/version: "${version}"`,
    'data:',
    ...Array.from(
      { length: 12 },
      (_, k) => `  key-${k}: "value ${(i * 7919 + k * 104729 + version * 31) % 1000003}"`,
    ),
    '',
  ].join('\n');
}

function run(cwd, args, input) {
  const r = spawnSync('git', args, { cwd, env, input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
}

function commitBlock(n, files, from) {
  const msg = `change ${n}\n`;
  const when = 1_700_000_000 + n * 60;
  let out = `commit refs/heads/main\nmark :${n}\ncommitter Bench <bench@capstan.invalid> ${when} +0000\n`;
  out += `data ${Buffer.byteLength(msg)}\n${msg}`;
  if (from) out += `from ${from}\n`;
  for (const [p, data] of files) out += `M 100644 inline ${p}\ndata ${Buffer.byteLength(data)}\n${data}\n`;
  return out + '\n';
}

/** Creates `dir` as a bare repository with the generated history; returns the tip's SHA. */
export function generate(dir, { files = 5000, commits = 500, changed = 10, seed = 1 } = {}) {
  mkdirSync(dir, { recursive: true });
  run(dir, ['init', '--quiet', '--bare', '--initial-branch=main']);
  const random = rng(seed);
  const versions = new Array(files).fill(0);
  const chunks = [];
  chunks.push(
    commitBlock(
      1,
      Array.from({ length: files }, (_, i) => [filePath(i), content(i, 0)]),
    ),
  );
  for (let n = 2; n <= commits; n++) {
    const touched = new Map();
    while (touched.size < changed) {
      const i = Math.floor(random() * files);
      touched.set(filePath(i), content(i, ++versions[i]));
    }
    chunks.push(commitBlock(n, [...touched], n === 2 ? ':1' : undefined));
  }
  run(dir, ['fast-import', '--quiet'], chunks.join(''));
  // fast-import's pack has few deltas; a server's repository has been repacked by gc.
  run(dir, ['repack', '-a', '-d', '-q']);
  return run(dir, ['rev-parse', 'refs/heads/main']);
}

/** Adds one commit rewriting `changed` files on main; returns its SHA. */
export function addCommit(dir, n, { files = 5000, changed = 10 } = {}) {
  const random = rng(1000 + n);
  const touched = new Map();
  while (touched.size < changed) {
    const i = Math.floor(random() * files);
    touched.set(filePath(i), content(i, 10_000 + n));
  }
  run(dir, ['fast-import', '--quiet'], commitBlock(100_000 + n, [...touched], 'refs/heads/main^0'));
  return run(dir, ['rev-parse', 'refs/heads/main']);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node bench/git/generate.mjs DIR [FILES] [COMMITS]');
    process.exit(2);
  }
  console.log(
    generate(dir, { files: Number(process.argv[3] ?? 5000), commits: Number(process.argv[4] ?? 500) }),
  );
}
