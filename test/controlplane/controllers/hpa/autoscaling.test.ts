/**
 * The autoscaler in a running control plane: Deployments, ReplicaSets and simulated pods,
 * an HPA synced every 100 ms. In `default` the test sets the load through a metrics reader;
 * in `real` the pods declare their usage and the HPA reads the metrics.k8s.io API.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../../../src/core/index.js';
import { startControlPlane, type ControlPlane } from '../../../../src/controlplane/index.js';
import {
  registryPodMetricsReader,
  type PodMetricsReader,
} from '../../../../src/controlplane/controllers/hpa-controller.js';
import { SIMULATED_CPU_ANNOTATION } from '../../../../src/controlplane/kubelet/index.js';
import { eventually, removeDir } from '../../helpers.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const EVENTS = { group: '', version: 'v1', resource: 'events' };

let cp: ControlPlane;
let dir: string;
/** millicores each running pod of `default` uses */
let load = 150;

const fakeMetrics: PodMetricsReader = (namespace, labelSelector) =>
  (cp.api.list(PODS, namespace, { labelSelector }).items as any[])
    .filter((p) => p.status?.phase === 'Running')
    .map((p) => ({
      metadata: { name: p.metadata.name, namespace },
      timestamp: new Date().toISOString(),
      window: '0s',
      containers: [{ name: 'app', usage: { cpu: `${load}m` } }],
    }));

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-autoscaling-'));
  cp = await startControlPlane({
    dataDir: dir,
    http: false,
    token: 't',
    runtime: 'simulated',
    simulated: { readyAfterMs: 20 },
    autoscaler: {
      syncPeriodMs: 100,
      metrics: (ns, selector) =>
        ns === 'real' ? registryPodMetricsReader(cp.api)(ns, selector) : fakeMetrics(ns, selector),
    },
  });
  await cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'real' },
  });
});

test.after.always(async () => {
  await cp?.close();
  if (dir) removeDir(dir);
});

async function deployment(namespace: string, name: string, annotations: Record<string, string> = {}) {
  await cp.api.create(DEPLOYMENTS, namespace, {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: {
          containers: [{ name: 'app', image: 'demo/app:1', resources: { requests: { cpu: '100m' } } }],
        },
      },
    },
  });
}

const replicas = (namespace: string, name: string) =>
  (cp.api.get(DEPLOYMENTS, namespace, name).spec as { replicas: number }).replicas;
const readyPods = (namespace: string, name: string) =>
  (cp.api.get(DEPLOYMENTS, namespace, name).status as { readyReplicas?: number } | undefined)
    ?.readyReplicas ?? 0;
const hpaStatus = (namespace: string, name: string) => cp.api.get(HPAS, namespace, name).status as any;
const condition = (namespace: string, name: string, type: string) =>
  ((hpaStatus(namespace, name)?.conditions ?? []) as any[]).find((c) => c.type === type);

test.serial(
  'a Deployment follows its load: up, clamped to max, steady within tolerance, down after the window',
  async (t) => {
    await deployment('default', 'web');
    await eventually(() => readyPods('default', 'web') === 1);
    await cp.api.create(HPAS, 'default', {
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 1 } },
      },
    });

    // 150 % against 50 % on one pod: 3; on three: 9, clamped to 4
    await eventually(() => replicas('default', 'web') >= 3);
    await eventually(() => replicas('default', 'web') === 4 && readyPods('default', 'web') === 4);
    await eventually(
      () =>
        hpaStatus('default', 'web').currentReplicas === 4 &&
        condition('default', 'web', 'ScalingLimited')?.reason === 'TooManyReplicas',
    );
    t.like(hpaStatus('default', 'web'), {
      currentReplicas: 4,
      desiredReplicas: 4,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 150 } } }],
    });

    // 55 %: within the tolerance, several syncs change nothing
    load = 55;
    await eventually(
      () => hpaStatus('default', 'web').currentMetrics?.[0]?.resource?.current?.averageUtilization === 55,
    );
    await eventually(() => condition('default', 'web', 'AbleToScale')?.reason === 'ReadyForNewScale');
    const scaledAt = hpaStatus('default', 'web').lastScaleTime;
    await new Promise((r) => setTimeout(r, 400));
    t.is(replicas('default', 'web'), 4);
    t.is(hpaStatus('default', 'web').lastScaleTime, scaledAt);

    // 10 %: one pod is enough, once the 1 s scale-down window has passed
    load = 10;
    await eventually(() => condition('default', 'web', 'AbleToScale')?.reason === 'ScaleDownStabilized');
    t.is(replicas('default', 'web'), 4);
    await eventually(() => replicas('default', 'web') === 1);
    await eventually(() => hpaStatus('default', 'web').desiredReplicas === 1);

    const rescales = (cp.api.list(EVENTS, 'default').items as JsonObject[])
      .filter(
        (e) =>
          e.reason === 'SuccessfulRescale' &&
          (e.involvedObject as JsonObject).kind === 'HorizontalPodAutoscaler',
      )
      .map((e) => e.message);
    t.true(
      rescales.includes('New size: 4; reason: cpu resource utilization (percentage of request) above target'),
    );
    t.true(rescales.includes('New size: 1; reason: All metrics below target'));
    t.is(
      (cp.api.list(EVENTS, 'default').items as any[]).find((e) => e.reason === 'SuccessfulRescale')?.source
        ?.component,
      'horizontal-pod-autoscaler',
    );
  },
);

test.serial('over the metrics.k8s.io API: simulated pods that declare 150m of a 100m request', async (t) => {
  await deployment('real', 'busy', { [SIMULATED_CPU_ANNOTATION]: '150m' });
  await cp.api.create(HPAS, 'real', {
    metadata: { name: 'busy' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'busy' },
      maxReplicas: 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
    },
  });
  await eventually(() => replicas('real', 'busy') === 3, 15_000);
  await eventually(
    () => hpaStatus('real', 'busy').currentMetrics?.[0]?.resource?.current?.averageUtilization === 150,
  );
  t.like(hpaStatus('real', 'busy'), {
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '150m' } } }],
  });
  t.is(condition('real', 'busy', 'ScalingActive')?.reason, 'ValidMetricFound');
});
