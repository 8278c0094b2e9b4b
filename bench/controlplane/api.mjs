// Embedded control plane benchmark: durable creates/s through the in-process API and over
// HTTP (1 and 16 concurrent clients), list of 10,000 objects, and watch delivery latency
// to 100 watchers. A script that prints figures, never a test.
//
// Usage: npm run build && node bench/controlplane/api.mjs [--objects=N]
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.join(root, 'dist/controlplane/index.js');
if (!fs.existsSync(dist)) {
  console.error(`bench: ${dist} not found: run \`npm run build\` first`);
  process.exit(2);
}
const { startControlPlane } = await import(dist);
const arg = (name, dflt) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const N = arg('objects', 10000);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-cp-'));
const cp = await startControlPlane({ dataDir, port: 0, token: 'bench' });
const CM = { group: '', version: 'v1', resource: 'configmaps' };
const results = [];
const row = (what, value, unit, target) => results.push({ what, value, unit, target });

async function inProcess(label, total, concurrency, ns) {
  await cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: ns },
  });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await cp.api.create(CM, ns, { metadata: { name: `c${i}` }, data: { i: String(i) } });
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  row(`${label}`, Math.round(total / s), 'creates/s');
}

// HTTPS with keep-alive, as client libraries talk to the API server
const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca: cp.caCert });

function request(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(urlPath, cp.url),
      {
        method,
        agent,
        headers: { authorization: 'Bearer bench', ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function overHttp(label, total, concurrency, ns) {
  await request('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: ns } }));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const r = await request(
          'POST',
          `/api/v1/namespaces/${ns}/configmaps`,
          JSON.stringify({ metadata: { name: `c${i}` }, data: { i: String(i) } }),
        );
        if (r.status !== 201) throw new Error(`create: HTTP ${r.status} ${r.text}`);
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  row(label, Math.round(total / s), 'creates/s');
}

try {
  await inProcess('in-process, 1 writer', 2000, 1, 'b1');
  await inProcess('in-process, 16 writers', N, 16, 'b16');
  await inProcess('in-process, 256 writers', N, 256, 'b256');
  await overHttp('HTTP, 1 client', 2000, 1, 'h1');
  await overHttp('HTTP, 16 clients', 5000, 16, 'h16');

  // list of N objects, in process and over HTTP (JSON encoding included)
  let t0 = performance.now();
  const listed = cp.api.list(CM, 'b16', {});
  row(`list ${listed.items.length} (in-process)`, Math.round(performance.now() - t0), 'ms');
  t0 = performance.now();
  const r = await request('GET', '/api/v1/namespaces/b16/configmaps');
  const body = JSON.parse(r.text);
  row(`list ${body.items.length} (HTTP, JSON)`, Math.round(performance.now() - t0), 'ms');

  // watch latency: 100 watchers, 200 writes; latency = delivery time - write start
  const watchers = 100;
  const writes = 200;
  const started = new Map();
  const latencies = [];
  const stops = [];
  await cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'w' },
  });
  const from = String(cp.store.revision);
  for (let w = 0; w < watchers; w++) {
    stops.push(
      cp.api.watch(CM, 'w', { resourceVersion: from }, (e) => {
        const t = started.get(e.object.metadata.name);
        if (t !== undefined) latencies.push(performance.now() - t);
      }),
    );
  }
  for (let i = 0; i < writes; i++) {
    started.set(`w${i}`, performance.now());
    await cp.api.create(CM, 'w', { metadata: { name: `w${i}` } });
  }
  const deadline = Date.now() + 10000;
  while (latencies.length < watchers * writes && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  for (const s of stops) s.stop();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  row(`watch delivery p50 (${watchers} watchers)`, pct(50).toFixed(2), 'ms');
  row(`watch delivery p99 (${watchers} watchers)`, pct(99).toFixed(2), 'ms');
  row('watch events delivered', `${latencies.length}/${watchers * writes}`, '');
} finally {
  agent.destroy();
  await cp.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const w = Math.max(...results.map((r) => r.what.length));
for (const r of results) console.log(`${r.what.padEnd(w)}  ${String(r.value).padStart(8)} ${r.unit}`);
console.log(
  '\nTargets (2-core machine): ≥ 5,000 creates/s in-process, ≥ 1,500/s over HTTP, list of 10,000 < 100 ms, watch p99 < 20 ms.',
);
