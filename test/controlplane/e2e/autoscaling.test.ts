/**
 * The HorizontalPodAutoscaler on real process pods: the kubelet measures the CPU a pod
 * burns, metrics.k8s.io serves it, and the autoscaler scales the Deployment out; once the
 * burn stops it scales back in after its (shortened) stabilization window.
 */
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, type ControlPlane } from '../../../src/controlplane/index.js';
import { eventually, removeDir } from '../helpers.js';

const burner = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'burn.mjs');
const PODS = { group: '', version: 'v1', resource: 'pods' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const NS = 'default';

let cp: ControlPlane;
let dir: string;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-hpa-e2e-'));
  cp = await startControlPlane({ dataDir: dir, http: false, token: 't', autoscaler: { syncPeriodMs: 500 } });
});

test.after.always(async () => {
  await cp?.close();
  if (dir) removeDir(dir);
});

function poke(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

function runningPods(): any[] {
  return (cp.api.list(PODS, NS, { labelSelector: 'app=burner' }).items as any[]).filter(
    (p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp,
  );
}

const hostPortOf = (uid: string) =>
  cp.agents.flatMap((a) => a.runtime.portMap(uid)).find((m) => m.containerPort === 8080)?.hostPort;

test('CPU burnt by a process pod scales its Deployment out, and back in when it stops', async (t) => {
  await cp.api.create(DEPLOYMENTS, NS, {
    metadata: { name: 'burner' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'burner' } },
      template: {
        metadata: { labels: { app: 'burner' } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'burn',
              image: 'capstan.dev/test/burn:1',
              command: [process.execPath, burner],
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '100m' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  });
  await cp.api.create(HPAS, NS, {
    metadata: { name: 'burner' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burner' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 3 } },
    },
  });
  const ready = await eventually(
    () =>
      runningPods().find((p) =>
        p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      ),
    60_000,
  );
  const port = hostPortOf(ready.metadata.uid);
  t.truthy(port);
  // about half a core against a request of 100m: ~500% of the 50% target
  t.is(await poke(port!, '/burn?seconds=120'), 'burning\n');
  const scaled = await eventually(
    () => {
      const hpa = cp.api.get(HPAS, NS, 'burner') as any;
      return hpa.status?.desiredReplicas === 3 ? hpa : undefined;
    },
    60_000,
    100,
  );
  t.true(scaled.status.currentMetrics[0].resource.current.averageUtilization > 50);
  t.true(
    scaled.status.conditions.some((c: any) => c.type === 'ScalingActive' && c.reason === 'ValidMetricFound'),
  );
  await eventually(() => (cp.api.get(DEPLOYMENTS, NS, 'burner') as any).spec.replicas === 3, 30_000, 100);
  t.pass('scaled out to maxReplicas');

  await poke(port!, '/stop');
  await eventually(() => (cp.api.get(DEPLOYMENTS, NS, 'burner') as any).spec.replicas === 1, 90_000, 200);
  // the controller scales first and writes its status after: read the status once it has
  const hpa = await eventually(
    () => {
      const h = cp.api.get(HPAS, NS, 'burner') as any;
      return h.status?.desiredReplicas !== 3 ? h : undefined;
    },
    30_000,
    100,
  );
  t.is(hpa.status.desiredReplicas, 1);
});
