/**
 * previewSync diffs thousands of objects without holding the event loop for all of them
 * (issue 10): it lets the loop turn between slices of objects, so the daemon's APIs
 * answer during a large diff. Counted in turns of the loop, never in time.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../src/core/index.js';
import { embeddedCluster, type Cluster } from '../../src/cluster/index.js';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';
import { previewSync } from '../../src/sync/index.js';

let cp: ControlPlane;
let dir: string;
let cluster: Cluster;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-preview-'));
  cp = await startControlPlane({ dataDir: dir, http: false, controllers: false });
  cluster = embeddedCluster(cp.api);
});

test.after.always(async () => {
  await cluster?.close();
  await cp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const configMap = (i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, namespace: 'default' },
  data: { key: `value ${i}` },
});

test('the event loop turns while thousands of objects are diffed', async (t) => {
  const n = 2048;
  let turns = 0;
  let previewing = true;
  const turn = () => {
    turns++;
    if (previewing) setImmediate(turn);
  };
  setImmediate(turn);
  const previews = await previewSync(
    'many',
    Array.from({ length: n }, (_, i) => configMap(i)),
    { cluster, defaultNamespace: 'default' },
  );
  previewing = false;
  t.is(previews.length, n);
  t.true(previews.every((p) => p.action === 'create' && p.diff.includes('+kind: ConfigMap')));
  // one turn at least per slice of 64 objects; diffed in one go, the loop turned only at the plan's few awaits
  t.true(turns >= n / 64, `${turns} turns of the event loop while ${n} objects were diffed`);
});
