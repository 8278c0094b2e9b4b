/**
 * The disruption controller in a running control plane with simulated pods: budgets over
 * Deployments (minAvailable, maxUnavailable as a percentage), a selector that picks nothing,
 * a pod that stops being ready, a pod whose controller has no scale, and the health check
 * that reads the status the controller writes.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject, KubeObject } from '../../../src/core/index.js';
import { startControlPlane, type ControlPlane } from '../../../src/controlplane/index.js';
import { FAIL_ANNOTATION } from '../../../src/controlplane/kubelet/index.js';
import { assessHealth } from '../../../src/sync/health/index.js';
import { eventually, removeDir } from '../helpers.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };
const EVENTS = { group: '', version: 'v1', resource: 'events' };

interface Status {
  observedGeneration?: number;
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
}

let cp: ControlPlane;
let dir: string;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-disruption-'));
  cp = await startControlPlane({
    dataDir: dir,
    http: false,
    token: 't',
    runtime: 'simulated',
    simulated: { readyAfterMs: 20 },
  });
});

test.after.always(async () => {
  await cp?.close();
  if (dir) removeDir(dir);
});

/** A namespace of the test's own, so concurrent tests never see each other's pods. */
async function namespace(name: string): Promise<string> {
  await cp.api.create(NAMESPACES, undefined, { metadata: { name } });
  return name;
}

async function deployment(ns: string, name: string, replicas: number): Promise<void> {
  await cp.api.create(DEPLOYMENTS, ns, {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'demo/app:1' }] },
      },
    },
  });
}

async function budget(ns: string, name: string, spec: JsonObject): Promise<JsonObject> {
  return cp.api.create(PDBS, ns, { metadata: { name }, spec });
}

const pdb = (ns: string, name: string) => cp.api.get(PDBS, ns, name);
const statusOf = (ns: string, name: string) => pdb(ns, name).status as unknown as Status;
const condition = (s: Status) => s.conditions?.find((c) => c.type === 'DisruptionAllowed');

