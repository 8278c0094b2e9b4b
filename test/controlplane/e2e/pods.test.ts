/**
 * Workloads really run: a Deployment's pods are scheduled onto this machine's node and
 * started as processes; readiness probes make them Ready and the Deployment available;
 * a rolling update replaces them; deleting the Deployment stops the processes.
 */
import test from 'ava';
import * as k8s from '@kubernetes/client-node';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import {
  eventually,
  hasKubectl,
  rawRequest,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../helpers.js';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'web.mjs');
let env: TestControlPlane;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

test.before(async () => {
  env = await startTestControlPlane();
  core = env.kc.makeApiClient(k8s.CoreV1Api);
  apps = env.kc.makeApiClient(k8s.AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'run' } } });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

const deployment = (version: string): k8s.V1Deployment => ({
  metadata: { name: 'web', namespace: 'run' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'capstan.dev/test/web:1',
            command: [process.execPath, web],
            env: [{ name: 'VERSION', value: version }],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
          },
        ],
      },
    },
  },
});

test.serial('the node is registered and pods of a Deployment run and become Ready', async (t) => {
  const nodes = await core.listNode();
  t.is(nodes.items.length, 1);
  t.is(nodes.items[0].status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  await apps.createNamespacedDeployment({ namespace: 'run', body: deployment('v1') });
  const d = await eventually(async () => {
    const got = await apps.readNamespacedDeployment({ name: 'web', namespace: 'run' });
    return got.status?.availableReplicas === 2 ? got : undefined;
  }, 30_000);
  t.is(d.status?.readyReplicas, 2);
  const pods = await core.listNamespacedPod({ namespace: 'run' });
  for (const p of pods.items) {
    t.is(p.status?.phase, 'Running');
    t.is(p.spec?.nodeName, nodes.items[0].metadata?.name);
    t.true(p.status?.containerStatuses?.[0].ready);
  }
});

function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const c = spawn('kubectl', ['--kubeconfig', env.kubeconfigPath, ...args]);
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

(hasKubectl ? test.serial : test.skip)(
  'kubectl rollout status waits for the rollout; rollout restart makes a new revision',
  async (t) => {
    const status = await kubectl('-n', 'run', 'rollout', 'status', 'deploy/web', '--timeout=60s');
    t.is(status.code, 0, status.out);
    t.regex(status.out, /successfully rolled out/);
    const restart = await kubectl('-n', 'run', 'rollout', 'restart', 'deploy/web');
    t.is(restart.code, 0, restart.out);
    const again = await kubectl('-n', 'run', 'rollout', 'status', 'deploy/web', '--timeout=60s');
    t.is(again.code, 0, again.out);
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'run' });
    t.true(rs.items.some((r) => r.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2'));
  },
);

test.serial('pods/log serves what the container printed (kubectl logs)', async (t) => {
  // a running pod (after `rollout restart`, the old ones may still be going away)
  const name = await eventually(async () => {
    const pods = await core.listNamespacedPod({ namespace: 'run' });
    const p = pods.items.find(
      (x) =>
        !x.metadata?.deletionTimestamp &&
        x.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    return p?.metadata?.name;
  }, 30_000);
  const res = await rawRequest(env, 'GET', `/api/v1/namespaces/run/pods/${name}/log`, {
    token: 'test-token',
  });
  t.is(res.status, 200);
  t.regex(res.body, /listening on \d+/);
  if (hasKubectl) {
    const out = await new Promise<string>((resolve) => {
      const c = spawn('kubectl', ['--kubeconfig', env.kubeconfigPath, '-n', 'run', 'logs', name, '--tail=1']);
      let text = '';
      c.stdout.on('data', (d) => (text += d));
      c.on('close', () => resolve(text));
    });
    t.regex(out, /^listening on \d+\n$/);
  }
});

test.serial('a rolling update replaces the pods with the new version', async (t) => {
  const current = await apps.readNamespacedDeployment({ name: 'web', namespace: 'run' });
  await apps.replaceNamespacedDeployment({
    name: 'web',
    namespace: 'run',
    body: { ...current, spec: deployment('v2').spec! },
  });
  await eventually(async () => {
    const got = await apps.readNamespacedDeployment({ name: 'web', namespace: 'run' });
    const s = got.status;
    // `kubectl rollout restart` may have made a generation before this one
    return (
      s?.observedGeneration === got.metadata?.generation &&
      s?.updatedReplicas === 2 &&
      s.availableReplicas === 2 &&
      s.replicas === 2
    );
  }, 60_000);
  const pods = await eventually(async () => {
    const list = await core.listNamespacedPod({ namespace: 'run' });
    return list.items.length === 2 ? list.items : undefined;
  }, 30_000);
  for (const p of pods) t.is(p.spec?.containers[0].env?.[0].value, 'v2');
  const events = await core.listNamespacedEvent({
    namespace: 'run',
    fieldSelector: 'involvedObject.name=web',
  });
  t.true(
    events.items.some(
      (e) => e.reason === 'ScalingReplicaSet' && /^Scaled (up|down) replica set web-/.test(e.message ?? ''),
    ),
  );
});

test.serial('deleting the Deployment stops and removes its pods', async (t) => {
  await apps.deleteNamespacedDeployment({ name: 'web', namespace: 'run' });
  await eventually(
    async () => (await core.listNamespacedPod({ namespace: 'run' })).items.length === 0,
    30_000,
  );
  t.pass();
});

test.serial(
  'an unschedulable pod stays Pending with the scheduler reason and a FailedScheduling event',
  async (t) => {
    await core.createNamespacedPod({
      namespace: 'run',
      body: {
        metadata: { name: 'too-big' },
        spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '10000' } } }] },
      },
    });
    const pod = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: 'too-big', namespace: 'run' });
      return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')
        ? p
        : undefined;
    }, 20_000);
    const cond = pod.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    t.is(cond.reason, 'Unschedulable');
    t.regex(cond.message!, /^0\/1 nodes are available: 1 Insufficient cpu\./);
    const events = await eventually(async () => {
      const list = await core.listNamespacedEvent({
        namespace: 'run',
        fieldSelector: 'involvedObject.name=too-big',
      });
      return list.items.length > 0 ? list.items : undefined;
    }, 20_000);
    t.is(events[0].reason, 'FailedScheduling');
    t.is(events[0].type, 'Warning');
  },
);

