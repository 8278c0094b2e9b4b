// Many applications, one repository (issue 11, "Figures to reach"): N applications, each a
// directory apps/app-<i>/ of one Git repository served over HTTP by `git http-backend`, with
// a Namespace, a ConfigMap, a one-replica Deployment (simulated runtime: no processes) and a
// Service. Capstan starts with default settings but a 1 h poll interval, so only webhooks
// trigger. For each N it measures, in a fresh child process (so peak RSS is that size's):
//   1. first sync: from startCapstan() until all N are Ready, Healthy, at the first commit;
//   2. a push changing every ConfigMap + one signed GitHub webhook → all N Ready at it;
//   3. a push changing 1 ConfigMap + one webhook → that one Ready at it; the renders done
//      until all N show the new commit (the other N-1 should cost none);
//   peak RSS of the process (VmHWM; the render worker threads are in it, the Git server is not).
// Status is read from the control plane's in-process API (a watch on Applications).
// A script that prints figures, never a test.
//
//   node --import tsx bench/apps/run.mjs [--apps 100,1000] [--dist] [--timeout=600] [--cpu-prof] [--verbose]
//        [--trace app-0]
//
// --cpu-prof runs each child under `node --cpu-prof` and prints the functions with the most
// self time (all threads together), the profiles kept under .bench-tmp/apps-prof/;
// --verbose prints the daemon's log lines; --trace APP each status change of one application.
import { fork } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBareRepo, GitServer, WorkTree } from '../../test/helpers/git-server.ts';
import { summarizeProfiles } from './profile.mjs';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '../..');

function option(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--')) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : dflt;
}

// the issue's targets, and Flux's published figures it quotes
const TARGETS = {
  100: { first: 5, pushAll: 5 },
  1000: { first: 30, pushAll: 30, pushOne: 2, rssMb: 600, otherRenders: 0 },
};
const FLUX = '100 in 28 s, 1,000 in 4 min 16 s (Flux, quoted in issue 11)';

if (process.argv[2] === 'child') await child(JSON.parse(process.argv[3]));
else await parent();

// ---------------------------------------------------------------- parent: Git server, table

