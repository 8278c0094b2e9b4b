// Figures for the embedded store (src/controlplane/store): durable write throughput,
// list latency, watch delivery latency. Prints figures; asserts nothing.
//
//   node --import tsx bench/controlplane/store.mjs [--keep]
//
// Runs the TypeScript sources through tsx (no build needed). Data goes to .bench-tmp/
// in the repository, on the same disk as a real data directory: a tmpfs would make
// fsync free and the figures meaningless.
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/controlplane/store/index.ts';

const keep = process.argv.includes('--keep');
const root = path.resolve('.bench-tmp', `store-${process.pid}`);
let dirs = 0;
const freshDir = () => path.join(root, `d${dirs++}`);

const prefix = { group: '', resource: 'configmaps' };
const key = (name, namespace = 'default') => ({ group: '', resource: 'configmaps', namespace, name });
/** A ConfigMap of about 600 bytes of JSON, like a small real one. */
const object = (k, i) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: k.name,
    namespace: k.namespace,
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    labels: { app: `app-${i % 50}`, 'app.kubernetes.io/managed-by': 'capstan' },
    annotations: { 'capstan.dev/revision': 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2' },
    creationTimestamp: '2025-01-01T00:00:00Z',
  },
  data: { 'config.yaml': `listen: 0.0.0.0:8080\nreplicas: ${i % 7}\n`.repeat(6) },
});

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** `total` creates by `writers` concurrent loops, each awaiting its previous write. */
async function creates(writers, total) {
  const store = openStore({ dataDir: freshDir() });
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < total) {
        const i = next++;
        const k = key(`obj-${i}`, `ns-${i % 20}`);
        await store.create(k, object(k, i));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  return total / seconds;
}

async function listFigures(n) {
  const dataDir = freshDir();
  let store = openStore({ dataDir });
  const batch = [];
  for (let i = 0; i < n; i++) {
    const k = key(`obj-${(i * 7919) % n}`, `ns-${i % 20}`);
    batch.push(store.create(k, object(k, i)));
  }
  await Promise.all(batch);
  await store.close();
  let start = performance.now();
  store = openStore({ dataDir });
  const openMs = performance.now() - start;
  const runs = (fn) => {
    const times = [];
    for (let r = 0; r < 21; r++) {
      const t0 = performance.now();
      fn();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[10];
  };
  const listMs = runs(() => store.list(prefix));
  const nsMs = runs(() => store.list({ ...prefix, namespace: 'ns-3' }));
  const pageMs = runs(() => store.list(prefix, { limit: 500, continueAfter: 'ns-3/obj-5000' }));
  // What the HTTP layer does next: serialize the items (a real list response).
  const jsonMs = runs(() => JSON.stringify({ items: store.list(prefix).items.map((o) => o.value) }));
  await store.close();
  return { openMs, listMs, nsMs, pageMs, jsonMs };
}

/** Creates by `writers` loops while `watchers` watches record delivery time minus issue time. */
async function watchLatency(watchers, writers, total) {
  const store = openStore({ dataDir: freshDir() });
  const issued = new Map();
  const samples = [];
  let delivered = 0;
  let done;
  const all = new Promise((r) => (done = r));
  for (let w = 0; w < watchers; w++) {
    store.watch(prefix, {}, (e) => {
      samples.push(performance.now() - issued.get(e.key.name));
      if (++delivered === watchers * total) done();
    });
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < total) {
        const i = next++;
        const k = key(`obj-${i}`);
        issued.set(k.name, performance.now());
        await store.create(k, object(k, i));
      }
    }),
  );
  await all;
  await store.close();
  samples.sort((a, b) => a - b);
  return { p50: pct(samples, 50), p99: pct(samples, 99), n: samples.length };
}

fs.mkdirSync(root, { recursive: true });
try {
  console.log(`store bench: node ${process.version}, data in ${root}\n`);
  console.log('durable creates/s (each acknowledged only after COMMIT with synchronous=FULL)');
  for (const [writers, total] of [
    [1, 3000],
    [16, 30000],
    [256, 60000],
  ]) {
    console.log(
      `  ${String(writers).padStart(3)} writer(s) in flight: ${fmt(await creates(writers, total)).padStart(7)} /s  (${fmt(total)} creates)`,
    );
  }
  const l = await listFigures(10_000);
  console.log('\n10,000 objects (one resource, 20 namespaces; median of 21)');
  console.log(`  open (load into memory): ${fmt(l.openMs, 1)} ms`);
  console.log(`  list all:                ${fmt(l.listMs, 3)} ms`);
  console.log(`  list one namespace:      ${fmt(l.nsMs, 3)} ms`);
  console.log(`  list page of 500:        ${fmt(l.pageMs, 3)} ms`);
  console.log(`  list all + JSON.stringify of the items: ${fmt(l.jsonMs, 1)} ms`);
  const w = await watchLatency(100, 16, 5000);
  console.log(
    '\nwatch delivery, 100 watchers, 16 writers, 5,000 creates (from the write call to the callback)',
  );
  console.log(`  p50 ${fmt(w.p50, 2)} ms, p99 ${fmt(w.p99, 2)} ms over ${fmt(w.n)} deliveries`);
} finally {
  if (!keep) fs.rmSync(root, { recursive: true, force: true });
}
