// Renderer benchmark: times `capstan render` against `kubectl kustomize` on generated trees.
// A script that prints figures, never a test: nothing here asserts on timing.
//
// Usage: node bench/render/run.mjs [SIZE ...] [--no-kubectl] [--runs=N] [--keep]
//   SIZE        resource counts to generate (default 900 3000 6000)
//   --no-kubectl  measure Capstan only
//   --runs=N    best of N runs per tool (default 3); a tool whose run took over 10 s
//               is run once, so kubectl at 6000 does not cost minutes
//   --keep      keep the generated trees (their path is printed)
//   CAPSTAN_CMD overrides the Capstan command (split on spaces, the overlay path is
//               appended), e.g. CAPSTAN_CMD="kubectl kustomize" to check the harness.
//
// Peak memory is the child's maximum resident set size (ru_maxrss) as reported by GNU
// time's %M when /usr/bin/time is GNU time. Without it the fallback polls the child's
// /proc/<pid>/status VmHWM (the kernel's own high-water mark) every 10 ms; it can miss
// growth in the child's last 10 ms, so it is marked "~". Node's process.resourceUsage()
// is not used: it reports the parent, not the child.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const SLOW_S = 10;

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const runsFlag = argv.find((a) => a.startsWith('--runs='));
const runs = runsFlag ? Math.max(1, Number(runsFlag.slice('--runs='.length))) : 3;
const sizes = argv.filter((a) => !a.startsWith('--')).map(Number);
if (sizes.length === 0) sizes.push(900, 3000, 6000);
if (sizes.some((n) => !Number.isInteger(n) || n < 3)) fail('sizes must be integers >= 3');

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function capstanCommand() {
  if (process.env.CAPSTAN_CMD) return process.env.CAPSTAN_CMD.trim().split(/\s+/);
  const cli = path.join(repoRoot, 'dist/cli/main.js');
  if (!existsSync(cli)) fail(`${cli} not found: run \`npm run build\` first (or set CAPSTAN_CMD).`);
  return [process.execPath, cli, 'render'];
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** GNU time prints its --version on stdout; BSD/busybox time reject the flag. */
function hasGnuTime() {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  return /GNU/.test(`${r.stdout ?? ''}${r.stderr ?? ''}`);
}
const gnuTime = hasGnuTime();

/** Polls VmHWM (peak RSS, kB) of a live process; 0 once it is gone. */
function vmHwm(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs argv once with stdout to outFile; returns { seconds, peakKb, approx }. */
async function measure(argv, outFile) {
  const statsFile = `${outFile}.time`;
  const cmd = gnuTime ? ['/usr/bin/time', '-f', '%M', '-o', statsFile, ...argv] : argv;
  const out = openSync(outFile, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let peakKb = 0;
  let done = false;
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  if (!gnuTime) {
    while (!done) {
      peakKb = Math.max(peakKb, vmHwm(child.pid));
      await sleep(10);
    }
  }
  const { code, signal } = await exited;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) {
    throw new Error(`${argv.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr.trim()}`);
  }
  if (gnuTime) peakKb = Number(readFileSync(statsFile, 'utf8').trim().split('\n').pop());
  return { seconds, peakKb, approx: !gnuTime };
}

/** Best wall time of up to `runs` runs (one if a run is slow) and the highest peak RSS. */
async function bench(argv, outFile) {
  let best;
  for (let i = 0; i < runs; i++) {
    const r = await measure(argv, outFile);
    best = best
      ? {
          seconds: Math.min(best.seconds, r.seconds),
          peakKb: Math.max(best.peakKb, r.peakKb),
          approx: r.approx,
        }
      : r;
    if (r.seconds > SLOW_S) break;
  }
  return best;
}

/**
 * Whether two outputs hold the same objects in the same order (formatting aside), read
 * with the `yaml` package — an independent YAML reader, not Capstan's own.
 */
async function sameObjects(a, b) {
  const { parseAllDocuments } = await import('yaml');
  const { isDeepStrictEqual } = await import('node:util');
  const read = (f) =>
    parseAllDocuments(readFileSync(f, 'utf8'))
      .map((d) => d.toJS())
      .filter((d) => d !== null);
  return isDeepStrictEqual(read(a), read(b));
}

/** Counts YAML documents the way both tools separate them: "---" lines. */
function countDocs(file) {
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return 0;
  return text.split('\n').filter((l) => l === '---').length + 1;
}

const fmtS = (s) => (s === undefined ? '-' : s.toFixed(2));
const fmtMb = (r) => (r === undefined ? '-' : `${r.approx ? '~' : ''}${(r.peakKb / 1024).toFixed(0)}`);

async function main() {
  const capstan = capstanCommand();
  const withKubectl = !flags.has('--no-kubectl') && onPath('kubectl');
  if (!flags.has('--no-kubectl') && !withKubectl)
    console.error('bench: kubectl not on PATH; measuring Capstan only');
  console.log(`capstan: ${capstan.join(' ')} <overlay>`);
  if (withKubectl) console.log('kubectl: kubectl kustomize <overlay>');
  console.log(
    `timing: best of ${runs} (1 when a run exceeds ${SLOW_S} s); memory: ${gnuTime ? 'GNU time %M' : '~ /proc VmHWM polling'}\n`,
  );

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-'));
  const rows = [];
  try {
    for (const n of sizes) {
      const overlay = generate(path.join(tmp, String(n)), n);
      const resources = Math.floor(n / 3) * 3;
      const c = await bench([...capstan, overlay], path.join(tmp, `${n}.capstan.yaml`));
      const cDocs = countDocs(path.join(tmp, `${n}.capstan.yaml`));
      let k;
      let kDocs;
      let identical;
      if (withKubectl) {
        k = await bench(['kubectl', 'kustomize', overlay], path.join(tmp, `${n}.kubectl.yaml`));
        kDocs = countDocs(path.join(tmp, `${n}.kubectl.yaml`));
        identical = await sameObjects(
          path.join(tmp, `${n}.capstan.yaml`),
          path.join(tmp, `${n}.kubectl.yaml`),
        );
        if (cDocs !== kDocs)
          console.error(`bench: size ${n}: capstan printed ${cDocs} documents, kubectl ${kDocs}`);
      }
      rows.push({ n: resources, c, cDocs, k, kDocs, identical });
      console.error(`bench: size ${resources} done`);
    }
  } finally {
    if (flags.has('--keep')) console.log(`trees kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  printTable(rows);
}

function printTable(rows) {
  const head = [
    'size',
    'capstan s',
    'capstan MB',
    'kubectl s',
    'kubectl MB',
    'ratio',
    'capstan s/1k',
    'kubectl s/1k',
    'docs',
    'same objects',
  ];
  const body = rows.map(({ n, c, cDocs, k, kDocs, identical }) => [
    String(n),
    fmtS(c.seconds),
    fmtMb(c),
    fmtS(k?.seconds),
    fmtMb(k),
    k ? `${(k.seconds / c.seconds).toFixed(1)}x` : '-',
    fmtS((c.seconds * 1000) / n),
    k ? fmtS((k.seconds * 1000) / n) : '-',
    k ? (cDocs === kDocs ? `${cDocs}` : `${cDocs}≠${kDocs}`) : String(cDocs),
    k ? (identical ? 'yes' : 'no') : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => cells.map((s, i) => s.padStart(widths[i])).join('  ');
  console.log(line(head));
  for (const r of body) console.log(line(r));
  console.log(
    '\nratio = kubectl s / capstan s (above 1x: Capstan is faster). s/1k = seconds per 1,000 resources;',
  );
  console.log('a flat s/1k column means linear growth.');
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
