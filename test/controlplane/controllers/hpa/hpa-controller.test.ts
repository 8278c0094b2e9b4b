/**
 * The HPA controller against a real in-process API, one sync at a time on a fake clock: a
 * Deployment, pods written by hand (no kubelet), and a metrics reader the test feeds.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../../../src/core/index.js';
import { EventRecorder, FakeClock } from '../../../../src/runtime/index.js';
import { ApiError, startControlPlane, type ControlPlane } from '../../../../src/controlplane/index.js';
import {
  hpaController,
  registryPodMetricsReader,
  type PodMetricsReader,
} from '../../../../src/controlplane/controllers/hpa-controller.js';
import type { ControllerSpec } from '../../../../src/controlplane/controllers/controller-host.js';
import { removeDir } from '../../helpers.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const CPU = 'cpu resource utilization (percentage of request)';

let cp: ControlPlane;
let dir: string;
const clock = new FakeClock(Date.UTC(2024, 0, 1));
const events: JsonObject[] = [];
const recorder = new EventRecorder({
  component: 'horizontal-pod-autoscaler',
  clock,
  sink: async (e) => {
    events.push(e);
  },
});
/** millicores each pod uses, by namespace */
const load = new Map<string, number>();
const reads: string[] = [];
const reader: PodMetricsReader = (namespace, labelSelector) => {
  reads.push(`${namespace}:${labelSelector}`);
  const cpu = load.get(namespace);
  if (cpu === undefined) throw new Error('metrics unavailable');
  return (cp.api.list(PODS, namespace, { labelSelector }).items as JsonObject[]).map((p) => ({
    metadata: { name: (p.metadata as JsonObject).name, namespace },
    timestamp: clock.now().toISOString(),
    window: '30s',
    containers: [{ name: 'app', usage: { cpu: `${cpu}m`, memory: '10Mi' } }],
  }));
};
let hpa: ControllerSpec;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-hpa-'));
  cp = await startControlPlane({ dataDir: dir, http: false, controllers: false, token: 't' });
  await cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'other' },
  });
  hpa = hpaController(cp.api, {
    metrics: reader,
    events: recorder,
    clock,
    settings: { downscaleStabilizationMs: 60_000 },
  });
});

test.after.always(async () => {
  await cp?.close();
  if (dir) removeDir(dir);
});

async function deployment(namespace: string, name: string, replicas: number): Promise<void> {
  await cp.api.create(DEPLOYMENTS, namespace, {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: 'demo/app:1', resources: { requests: { cpu: '200m' } } }],
        },
      },
    },
  });
}

/** A Running pod, Ready since ten minutes before the clock's start, as a kubelet would report it. */
async function runningPod(
  namespace: string,
  app: string,
  name: string,
  requests: JsonObject = { cpu: '200m' },
) {
  const created = await cp.api.create(PODS, namespace, {
    metadata: { name, labels: { app } },
    spec: { containers: [{ name: 'app', image: 'demo/app:1', resources: { requests } }] },
  });
  const since = '2023-12-31T23:50:00Z';
  await cp.api.update(
    PODS,
    namespace,
    name,
    {
      ...created,
      status: {
        phase: 'Running',
        startTime: since,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }],
      },
    },
    { subresource: 'status' },
  );
}

async function autoscaler(namespace: string, name: string, spec: JsonObject = {}): Promise<void> {
  await cp.api.create(HPAS, namespace, {
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 6,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
      ...spec,
    },
  });
}

const replicasOf = (namespace: string, name: string) =>
  (cp.api.get(DEPLOYMENTS, namespace, name).spec as { replicas: number }).replicas;
const statusOf = (namespace: string, name: string) => cp.api.get(HPAS, namespace, name).status as any;
const conditions = (namespace: string, name: string) =>
  Object.fromEntries(
    ((statusOf(namespace, name).conditions ?? []) as any[]).map((c) => [c.type, `${c.status}/${c.reason}`]),
  );
async function eventsFor(name: string): Promise<string[]> {
  await recorder.flush();
  return events
    .filter((e) => (e.involvedObject as JsonObject).name === name)
    .map((e) => `${String(e.reason)}: ${String(e.message)}`);
}

