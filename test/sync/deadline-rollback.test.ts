/**
 * Going back from a revision that passed its progress deadline, against a real embedded
 * control plane (simulated pods). The Deployment controller, as Kubernetes', keeps the
 * timed-out Progressing condition in the first status that observes the rollback's
 * generation; the gate must not take that for the rollback's verdict. The sync is
 * continued on every Deployment write, so the gate reads each status the controller
 * writes while it waits.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject, KubeObject } from '../../src/core/index.js';
import { embeddedCluster, type Cluster } from '../../src/cluster/index.js';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';
import { FAIL_ANNOTATION } from '../../src/controlplane/kubelet/index.js';
import { continueSync, startSync, syncApplication, type SyncOptions } from '../../src/sync/index.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const NS = 'deadline';

let cp: ControlPlane;
let dir: string;
let cluster: Cluster;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-deadline-'));
  cp = await startControlPlane({
    dataDir: dir,
    http: false,
    token: 't',
    runtime: 'simulated',
    simulated: { readyAfterMs: 50 },
  });
  cluster = embeddedCluster(cp.api);
});

test.after.always(async () => {
  await cluster?.close();
  await cp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } };

/** One replica, a 1 s progress deadline; `failing` pods never turn ready. */
function web(version: string, failing = false): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: {
          labels: { app: 'web' },
          annotations: { version, ...(failing ? { [FAIL_ANNOTATION]: 'readiness' } : {}) },
        },
        spec: { containers: [{ name: 'web', image: `example/web:${version}` }] },
      },
    },
  };
}

const progressing = (d: JsonObject) =>
  ((d.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined)?.find(
    (c) => c.type === 'Progressing',
  );

test('going back from a revision past its progress deadline ends Healthy', async (t) => {
  // only the progress deadline may fail a revision here
  const options: SyncOptions = { cluster, healthTimeoutMs: 600_000, pollMs: 50 };
  const first = await syncApplication('deadline', [namespace, web('1')], options);
  t.is(first.result, 'Succeeded', first.message);

  const failed = await syncApplication('deadline', [namespace, web('2', true)], options);
  t.is(failed.result, 'Failed');
  t.is(failed.health, 'Degraded');
  t.regex(failed.message, /Deployment "web" exceeded its progress deadline/);

  // every status the controller writes from now on, and a nudge to the sync on each
  const statuses: JsonObject[] = [];
  let nudge: () => void = () => {};
  const watch = cp.api.watch(DEPLOYMENTS, NS, { resourceVersion: '0' }, (e: { object: JsonObject }) => {
    statuses.push(e.object);
    nudge();
  });
  try {
    let step = await startSync('deadline', [namespace, web('1')], options);
    while (!step.done) {
      // the next write, or a look anyway after a while (writes are not the only change)
      await new Promise<void>((resolve) => {
        nudge = resolve;
        setTimeout(resolve, 200);
      });
      step = await continueSync(step.operation, options);
    }
    t.is(step.result.result, 'Succeeded', step.result.message);
    t.is(step.result.health, 'Healthy');
  } finally {
    watch.stop();
  }

  const rollback = Math.max(...statuses.map((d) => (d.metadata as JsonObject).generation as number));
  const observing = statuses.filter(
    (d) => (d.status as JsonObject | undefined)?.observedGeneration === rollback,
  );
  // as in Kubernetes: the first status of the rollback's generation still says the deadline
  // passed (nothing moved yet: one old, one updated, one available pod, as before) ...
  t.is(progressing(observing[0]!)?.reason, 'ProgressDeadlineExceeded');
  // ... and the rollout then finishes
  t.is(progressing(observing.at(-1)!)?.reason, 'NewReplicaSetAvailable');
});
