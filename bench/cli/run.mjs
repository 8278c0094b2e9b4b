// CLI start-up benchmark: what a user waits for, end to end, next to kubectl in the same run.
//   capstan help                 vs  kubectl version --client
//   capstan render <overlay>     vs  kubectl kustomize <overlay>   (3,000 resources)
// A script that prints figures, never a test: nothing here asserts on timing.
//
// Usage: npm run build && node bench/cli/run.mjs [--runs=N] [--size=N]
//   --runs=N   runs per command (default 5), interleaved so that load on a shared machine
//              falls on every command alike; best and median are printed
//   --size=N   resources in the generated overlay (default 3000, bench/render/generate.mjs)
//   --cli=FILE another build's dist/cli/main.js (before/after a change)
//   --baseline=FILE  a second build's main.js measured in the same run, interleaved, as
//              "baseline" rows: before/after a change at the same load, kubectl run once
//
// A `node -e 0` row shows the floor any Node CLI pays on this machine at this load.
//
// Capstan runs from dist/ as the installed `capstan` bin does (package.json "bin":
// dist/cli/main.js under node), its stdout a pipe this script drains, as in
// `capstan render DIR | kubectl apply -f -`. CPU seconds (user + system, GNU time's %U and
// %S) are the figure to compare on a shared machine, where wall time depends on the load.
// Peak RSS is GNU time's %M (ru_maxrss) when /usr/bin/time is GNU time; otherwise the
// child's /proc/<pid>/status VmHWM polled every 5 ms, marked "~" (it can miss the last 5 ms). kubectl's rows are skipped, with a note, without
// /usr/bin/kubectl.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '../render/generate.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
};
const runs = Math.max(1, option('runs', 5));
const size = option('size', 3000);
const TARGETS = { help: 0.2, render: 0.7 };
const KUBECTL = '/usr/bin/kubectl';

const cliFlag = argv.find((x) => x.startsWith('--cli='));
const cli = cliFlag ? path.resolve(cliFlag.slice('--cli='.length)) : path.join(repoRoot, 'dist/cli/main.js');
if (!existsSync(cli)) {
  console.error(`bench: ${cli} not found: run \`npm run build\` first`);
  process.exit(2);
}
const hasKubectl = existsSync(KUBECTL);
const gnuTime = (() => {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  return /GNU/.test(`${r.stdout ?? ''}${r.stderr ?? ''}`);
})();
/** A command whose run takes longer than this runs once (kubectl kustomize of 3,000 can take minutes). */
const SLOW_S = 10;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-cli-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
generate(tmp, size);
const overlay = path.join(tmp, 'overlay');

function vmHwmKb(pid) {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** One run of `cmd` (stdout drained): wall seconds, CPU seconds (GNU time only) and peak RSS in kB. */
async function measure(cmd) {
  const stats = path.join(tmp, 'time.out');
  const full = gnuTime ? ['/usr/bin/time', '-f', '%U %S %M', '-o', stats, ...cmd] : cmd;
  const started = process.hrtime.bigint();
  const child = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let done = false;
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      done = true;
      resolve(code);
    });
  });
  let peakKb = 0;
  while (!gnuTime && !done) {
    peakKb = Math.max(peakKb, vmHwmKb(child.pid));
    await sleep(5);
  }
  const code = await exited;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`${cmd.join(' ')} exited ${code}:\n${stderr.trim()}`);
  let cpu = NaN;
  if (gnuTime) {
    const [user, system, maxKb] = readFileSync(stats, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpu = user + system;
    peakKb = maxKb;
  }
  return { seconds, cpu, peakKb };
}