test.serial(
  'scales up over target, holds within tolerance, scales down after the window, clamps to max',
  async (t) => {
    await deployment('default', 'web', 3);
    for (const i of [0, 1, 2]) await runningPod('default', 'web', `web-${i}`);
    await autoscaler('default', 'web');

    // 180m of 200m = 90 % against 50 %: ceil(1.8 × 3) = 6
    load.set('default', 180);
    t.deepEqual(await hpa.reconcile('default/web'), { requeueAfter: 15_000 });
    t.is(replicasOf('default', 'web'), 6);
    t.like(statusOf('default', 'web'), {
      observedGeneration: 1,
      lastScaleTime: '2024-01-01T00:00:00Z',
      currentReplicas: 3,
      desiredReplicas: 6,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '180m' } },
        },
      ],
    });
    t.deepEqual(conditions('default', 'web'), {
      AbleToScale: 'True/SucceededRescale',
      ScalingActive: 'True/ValidMetricFound',
      ScalingLimited: 'False/DesiredWithinRange',
    });
    t.deepEqual(await eventsFor('web'), [`SuccessfulRescale: New size: 6; reason: ${CPU} above target`]);
    t.deepEqual(reads, ['default:app=web']);

    // our own status write (or any event) before the period is up does not sync again
    load.set('default', 400);
    t.deepEqual(await hpa.reconcile('default/web'), { requeueAfter: 15_000 });
    clock.advance(5_000);
    t.deepEqual(await hpa.reconcile('default/web'), { requeueAfter: 10_000 });
    t.is(replicasOf('default', 'web'), 6);
    t.is(reads.length, 1);

    // the ReplicaSet's pods arrive; 105m = 52 % is within the tolerance of 50 %
    for (const i of [3, 4, 5]) await runningPod('default', 'web', `web-${i}`);
    load.set('default', 105);
    clock.advance(10_000);
    await hpa.reconcile('default/web');
    t.is(replicasOf('default', 'web'), 6);
    t.like(statusOf('default', 'web'), { currentReplicas: 6, desiredReplicas: 6 });
    t.deepEqual(conditions('default', 'web'), {
      AbleToScale: 'True/ReadyForNewScale',
      ScalingActive: 'True/ValidMetricFound',
      ScalingLimited: 'False/DesiredWithinRange',
    });

    // 10 %: 2 replicas would do, but 6 was recommended within the 60 s window
    load.set('default', 20);
    clock.advance(15_000);
    await hpa.reconcile('default/web');
    t.is(replicasOf('default', 'web'), 6);
    t.is(conditions('default', 'web').AbleToScale, 'True/ScaleDownStabilized');
    clock.advance(45_000); // t = 75 s: the 6 of t = 15 s is still in the window
    await hpa.reconcile('default/web');
    t.is(replicasOf('default', 'web'), 6);
    clock.advance(15_000); // t = 90 s: it is not
    await hpa.reconcile('default/web');
    t.is(replicasOf('default', 'web'), 2);
    t.like(statusOf('default', 'web'), {
      lastScaleTime: '2024-01-01T00:01:30Z',
      currentReplicas: 6,
      desiredReplicas: 2,
    });
    t.is((await eventsFor('web')).at(-1), 'SuccessfulRescale: New size: 2; reason: All metrics below target');

    // the pods go; a spec change (maxReplicas 3) is synced at once, and the size clamped to it
    for (const i of [2, 3, 4, 5]) await cp.api.delete(PODS, 'default', `web-${i}`, { gracePeriodSeconds: 0 });
    load.set('default', 1000);
    await cp.api.patch(HPAS, 'default', 'web', 'merge', { spec: { maxReplicas: 3 } });
    await hpa.reconcile('default/web');
    t.is(replicasOf('default', 'web'), 3);
    t.like(statusOf('default', 'web'), { observedGeneration: 2, currentReplicas: 2, desiredReplicas: 3 });
    t.is(conditions('default', 'web').ScalingLimited, 'True/TooManyReplicas');
  },
);

test.serial(
  'a pod without a CPU request, missing metrics, a missing target: conditions, not crashes',
  async (t) => {
    await deployment('other', 'api', 2);
    await runningPod('other', 'api', 'api-0');
    await runningPod('other', 'api', 'api-1', {});
    await autoscaler('other', 'api');
    load.set('other', 100);
    clock.advance(1_000);
    await hpa.reconcile('other/api');
    t.is(replicasOf('other', 'api'), 2);
    const active = statusOf('other', 'api').conditions.find((c: any) => c.type === 'ScalingActive');
    t.like(active, {
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message:
        'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod api-1',
    });
    t.true(
      (await eventsFor('api')).includes(
        'FailedGetResourceMetric: failed to get cpu utilization: missing request for cpu in container app of Pod api-1',
      ),
    );

    // the metrics source fails
    load.delete('other');
    await cp.api.patch(HPAS, 'other', 'api', 'merge', { spec: { maxReplicas: 5 } });
    await hpa.reconcile('other/api');
    t.regex(
      statusOf('other', 'api').conditions.find((c: any) => c.type === 'ScalingActive').message,
      /unable to fetch metrics from resource metrics API: metrics unavailable$/,
    );

    // the target goes away
    await cp.api.delete(DEPLOYMENTS, 'other', 'api', {});
    await cp.api.patch(HPAS, 'other', 'api', 'merge', { spec: { maxReplicas: 4 } });
    await hpa.reconcile('other/api');
    t.like(
      statusOf('other', 'api').conditions.find((c: any) => c.type === 'AbleToScale'),
      {
        status: 'False',
        reason: 'FailedGetScale',
        message:
          'the HPA controller was unable to get the target\'s current scale: deployments.apps "api" not found',
      },
    );

    // a deleted HPA is forgotten and not requeued
    await cp.api.delete(HPAS, 'other', 'api', {});
    t.is(await hpa.reconcile('other/api'), undefined);
  },
);

test.serial('the registry reader lists metrics.k8s.io; a missing API reads as client-go reports it', (t) => {
  const real = registryPodMetricsReader(cp.api);
  // served here, but no node runs the pods written by hand: nothing to list
  t.deepEqual(real('default', 'app=web'), []);
  const missing = registryPodMetricsReader({
    list: () => {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    },
  } as never);
  t.throws(() => missing('default', 'app=web'), {
    message: 'the server could not find the requested resource (get pods.metrics.k8s.io)',
  });
});