const readyPods = (ns: string, app: string) =>
  (cp.api.list(PODS, ns, { labelSelector: `app=${app}` }).items as JsonObject[]).filter((p) =>
    ((p.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined)?.some(
      (c) => c.type === 'Ready' && c.status === 'True',
    ),
  );

/** Waits for Events of `reason` in the namespace. */
function eventsFor(ns: string, reason: string): Promise<JsonObject[]> {
  return eventually(() => {
    const found = (cp.api.list(EVENTS, ns).items as JsonObject[]).filter((e) => e.reason === reason);
    return found.length > 0 ? found : undefined;
  });
}

/** Waits until the budget's status has these counts, and returns it. */
function statusWith(ns: string, name: string, want: Partial<Status>): Promise<Status> {
  return eventually(() => {
    const s = statusOf(ns, name);
    return Object.entries(want).every(([k, v]) => s[k as keyof Status] === v) && condition(s) ? s : undefined;
  }, 60_000);
}

test('minAvailable 2 over a Deployment of 3: 3 expected, 3 healthy, 2 desired, 1 disruption allowed', async (t) => {
  const ns = await namespace('min-available');
  await deployment(ns, 'web', 3);
  await budget(ns, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
  const s = await statusWith(ns, 'web', { currentHealthy: 3 });
  t.like(s, { observedGeneration: 1, expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
  t.like(condition(s), { status: 'True', reason: 'SufficientPods', message: '' });

  // a new spec is a new generation: 3 wanted of 3 leaves no room
  const current = pdb(ns, 'web');
  await cp.api.update(PDBS, ns, 'web', {
    ...current,
    spec: { ...(current.spec as JsonObject), minAvailable: 3 },
  });
  const next = await statusWith(ns, 'web', { observedGeneration: 2 });
  t.like(next, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 });
  t.like(condition(next), { status: 'False', reason: 'InsufficientPods' });
});

test('maxUnavailable 50% of a Deployment of 3 rounds up: 3 − 2 = 1 desired, 2 disruptions allowed', async (t) => {
  const ns = await namespace('max-unavailable');
  await deployment(ns, 'api', 3);
  await budget(ns, 'api', { maxUnavailable: '50%', selector: { matchLabels: { app: 'api' } } });
  const s = await statusWith(ns, 'api', { currentHealthy: 3 });
  t.like(s, { expectedPods: 3, desiredHealthy: 1, disruptionsAllowed: 2 });
  t.like(condition(s), { status: 'True', reason: 'SufficientPods' });

  // the expected count follows the Deployment's scale, not the pods that exist yet
  // a patch: the controllers write the Deployment's status meanwhile, an update could conflict
  await cp.api.patch(DEPLOYMENTS, ns, 'api', 'merge', { spec: { replicas: 5 } });
  const scaled = await statusWith(ns, 'api', { expectedPods: 5, currentHealthy: 5 });
  t.like(scaled, { desiredHealthy: 2, disruptionsAllowed: 3 });
});

test('a selector that matches nothing expects no pods and allows no disruption', async (t) => {
  const ns = await namespace('no-match');
  await deployment(ns, 'web', 1);
  await budget(ns, 'nothing', { minAvailable: 1, selector: { matchLabels: { app: 'absent' } } });
  const s = await statusWith(ns, 'nothing', { observedGeneration: 1 });
  t.like(s, { expectedPods: 0, currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
  t.like(condition(s), { status: 'False', reason: 'InsufficientPods' });
  const events = await eventsFor(ns, 'NoPods');
  t.like(events[0], { type: 'Normal', message: 'No matching pods found' });
  // InsufficientPods is no failure (argo-cd #20171)
  t.like(assessHealth(pdb(ns, 'nothing') as unknown as KubeObject), { status: 'Healthy' });
});

test('a pod that stops being ready lowers currentHealthy and takes the allowed disruption away', async (t) => {
  const ns = await namespace('not-ready');
  await deployment(ns, 'web', 3);
  await budget(ns, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
  await statusWith(ns, 'web', { currentHealthy: 3, disruptionsAllowed: 1 });

  // a changed image restarts the container; annotated, the new run never turns ready
  const [pod] = readyPods(ns, 'web');
  const meta = pod.metadata as JsonObject;
  const spec = pod.spec as { containers: JsonObject[] };
  await cp.api.update(PODS, ns, String(meta.name), {
    ...pod,
    metadata: { ...meta, annotations: { [FAIL_ANNOTATION]: 'readiness' } },
    spec: { ...spec, containers: [{ ...spec.containers[0], image: 'demo/app:2' }] },
  });
  const s = await statusWith(ns, 'web', { currentHealthy: 2 });
  t.like(s, { expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 0 });
  t.like(condition(s), { status: 'False', reason: 'InsufficientPods' });
  t.is(readyPods(ns, 'web').length, 2);
});

test('a selected pod whose controller has no scale fails the sync: no disruptions, SyncFailed, Degraded', async (t) => {
  const ns = await namespace('sync-failed');
  const owner = await cp.api.create(CONFIGMAPS, ns, { metadata: { name: 'owner' }, data: {} });
  const ownerMeta = owner.metadata as JsonObject;
  await cp.api.create(PODS, ns, {
    metadata: {
      name: 'odd',
      labels: { app: 'odd' },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: ownerMeta.uid, controller: true },
      ],
    },
    spec: { containers: [{ name: 'app', image: 'demo/app:1' }] },
  });
  await budget(ns, 'odd', { maxUnavailable: 1, selector: { matchLabels: { app: 'odd' } } });
  const s = await eventually(() => {
    const st = statusOf(ns, 'odd');
    return condition(st)?.reason === 'SyncFailed' ? st : undefined;
  });
  t.is(s.disruptionsAllowed, 0);
  t.like(condition(s), { status: 'False', message: 'configmaps does not implement the scale subresource' });
  t.like(assessHealth(pdb(ns, 'odd') as unknown as KubeObject), {
    status: 'Degraded',
    message: 'PodDisruptionBudget has SyncFailed',
  });
  const events = await eventsFor(ns, 'CalculateExpectedPodCountFailed');
  t.regex(String(events[0].message), /Failed to calculate the number of expected pods: configmaps does not/);
});

test('assessHealth reads a budget as Progressing until the controller writes its status, then Healthy', async (t) => {
  const ns = await namespace('health');
  await deployment(ns, 'web', 2);
  const created = await budget(ns, 'web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
  // what the API server returns on create: zero counters, no condition yet
  t.like(assessHealth(created as unknown as KubeObject), {
    status: 'Progressing',
    message: 'Waiting for status',
  });
  const healthy = await eventually(() => {
    const h = assessHealth(pdb(ns, 'web') as unknown as KubeObject);
    // InsufficientPods is Healthy too, while the pods are still starting
    return h.message === 'PodDisruptionBudget has SufficientPods' ? h : undefined;
  });
  t.is(healthy.status, 'Healthy');
  t.like(statusOf(ns, 'web'), { expectedPods: 2, currentHealthy: 2, disruptionsAllowed: 1 });
});