async function parent() {
  const sizes = String(option('apps', '100,1000'))
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  const timeoutS = Number(option('timeout', '600'));
  const profile = process.argv.includes('--cpu-prof');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-apps-'));
  const gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  console.log(
    `applications benchmark: ${os.availableParallelism()} CPUs, node ${process.version}, git over HTTP at ${gitServer.url}`,
  );
  const rows = [];
  try {
    for (const n of sizes) {
      const work = new WorkTree(createBareRepo(gitServer.root, `apps-${n}.git`));
      const profDir = path.join(ROOT, '.bench-tmp', 'apps-prof', String(n));
      if (profile) {
        fs.rmSync(profDir, { recursive: true, force: true });
        fs.mkdirSync(profDir, { recursive: true });
      }
      const spec = {
        n,
        repoURL: gitServer.repoUrl(`apps-${n}.git`),
        dataDir: path.join(root, `data-${n}`),
        verbose: process.argv.includes('--verbose'),
        trace: option('trace', undefined),
        timeoutS,
        dist: process.argv.includes('--dist'),
      };
      console.log(`\n-- ${n} applications`);
      const row = await runChild(spec, work, profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
      work.remove();
      rows.push(row);
      if (profile) {
        console.log(`cpu profile of the ${n}-application run (self time, all threads; files in ${profDir}):`);
        for (const line of summarizeProfiles(profDir, 20)) console.log(`  ${line}`);
      }
    }
  } finally {
    await gitServer.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  printTable(rows);
}

/**
 * Runs one size in a child process. The commits and pushes are made here, when the child
 * asks (so native git's CPU is not the child's, nor in its profile); the child's last
 * message is its result.
 */
function runChild(spec, work, execArgv) {
  return new Promise((resolve, reject) => {
    const child = fork(HERE, ['child', JSON.stringify(spec)], {
      execArgv: ['--import', 'tsx', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.on('message', (m) => {
      if (m.push) {
        const sha = work.commit(m.push.files, m.push.message);
        work.push();
        child.send({ pushed: sha });
      } else result = m.result;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the ${spec.n}-application run exited with ${code}`)),
    );
  });
}

function printTable(rows) {
  const s = (v) => (v === undefined ? '—' : v.toFixed(1));
  const cell = (value, target, unit = '') => {
    if (value === undefined) return 'timed out';
    if (target === undefined) return `${s(value)}${unit}`;
    return `${s(value)}${unit} (≤${target}${unit} ${value <= target ? 'met' : 'MISSED'})`;
  };
  const header = ['N', 'first sync', 'push-all', 'push-one', 'renders on push-one', 'peak RSS'];
  const lines = rows.map((r) => {
    const t = TARGETS[r.n] ?? {};
    const renders =
      r.rendersOnPushOne === undefined
        ? 'unknown'
        : `${r.rendersOnPushOne} (${r.rendersOnPushOne - 1} other${t.otherRenders === 0 ? `; target 0 ${r.rendersOnPushOne <= 1 ? 'met' : 'MISSED'}` : ''})`;
    return [
      String(r.n),
      cell(r.firstS, t.first, ' s'),
      cell(r.pushAllS, t.pushAll, ' s'),
      cell(r.pushOneS, t.pushOne, ' s'),
      renders,
      cell(r.peakRssMb, t.rssMb, ' MB'),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols) => `| ${cols.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${fmt(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
  console.log(`reference: ${FLUX}`);
  for (const r of rows) {
    console.log(`N=${r.n}:`);
    for (const note of r.notes) console.log(`  ${note}`);
  }
}

// ---------------------------------------------------------------- child: one size

async function child(spec) {
  const { n, repoURL, dataDir, timeoutS } = spec;
  const notes = [];
  const peak = sampleRss();
  const renders = await renderCounter();
  const files = {};
  for (let i = 0; i < n; i++) Object.assign(files, appFiles(i, 'v1'));
  const first = await push(files, `${n} applications`);

  process.env.BENCH_HOOK_SECRET = 'bench-hook-secret';
  const syncPolicy = { prune: true, selfHeal: false, autoRollback: true };
  const config = {
    server: {},
    queue: {},
    pollIntervalMs: 3_600_000,
    webhooks: { secrets: { github: { env: 'BENCH_HOOK_SECRET' } } },
    applications: Array.from({ length: n }, (_, i) => ({
      name: `app-${i}`,
      namespace: `app-${i}`,
      source: { repoURL, targetRevision: 'main', path: `apps/app-${i}` },
      syncPolicy,
    })),
  };
  // --dist: the built daemon a user runs (npm run build first), render workers without tsx
  const { startCapstan } = await import(spec.dist ? '../../dist/boot/index.js' : '../../src/boot/index.ts');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const capstan = await startCapstan({
    dataDir,
    port: 0,
    token: 'bench',
    runtime: 'simulated',
    config,
    server: { port: 0 },
    ...(spec.verbose
      ? { log: (level, fields, msg) => console.log(`  [${level}] ${JSON.stringify(fields)} ${msg}`) }
      : {}),
  });
  const statuses = watchApplications(capstan.controlPlane.api, spec.trace, t0);
  const names = config.applications.map((a) => a.name);
  const result = { n, notes, load: [os.loadavg()[0]] };
  try {
    const startS = (performance.now() - t0) / 1000;
    result.firstS = await statuses.waitFor(names, readyAt(first), t0, timeoutS);
    notes.push(`startCapstan() returned after ${startS.toFixed(1)} s`);
    report('first sync', result.firstS, statuses, names, first);
    notes.push(`CPU ${cpuSince(cpu0)} s during the first sync`);

    // a push changing every ConfigMap, one webhook
    const all = {};
    for (let i = 0; i < n; i++) Object.assign(all, configMapFile(i, 'v2'));
    const second = await push(all, 'change every ConfigMap');
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    await webhook(capstan.server.url, repoURL, second);
    result.pushAllS = await statuses.waitFor(names, readyAt(second), t1, timeoutS);
    report('push-all', result.pushAllS, statuses, names, second);
    notes.push(`CPU ${cpuSince(cpu1)} s during push-all`);

    // a push changing one ConfigMap, one webhook; renders counted until all show the commit
    const one = `app-${Math.floor(n / 2)}`;
    const third = await push(configMapFile(Math.floor(n / 2), 'v3'), `change ${one}`);
    const before = renders.count();
    const t2 = performance.now();
    const cpu2 = process.cpuUsage();
    await webhook(capstan.server.url, repoURL, third);
    result.pushOneS = await statuses.waitFor([one], readyAt(third), t2, timeoutS);
    report(`push-one (${one})`, result.pushOneS, statuses, [one], third);
    const settled = await statuses.waitFor(names, atRevision(third), t2, timeoutS);
    if (settled !== undefined)
      notes.push(`push-one: all ${n} showed the new commit after ${settled.toFixed(1)} s`);
    else notes.push(`push-one: not all ${n} showed the new commit within ${timeoutS} s`);
    notes.push(`CPU ${cpuSince(cpu2)} s from push-one's webhook until all showed its commit`);
    const after = renders.count();
    result.rendersOnPushOne = after === undefined ? undefined : after - before;
    notes.push(`renders counted by ${renders.how}`);
  } finally {
    statuses.stop();
    await capstan.close();
  }
  result.load.push(os.loadavg()[0]);
  notes.push(
    `load average ${result.load.map((l) => l.toFixed(1)).join(' → ')} on ${os.availableParallelism()} CPUs`,
  );
  result.peakRssMb = Math.max(peak.stop(), vmHwmMb() ?? 0);
  process.send({ result });
  process.disconnect();
}

/** Has the parent commit `files` and push them; resolves to the new commit. */
function push(files, message) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (!m.pushed) return;
      process.off('message', onMessage);
      resolve(m.pushed);
    };
    process.on('message', onMessage);
    process.send({ push: { files, message } });
  });
}

/** The files of application i: a kustomization, a Namespace, a ConfigMap, a Deployment, a Service. */
function appFiles(i, value) {
  const ns = `app-${i}`;
  const dir = `apps/app-${i}`;
  return {
    [`${dir}/kustomization.yaml`]:
      'resources: [namespace.yaml, configmap.yaml, deployment.yaml, service.yaml]\n',
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    ...configMapFile(i, value),
    [`${dir}/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.example/web:1.0
          ports: [{ containerPort: 8080 }]
          envFrom: [{ configMapRef: { name: web-config } }]
`,
    [`${dir}/service.yaml`]: `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`,
  };
}

function configMapFile(i, value) {
  return {
    [`apps/app-${i}/configmap.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: app-${i}
data:
  GREETING: "hello from app-${i}, ${value}"
`,
  };
}

/** A signed GitHub push webhook for `after` on main, as GitHub sends it. */
async function webhook(serverUrl, repoURL, after) {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    after,
    repository: { clone_url: repoURL, default_branch: 'main' },
    commits: [{ id: after, added: [], modified: [], removed: [] }],
  });
  const signature = createHmac('sha256', process.env.BENCH_HOOK_SECRET).update(body).digest('hex');
  const res = await fetch(`${serverUrl}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`webhook answered ${res.status}: ${text}`);
}

/**
 * Every Application's status, kept current by one in-process watch (which starts with the
 * current objects as ADDED events). `waitFor` checks only the application whose status
 * changed, so waiting on 1,000 costs the daemon's process next to nothing.
 */
function watchApplications(api, trace, t0) {
  const gvr = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
  const byName = new Map();
  let wait; // { pending: Set, test, resolve }
  const watch = api.watch(gvr, undefined, {}, (e) => {
    const name = e.object?.metadata?.name;
    if (!name || (e.type !== 'ADDED' && e.type !== 'MODIFIED')) return;
    byName.set(name, e.object.status ?? {});
    if (name === trace) console.log(`  ${((performance.now() - t0) / 1000).toFixed(2)} s ${describe(name)}`);
    if (wait?.pending.has(name) && wait.test(byName.get(name))) {
      wait.pending.delete(name);
      if (wait.pending.size === 0) wait.resolve();
    }
  });
  const describe = (name) => {
    const s = byName.get(name) ?? {};
    const ready = s.conditions?.find((c) => c.type === 'Ready');
    const op = s.operationState;
    return `${name}: sync ${s.sync?.status}@${s.sync?.revision?.slice(0, 7)}, health ${s.health?.status}, operation ${op?.phase ?? '-'}, Ready ${ready?.status} ${ready?.reason ?? ''}: ${ready?.message ?? ''}`;
  };
  return {
    status: (name) => byName.get(name),
    describe,
    /** Seconds from `t0` until `test` holds for every one of `names`; undefined after the timeout. */
    async waitFor(names, test, t0, timeoutS) {
      const pending = new Set(names.filter((a) => !test(byName.get(a))));
      if (pending.size > 0) {
        const done = new Promise((resolve) => (wait = { pending, test, resolve }));
        const left = t0 + timeoutS * 1000 - performance.now();
        let timer;
        const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), left)));
        const outcome = await Promise.race([done, timedOut]);
        clearTimeout(timer);
        wait = undefined;
        if (outcome === 'timeout') return undefined;
      }
      return (performance.now() - t0) / 1000;
    },
    stop: () => watch.stop(),
  };
}

function isReady(s) {
  return s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Ready, Healthy and synced at `revision`: what "this application is done" means here. */
function readyAt(revision) {
  return (s) => s?.sync?.revision === revision && s?.health?.status === 'Healthy' && isReady(s);
}

function atRevision(revision) {
  return (s) => s?.sync?.revision === revision;
}

/** One line per phase: how long, or which applications were not there and why. */
function report(what, seconds, statuses, names, revision) {
  if (seconds !== undefined) {
    console.log(`${what}: ${seconds.toFixed(2)} s`);
    return;
  }
  const late = names.filter((a) => !readyAt(revision)(statuses.status(a)));
  const sample = late.slice(0, 3).map((a) => statuses.describe(a));
  console.log(
    `${what}: timed out; ${late.length} not Ready at ${revision.slice(0, 7)}, e.g. ${sample.join(' | ')}`,
  );
}

/** CPU seconds (user + system, all threads) the process used since `start`. */
function cpuSince(start) {
  const { user, system } = process.cpuUsage(start);
  return ((user + system) / 1e6).toFixed(1);
}

/** Samples the resident set every 100 ms; stop() returns the peak in MB. */
function sampleRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / 2 ** 20;
    },
  };
}

/** The kernel's high-water mark of this process's resident set, in MB (Linux). */
function vmHwmMb() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Counts renders. The daemon exposes no render counter, so this counts the render tasks
 * given to its piscina pool (every render runs there, off the event loop): Piscina's `run`
 * is wrapped before the daemon loads, and a task with a `dir` is a render.
 */
async function renderCounter() {
  const { Piscina } = await import('piscina');
  let renders = 0;
  const run = Piscina.prototype.run;
  Piscina.prototype.run = function (task, options) {
    if (task && typeof task.dir === 'string') renders++;
    return run.call(this, task, options);
  };
  return { how: 'render tasks run by the render pool (piscina)', count: () => renders };
}
