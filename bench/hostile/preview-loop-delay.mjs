// How long the event loop stalls while the daemon previews (diffs) a large sync: N
// ConfigMaps live in the embedded control plane, the desired set changes each of them, and
// previewSync computes a unified diff and a JSON patch per object. Reports the time, the
// longest gap between two ticks of a 1 ms interval, and perf_hooks' event-loop delay.
// Prints figures, asserts nothing.
//
// Usage: node --import tsx bench/hostile/preview-loop-delay.mjs [N]   (default 8192)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startControlPlane } from '../../src/controlplane/index.ts';
import { embeddedCluster } from '../../src/cluster/index.ts';
import { APP_LABEL, previewSync } from '../../src/sync/index.ts';
import { planAgainstLive } from '../../src/sync/engine.ts';
import { measure } from './event-loop.mjs';

const n = Number(process.argv[2] ?? 8192);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-preview-delay-'));
const controlPlane = await startControlPlane({ dataDir: root, http: false, controllers: false });
const cluster = embeddedCluster(controlPlane.api);
// live objects carry the application's label, as a sync leaves them: the preview finds them
const configMap = (i, value) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, namespace: 'default', labels: { [APP_LABEL]: 'bench' } },
  data: { key: value, other: 'unchanged', padding: 'x'.repeat(200) },
});
try {
  for (let i = 0; i < n; i += 64)
    await Promise.all(
      Array.from({ length: Math.min(64, n - i) }, (_, k) => cluster.apply(configMap(i + k, 'live'))),
    );
  const desired = Array.from({ length: n }, (_, i) => configMap(i, 'desired'));
  const options = { cluster, defaultNamespace: 'default' };
  for (const run of [1, 2]) {
    const plan = await measure(() => planAgainstLive('bench', desired, options));
    const preview = await measure(() => previewSync('bench', desired, options));
    const updates = preview.result.filter((p) => p.action === 'update').length;
    console.log(`run ${run}: ${n} objects, ${updates} updates`);
    console.log(`  plan alone (listing live, planning): ${plan.figures}`);
    console.log(`  preview (plan + a diff and a patch per object): ${preview.figures}`);
  }
} finally {
  await cluster.close();
  await controlPlane.close();
  fs.rmSync(root, { recursive: true, force: true });
}
