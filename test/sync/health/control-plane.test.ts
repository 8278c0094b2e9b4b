/**
 * Health assessed on what a real embedded control plane writes: a Deployment goes
 * Progressing → Healthy (on creation and on a rolling update), and one whose simulated
 * pods never turn ready ends Degraded past its progress deadline, naming the pod,
 * container and probe.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../../src/core/index.js';
import { startControlPlane, type ControlPlane } from '../../../src/controlplane/index.js';
import { FAIL_ANNOTATION } from '../../../src/controlplane/kubelet/index.js';
import { assessHealth, describeCause, type HealthStatus } from '../../../src/sync/health/index.js';
import { eventually } from '../../helpers/eventually.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const REPLICASETS = { group: 'apps', version: 'v1', resource: 'replicasets' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const NS = 'default';

let cp: ControlPlane;
let dir: string;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-health-'));
  cp = await startControlPlane({
    dataDir: dir,
    http: false,
    token: 't',
    runtime: 'simulated',
    simulated: { readyAfterMs: 50 },
  });
});

test.after.always(async () => {
  await cp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const items = (gvr: typeof PODS) => (cp.api.list(gvr, NS).items ?? []) as unknown as KubeObject[];

/** The Deployment's health with the pods and ReplicaSets around it, as the sync gate will ask. */
function health(name: string): HealthStatus {
  const d = cp.api.get(DEPLOYMENTS, NS, name) as unknown as KubeObject;
  return assessHealth(d, { pods: items(PODS), replicaSets: items(REPLICASETS) });
}

function webDeployment(
  name: string,
  extra: { annotations?: Record<string, string>; progressDeadlineSeconds?: number } = {},
) {
  return {
    metadata: { name },
    spec: {
      replicas: 2,
      ...(extra.progressDeadlineSeconds ? { progressDeadlineSeconds: extra.progressDeadlineSeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
        spec: { containers: [{ name: 'web', image: 'shop/web:1' }] },
      },
    },
  };
}

test.serial('a Deployment goes Progressing → Healthy, and again through a rolling update', async (t) => {
  await cp.api.create(DEPLOYMENTS, NS, webDeployment('good'));
  const first = health('good');
  t.is(first.status, 'Progressing', JSON.stringify(first));
  const healthy = await eventually(() => {
    const h = health('good');
    return h.status === 'Healthy' ? h : undefined;
  }, 30_000);
  t.deepEqual(healthy, { status: 'Healthy' });

  await cp.api.patch(DEPLOYMENTS, NS, 'good', 'merge', {
    spec: { template: { spec: { containers: [{ name: 'web', image: 'shop/web:2' }] } } },
  });
  const seen = new Set<string>();
  const updating = health('good');
  t.is(updating.status, 'Progressing', JSON.stringify(updating));
  seen.add(updating.message ?? '');
  await eventually(() => {
    const h = health('good');
    if (h.message) seen.add(h.message);
    return h.status === 'Healthy';
  }, 30_000);
  t.true(
    [...seen].some((m) => m.startsWith('Waiting for rollout to finish')),
    [...seen].join(' | '),
  );
  // every pod of the Deployment is healthy on its own as well
  for (const p of items(PODS).filter(
    (p) => p.metadata.labels?.app === 'good' && !p.metadata.deletionTimestamp,
  )) {
    t.is(assessHealth(p).status, 'Healthy');
  }
});

test.serial(
  'pods that never turn ready: Degraded past the progress deadline, with the pod at fault',
  async (t) => {
    await cp.api.create(
      DEPLOYMENTS,
      NS,
      webDeployment('bad', { annotations: { [FAIL_ANNOTATION]: 'readiness' }, progressDeadlineSeconds: 1 }),
    );
    // Under load the deadline may pass before the pods run (the cause is then
    // ContainerCreating); the verdict stays Degraded while they start and fail readiness.
    const degraded = await eventually(() => {
      const h = health('bad');
      return h.status === 'Degraded' && h.cause?.probe ? h : undefined;
    }, 30_000);
    t.is(degraded.message, 'Deployment "bad" exceeded its progress deadline');
    const newest = items(REPLICASETS).find((rs) => rs.metadata.labels?.app === 'bad');
    const hash = newest?.metadata.labels?.['pod-template-hash'];
    const podNames = items(PODS)
      .filter((p) => p.metadata.labels?.['pod-template-hash'] === hash)
      .map((p) => p.metadata.name);
    t.true(podNames.includes(degraded.cause?.pod ?? ''), `${degraded.cause?.pod} in ${podNames.join(', ')}`);
    t.like(degraded.cause, { container: 'web', probe: 'readiness', reason: 'NotReady' });
    t.regex(
      describeCause(degraded.cause!),
      /^pod bad-[a-z0-9]+-[a-z0-9]+ container web: readiness probe failing$/,
    );

    // each pod on its own: running, not ready, the same probe to blame
    const p = cp.api.get(PODS, NS, degraded.cause!.pod!) as unknown as KubeObject;
    t.like(assessHealth(p), {
      status: 'Progressing',
      message: 'containers with unready status: [web]',
      cause: { pod: degraded.cause!.pod, container: 'web', probe: 'readiness' },
    });
  },
);
