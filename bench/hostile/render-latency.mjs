// How long the daemon's API (/healthz) and the embedded Kubernetes API (/version) take to
// answer while a doubling-diamond kustomization renders (issue 10): once with the render on
// the main thread (render() called directly, as the daemon did), once through the daemon's
// worker-thread pool. A separate prober process sends a request to each API every 20 ms
// without waiting for the previous one, and reports p50/p99/max latency per API; the
// daemon's process reports its own event-loop delay (perf_hooks). Prints figures, asserts
// nothing.
//
// Usage: node --import tsx bench/hostile/render-latency.mjs [LEVELS] [LEAVES]
//   default 10 levels of 8 leaves: 8,192 ConfigMaps, 4,094 kustomizations built — the heaviest
//   diamond within the default render limits (13 levels of one leaf, issue 10's, is refused)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const EVERY_MS = 20;
const SETTLE_MS = 300;

if (process.argv[2] === '--probe') await probe(process.argv[3], process.argv[4], process.argv[5]);
else await main(Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 8));

async function main(levels, leaves) {
  const { startCapstan } = await import('../../src/boot/index.ts');
  const { RenderPool } = await import('../../src/daemon/render-pool.ts');
  const { render } = await import('../../src/render/index.ts');
  const { writeDiamond } = await import('../../test/helpers/diamond-kustomization.ts');

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-render-latency-'));
  const dir = path.join(root, 'diamond');
  const objects = writeDiamond(dir, levels, leaves);
  const token = 'bench-token';
  // the control plane, the daemon and its HTTP server, as `capstan serve` starts them
  const capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token,
    runtime: 'simulated',
    server: { port: 0 },
  });
  const ca = path.join(root, 'ca.pem');
  fs.writeFileSync(ca, capstan.controlPlane.caCert);
  const pool = new RenderPool();
  console.log(
    `diamond: ${levels} levels of ${leaves} leaves, ${objects} ConfigMaps; a request to each API every ${EVERY_MS} ms`,
  );
  console.log(`cores: ${os.availableParallelism()}, pool threads: ${pool.threads}`);
  try {
    const phases = [
      ['idle (no render)', async () => sleep(3000)],
      ['main thread', async () => render(dir, { repoRoot: dir })],
      ['worker pool (cold)', () => pool.render(dir, { repoRoot: dir })],
      ['worker pool (warm)', () => pool.render(dir, { repoRoot: dir })],
    ];
    for (const [name, work] of phases) {
      const prober = await startProber(capstan.server.url, capstan.controlPlane.url, ca);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      await sleep(50); // the monitor's first sample, before a render that may hold the thread
      const started = performance.now();
      const result = await work();
      const ms = performance.now() - started;
      await sleep(50); // the sample a blocking render delayed lands now
      loop.disable();
      const figures = await prober.stop();
      const rendered = result?.objects ? `, ${result.objects.length} objects` : '';
      console.log(`\n${name}: ${ms.toFixed(0)} ms${rendered}`);
      console.log(
        `  event loop delay: p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms`,
      );
      for (const [api, f] of Object.entries(figures))
        console.log(
          `  ${api.padEnd(22)} n=${String(f.n).padStart(4)}  p50 ${f.p50} ms  p99 ${f.p99} ms  max ${f.max} ms`,
        );
    }
  } finally {
    await pool.close();
    await capstan.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Starts this script as a prober process; `stop()` ends it and returns its figures. */
async function startProber(daemonUrl, kubeUrl, caFile) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--probe', daemonUrl, kubeUrl, caFile],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  while (!out.includes('ready\n')) {
    if (child.exitCode !== null) throw new Error('the prober exited');
    await sleep(10);
  }
  await sleep(SETTLE_MS);
  return {
    async stop() {
      await sleep(SETTLE_MS);
      child.stdin.end('stop\n');
      await new Promise((resolve) => child.once('exit', resolve));
      return JSON.parse(out.slice(out.indexOf('ready\n') + 'ready\n'.length));
    },
  };
}

/** The prober: fires requests on a fixed schedule until told to stop, then prints latencies as JSON. */
async function probe(daemonUrl, kubeUrl, caFile) {
  const ca = fs.readFileSync(caFile, 'utf8');
  const agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true, ca }),
  };
  const targets = {
    'daemon /healthz': new URL('/healthz', daemonUrl),
    'kube API /version': new URL('/version', kubeUrl),
  };
  const latencies = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  const pending = new Set();
  const get = (name, url) => {
    const sent = performance.now();
    const lib = url.protocol === 'https:' ? https : http;
    const done = new Promise((resolve) => {
      const req = lib.get(url, { agent: agents[url.protocol === 'https:' ? 'https' : 'http'] }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies[name].push(performance.now() - sent);
          resolve();
        });
      });
      req.on('error', resolve);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  const timer = setInterval(() => {
    for (const [name, url] of Object.entries(targets)) get(name, url);
  }, EVERY_MS);
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.on('data', (d) => String(d).includes('stop') && resolve()));
  clearInterval(timer);
  await Promise.all(pending);
  const figures = {};
  for (const [name, list] of Object.entries(latencies)) {
    list.sort((a, b) => a - b);
    const at = (q) => list[Math.min(list.length - 1, Math.floor(q * list.length))]?.toFixed(1);
    figures[name] = { n: list.length, p50: at(0.5), p99: at(0.99), max: list.at(-1)?.toFixed(1) };
  }
  process.stdout.write(JSON.stringify(figures));
  agents.http.destroy();
  agents.https.destroy();
}