test.serial('a liveness failure restarts the container; a crashing container backs off', async (t) => {
  await core.createNamespacedPod({
    namespace: 'run',
    body: {
      metadata: { name: 'unlive' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'capstan.dev/test/web:1',
            command: [process.execPath, web],
            env: [{ name: 'NOT_LIVE', value: '1' }],
            ports: [{ name: 'http', containerPort: 8080 }],
            livenessProbe: {
              httpGet: { path: '/live', port: 'http' },
              periodSeconds: 1,
              failureThreshold: 1,
            },
          },
        ],
      },
    },
  });
  await core.createNamespacedPod({
    namespace: 'run',
    body: {
      metadata: { name: 'crasher' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'capstan.dev/test/crash',
            command: [process.execPath, '-e', 'process.exit(3)'],
          },
        ],
      },
    },
  });
  const restarted = await eventually(async () => {
    const p = await core.readNamespacedPod({ name: 'unlive', namespace: 'run' });
    return (p.status?.containerStatuses?.[0].restartCount ?? 0) >= 1 ? p : undefined;
  }, 30_000);
  t.true(restarted.status!.containerStatuses![0].restartCount >= 1);
  const crashing = await eventually(async () => {
    const p = await core.readNamespacedPod({ name: 'crasher', namespace: 'run' });
    return p.status?.containerStatuses?.[0].state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
  }, 30_000);
  const cs = crashing.status!.containerStatuses![0];
  t.true(cs.restartCount >= 1);
  t.is(cs.lastState?.terminated?.exitCode, 3);
  t.regex(cs.state!.waiting!.message!, /^back-off \d+s restarting failed container=c pod=crasher_run/);
});
