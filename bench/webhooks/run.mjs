// Webhook-to-queued latency: signed GitHub push webhooks sent open-loop at a fixed rate
// (default 200/s for 10 s, over 20 repositories, each with one application) to the daemon's
// HTTP server; latency is from the request's start to the 202, which the server sends once
// the sync is queued (in memory, or in Redis with --redis when redis-server is installed).
// The syncs themselves run meanwhile (fetch from a local git http-backend, render), as in
// production. Target: p99 under 20 ms. For scale: Argo CD's default poll interval is 180 s.
//
// Usage: node --import tsx bench/webhooks/run.mjs [--rate=200] [--seconds=10]
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startDaemon } from '../../src/daemon/index.ts';
import { startServer } from '../../src/server/index.ts';
import { createBareRepo, GitServer, WorkTree } from '../../test/helpers/git-server.ts';
import { redisServerPath, startRedisServer } from '../../test/helpers/redis-server.ts';

const arg = (name, dflt) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const RATE = arg('rate', 200);
const SECONDS = arg('seconds', 10);
const REPOS = 20;
const SECRET = 'bench-secret';
process.env.BENCH_HOOK_SECRET = SECRET;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-hooks-'));
const gitServer = new GitServer({ root: path.join(dir, 'repos') });
await gitServer.start();
const heads = [];
for (let i = 0; i < REPOS; i++) {
  const work = new WorkTree(createBareRepo(gitServer.root, `repo-${i}.git`));
  heads.push(work.commit({ 'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\n` }));
  work.push();
  work.remove();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function send(port, i) {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    after: heads[i % REPOS],
    repository: { clone_url: gitServer.repoUrl(`repo-${i % REPOS}.git`) },
    commits: [{ id: heads[i % REPOS], modified: ['cm.yaml'] }],
  });
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-github-event': 'push',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
  };
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port, path: '/api/webhooks/github', method: 'POST', headers, agent: false },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6 }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(label, queue) {
  const config = {
    server: {},
    queue,
    webhooks: { secrets: { github: { env: 'BENCH_HOOK_SECRET' } } },
    applications: heads.map((_, i) => ({
      name: `app-${i}`,
      source: { repoURL: gitServer.repoUrl(`repo-${i}.git`), targetRevision: 'main', path: '.' },
      syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
    })),
  };
  const daemon = await startDaemon({
    dataDir: path.join(dir, label),
    port: 0,
    token: 't',
    runtime: 'simulated',
    config,
  });
  const server = await startServer({ daemon, token: 't', port: 0 });
  const port = Number(new URL(server.url).port);
  for (let i = 0; i < 50; i++) await send(port, i); // warm-up
  const total = RATE * SECONDS;
  const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(port, i));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  const ms = results
    .filter((r) => r.status === 202)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const syncs = daemon.sync.state.syncs(undefined, 100000).length;
  await server.close();
  await daemon.close();
  const f = (x) => x.toFixed(2);
  console.log(
    `${label.padEnd(7)} ${results.length} webhooks in ${elapsed.toFixed(1)} s (${(results.length / elapsed).toFixed(0)}/s): ` +
      `202 ${ms.length}, other ${results.length - ms.length}; latency ms p50 ${f(percentile(ms, 50))} p90 ${f(percentile(ms, 90))} ` +
      `p99 ${f(percentile(ms, 99))} max ${f(ms[ms.length - 1])}; syncs run ${syncs} ` +
      `(p99 target 20 ms: ${percentile(ms, 99) < 20 ? 'met' : 'missed'}; vs a 180 s poll: ${(180000 / percentile(ms, 99)).toFixed(0)}× sooner)`,
  );
}

console.log(
  `webhook → queued, ${RATE}/s for ${SECONDS} s over ${REPOS} repositories (${os.cpus().length} CPUs)`,
);
await run('memory', {});
if (redisServerPath()) {
  const redis = await startRedisServer();
  await run('bullmq', { redisUrl: redis.url });
  await redis.stop();
} else {
  console.log('bullmq  skipped: redis-server not installed');
}
await gitServer.stop();
fs.rmSync(dir, { recursive: true, force: true });
