/**
 * StatefulSet pods start in order with stable names and claims; a DaemonSet runs one pod
 * on the node. Pods are real processes that turn ready through their probes.
 */
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../../../src/core/index.js';
import { eventually, removeDir, startTestControlPlane, type TestControlPlane } from '../helpers.js';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'web.mjs');
let env: TestControlPlane;

test.before(async () => {
  env = await startTestControlPlane();
  await env.cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'sets' },
  });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

const podSpec = {
  terminationGracePeriodSeconds: 2,
  containers: [
    {
      name: 'web',
      image: 'capstan.dev/test/web:1',
      command: [process.execPath, web],
      ports: [{ name: 'http', containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
    },
  ],
};

const created = (p: JsonObject) => Date.parse(String((p.metadata as JsonObject).creationTimestamp));
const readySince = (p: JsonObject) => {
  const c = ((p.status as JsonObject).conditions as JsonObject[]).find((x) => x.type === 'Ready');
  return Date.parse(String(c?.lastTransitionTime));
};

test('a StatefulSet starts web-0, web-1, web-2 in order, each after the previous is ready', async (t) => {
  await env.cp.api.create({ group: 'apps', version: 'v1', resource: 'statefulsets' }, 'sets', {
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'sts' } },
      template: { metadata: { labels: { app: 'sts' } }, spec: podSpec },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  });
  const sts = (await eventually(
    () => {
      const s = env.cp.api.get(
        { group: 'apps', version: 'v1', resource: 'statefulsets' },
        'sets',
        'web',
      ) as any;
      return s.status?.readyReplicas === 3 ? s : undefined;
    },
    60_000,
    50,
  )) as any;
  t.is(sts.status.replicas, 3);
  const pods = ['web-0', 'web-1', 'web-2'].map(
    (n) => env.cp.store.get({ group: '', resource: 'pods', namespace: 'sets', name: n })!.value,
  );
  // each pod was created no earlier than the previous one became ready (second precision)
  t.true(created(pods[1]) >= readySince(pods[0]));
  t.true(created(pods[2]) >= readySince(pods[1]));
  for (const i of [0, 1, 2]) {
    t.truthy(
      env.cp.store.get({
        group: '',
        resource: 'persistentvolumeclaims',
        namespace: 'sets',
        name: `data-web-${i}`,
      }),
    );
  }
});

test('a DaemonSet runs one pod on the node', async (t) => {
  await env.cp.api.create({ group: 'apps', version: 'v1', resource: 'daemonsets' }, 'sets', {
    metadata: { name: 'agent' },
    spec: {
      selector: { matchLabels: { app: 'ds' } },
      template: { metadata: { labels: { app: 'ds' } }, spec: podSpec },
    },
  });
  const ds = (await eventually(
    () => {
      const d = env.cp.api.get(
        { group: 'apps', version: 'v1', resource: 'daemonsets' },
        'sets',
        'agent',
      ) as any;
      return d.status?.numberReady === 1 ? d : undefined;
    },
    60_000,
    50,
  )) as any;
  t.is(ds.status.desiredNumberScheduled, 1);
});