const baselineFlag = argv.find((x) => x.startsWith('--baseline='));
const baseline = baselineFlag ? path.resolve(baselineFlag.slice('--baseline='.length)) : undefined;
if (baseline && !existsSync(baseline)) {
  console.error(`bench: ${baseline} not found`);
  process.exit(2);
}
const capstan = (...args) => [process.execPath, cli, ...args];
const pairs = [
  { name: 'help', target: TARGETS.help, capstan: capstan('help'), kubectl: [KUBECTL, 'version', '--client'] },
  {
    name: `render ${size}`,
    target: TARGETS.render,
    capstan: capstan('render', overlay),
    kubectl: [KUBECTL, 'kustomize', overlay],
  },
];
const commands = [{ label: 'node -e 0 (floor)', cmd: [process.execPath, '-e', '0'] }].concat(
  pairs.flatMap((p) => [
    ...(baseline
      ? [{ label: `baseline ${p.name}`, cmd: [process.execPath, baseline, ...p.capstan.slice(2)] }]
      : []),
    { label: `capstan ${p.name}`, cmd: p.capstan, pair: p },
    ...(hasKubectl
      ? [{ label: `kubectl ${p.name === 'help' ? 'version --client' : 'kustomize'}`, cmd: p.kubectl }]
      : []),
  ]),
);

// one warm-up each (page cache; a slow command's counts as its run), then interleaved runs
const results = new Map(commands.map((c) => [c, []]));
for (const c of commands) {
  const warm = await measure(c.cmd);
  if (warm.seconds > SLOW_S) results.get(c).push(warm);
}
for (let i = 0; i < runs; i++)
  for (const c of commands)
    if (results.get(c).length === 0 || results.get(c)[0].seconds <= SLOW_S)
      results.get(c).push(await measure(c.cmd));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (c) => {
  const rs = results.get(c);
  const secs = rs.map((r) => r.seconds);
  return {
    best: Math.min(...secs),
    median: median(secs),
    cpu: median(rs.map((r) => r.cpu)),
    peakMb: Math.max(...rs.map((r) => r.peakKb)) / 1024,
  };
};

const mem = gnuTime ? '' : '~';
console.log(
  `CLI start-up, ${runs} runs each (interleaved), node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
);
console.log(
  `${'command'.padEnd(32)}${'best s'.padStart(8)}${'median s'.padStart(10)}${'CPU s'.padStart(8)}${'peak MB'.padStart(9)}`,
);
for (const c of commands) {
  const s = summary(c);
  console.log(
    `${(results.get(c).length < runs ? `${c.label} (1 run)` : c.label).padEnd(32)}${s.best.toFixed(3).padStart(8)}${s.median.toFixed(3).padStart(10)}${(Number.isNaN(s.cpu) ? '-' : s.cpu.toFixed(2)).padStart(8)}${(mem + s.peakMb.toFixed(0)).padStart(9)}`,
  );
}
console.log('');
for (const p of pairs) {
  const ours = summary(commands.find((c) => c.pair === p));
  const verdict = ours.median <= p.target ? 'met' : 'MISSED';
  let line = `capstan ${p.name}: target ≤ ${p.target} s end to end: ${verdict} (median ${ours.median.toFixed(3)} s)`;
  if (hasKubectl) {
    const theirs = summary(commands.find((c) => c.cmd === p.kubectl));
    const ratio = (x) => (x >= 10 ? x.toFixed(0) : x.toPrecision(2));
    line += `; capstan/kubectl: time ${ratio(ours.best / theirs.best)}× best, ${ratio(ours.median / theirs.median)}× median${Number.isNaN(ours.cpu) ? '' : `, CPU ${ratio(ours.cpu / theirs.cpu)}× (median CPU ${ours.cpu.toFixed(2)} s)`}, memory ${ratio(ours.peakMb / theirs.peakMb)}×`;
  }
  console.log(line);
  const before = commands.find((c) => c.label === `baseline ${p.name}`);
  if (before) {
    const b = summary(before);
    console.log(
      `  baseline ${p.name}: median ${b.median.toFixed(3)} s, CPU ${b.cpu.toFixed(2)} s; this build: median ${ours.median.toFixed(3)} s, CPU ${ours.cpu.toFixed(2)} s`,
    );
  }
}
if (!hasKubectl) console.log(`(${KUBECTL} not found: kubectl rows skipped)`);
