// Workload benchmark (a script that prints figures, never a test):
//  1. a Deployment of 1,000 pods on the simulated runtime: creation → all replicas ready
//     (pods turn Ready 1 s after they start, as the simulated runtime's default);
//  2. a rolling update of 10 process pods (the example app, readiness after 1 s) with
//     maxSurge 1 / maxUnavailable 0: total time against the 10 × 1 s the strategy allows.
// Usage: npm run build && node bench/controlplane/workloads.mjs [--pods=1000]
import fs from 'node:fs';
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
const PODS = Number(process.argv.find((a) => a.startsWith('--pods='))?.split('=')[1] ?? 1000);
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments' };
const NS = { group: '', version: 'v1', resource: 'namespaces' };

async function until(check, ms) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function deployment(name, replicas, template, strategy) {
  return {
    metadata: { name, namespace: 'bench' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy,
      template: { metadata: { labels: { app: name } }, spec: template },
    },
  };
}

const available = (cp, name, generation, n) => () => {
  const s = cp.api.get(DEPLOY, 'bench', name).status ?? {};
  return (
    s.observedGeneration === generation &&
    s.availableReplicas === n &&
    s.updatedReplicas === n &&
    s.replicas === n
  );
};

const rows = [];
{
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-sim-'));
  const cp = await startControlPlane({
    dataDir,
    port: 0,
    token: 'b',
    runtime: 'simulated',
    simulated: { readyAfterMs: 1000 },
  });
  try {
    await cp.api.create(NS, undefined, { metadata: { name: 'bench' } });
    const t0 = performance.now();
    await cp.api.create(
      DEPLOY,
      'bench',
      deployment('sim', PODS, { containers: [{ name: 'c', image: 'sim' }] }),
    );
    await until(available(cp, 'sim', 1, PODS), 120_000);
    const s = (performance.now() - t0) / 1000;
    rows.push([
      `${PODS} simulated pods: create → all ready`,
      `${s.toFixed(2)} s`,
      'target < 5 s (pods turn Ready 1 s after start)',
    ]);
  } finally {
    await cp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
{
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-roll-'));
  const cp = await startControlPlane({ dataDir, port: 0, token: 'b' });
  const app = path.join(root, 'manifests/example/app/server.mjs');
  const template = (version) => ({
    containers: [
      {
        name: 'app',
        image: 'capstan.dev/example/hello',
        command: [process.execPath, app],
        env: [
          { name: 'READY_DELAY_MS', value: '1000' },
          { name: 'APP_VERSION', value: version },
        ],
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
      },
    ],
    terminationGracePeriodSeconds: 5,
  });
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  try {
    await cp.api.create(NS, undefined, { metadata: { name: 'bench' } });
    await cp.api.create(DEPLOY, 'bench', deployment('roll', 10, template('v1'), strategy));
    await until(available(cp, 'roll', 1, 10), 120_000);
    const current = cp.api.get(DEPLOY, 'bench', 'roll');
    const t0 = performance.now();
    await cp.api.update(DEPLOY, 'bench', 'roll', {
      ...structuredClone(current),
      spec: deployment('roll', 10, template('v2'), strategy).spec,
    });
    await until(available(cp, 'roll', 2, 10), 180_000);
    const s = (performance.now() - t0) / 1000;
    // a pod ready 1 s after its start is seen Ready by the first probe after that (probes run
    // at 0 s, 1 s, 2 s …; the one at 1 s races the app): 2 s per pod, 10 in sequence → 20 s
    const allowed = 10 * 2;
    rows.push([
      'rolling update, 10 process pods, surge 1',
      `${s.toFixed(2)} s`,
      `strategy + 1 s probe period allow ${allowed} s → control-plane overhead ${((s / allowed - 1) * 100).toFixed(1)} %`,
    ]);
  } finally {
    await cp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
const w = Math.max(...rows.map((r) => r[0].length));
for (const [what, value, note] of rows) console.log(`${what.padEnd(w)}  ${value.padStart(8)}  ${note}`);
