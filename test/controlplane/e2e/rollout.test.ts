/**
 * Rolling updates with real process pods respect maxSurge and maxUnavailable at every
 * moment, and an update whose pods never become ready stalls with
 * ProgressDeadlineExceeded. The invariants are checked on every pod change the API
 * reports (a watch), not by sampling.
 */
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../../../src/core/index.js';
import { eventually, removeDir, startTestControlPlane, type TestControlPlane } from '../helpers.js';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'web.mjs');
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
let env: TestControlPlane;

test.before(async () => {
  env = await startTestControlPlane();
  await env.cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'roll' },
  });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

function deployment(
  name: string,
  version: string,
  extraEnv: Record<string, string> = {},
  deadline?: number,
): JsonObject {
  return {
    metadata: { name, namespace: 'roll' },
    spec: {
      replicas: 10,
      ...(deadline ? { progressDeadlineSeconds: deadline } : {}),
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'web',
              image: 'capstan.dev/test/web:1',
              command: [process.execPath, web],
              env: [
                { name: 'VERSION', value: version },
                ...Object.entries(extraEnv).map(([n, value]) => ({ name: n, value })),
              ],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

const ready = (p: JsonObject) =>
  ((p.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  ) === true;

function podsOf(app: string): JsonObject[] {
  return env.cp.store
    .list({ group: '', resource: 'pods', namespace: 'roll' })
    .items.map((o) => o.value)
    .filter((p) => ((p.metadata as JsonObject).labels as Record<string, string>)?.app === app);
}

async function waitAvailable(name: string, generation: number): Promise<void> {
  await eventually(
    () => {
      const d = env.cp.api.get(DEPLOY, 'roll', name) as any;
      const s = d.status ?? {};
      return (
        s.observedGeneration === generation &&
        s.updatedReplicas === 10 &&
        s.availableReplicas === 10 &&
        s.replicas === 10
      );
    },
    120_000,
    50,
  );
}

test.serial(
  '10 replicas, maxSurge 1, maxUnavailable 1: never fewer than 9 ready nor more than 11 pods',
  async (t) => {
    await env.cp.api.create(DEPLOY, 'roll', deployment('inv', 'v1'));
    await waitAvailable('inv', 1);
    let maxPods = 0;
    let minReady = Infinity;
    const watch = env.cp.api.watch(PODS, 'roll', { resourceVersion: String(env.cp.store.revision) }, () => {
      // the Deployment counts pods that are not terminating; so does this check
      const live = podsOf('inv').filter((p) => !(p.metadata as JsonObject).deletionTimestamp);
      maxPods = Math.max(maxPods, live.length);
      minReady = Math.min(minReady, live.filter(ready).length);
    });
    t.teardown(() => watch.stop());
    const current = env.cp.api.get(DEPLOY, 'roll', 'inv');
    await env.cp.api.update(DEPLOY, 'roll', 'inv', {
      ...structuredClone(current),
      spec: deployment('inv', 'v2').spec,
    });
    await waitAvailable('inv', 2);
    await eventually(() => podsOf('inv').length === 10, 60_000);
    t.true(maxPods <= 11, `at most 11 pods, saw ${maxPods}`);
    t.true(minReady >= 9, `at least 9 ready, saw ${minReady}`);
    for (const p of podsOf('inv')) {
      const e = ((p.spec as any).containers[0].env as Array<{ name: string; value: string }>).find(
        (x) => x.name === 'VERSION',
      );
      t.is(e?.value, 'v2');
    }
  },
);

test.serial('an update whose pods never become ready stalls with ProgressDeadlineExceeded', async (t) => {
  await env.cp.api.create(DEPLOY, 'roll', deployment('stall', 'v1', {}, 4));
  await waitAvailable('stall', 1);
  const current = env.cp.api.get(DEPLOY, 'roll', 'stall');
  await env.cp.api.update(DEPLOY, 'roll', 'stall', {
    ...structuredClone(current),
    spec: deployment('stall', 'v2', { NOT_READY: '1' }, 4).spec,
  });
  const d = (await eventually(
    () => {
      const got = env.cp.api.get(DEPLOY, 'roll', 'stall') as any;
      const c = got.status?.conditions?.find((x: any) => x.type === 'Progressing');
      return c?.reason === 'ProgressDeadlineExceeded' ? got : undefined;
    },
    60_000,
    100,
  )) as any;
  const progressing = d.status.conditions.find((x: any) => x.type === 'Progressing');
  t.is(progressing.status, 'False');
  t.regex(progressing.message, /has timed out progressing/);
  t.true(d.status.availableReplicas >= 9, 'the old pods keep serving');
});
