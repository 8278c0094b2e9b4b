/**
 * The Deployment and ReplicaSet controllers against the real API: a Deployment gets a
 * ReplicaSet named by its pod-template hash and the pods it asks for; a template change
 * makes a second revision; scaling and status follow. (Pods do not run yet: no kubelet.)
 */
import test from 'ava';
import * as k8s from '@kubernetes/client-node';
import { eventually, removeDir, startTestControlPlane, type TestControlPlane } from '../helpers.js';

let env: TestControlPlane;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

test.before(async () => {
  env = await startTestControlPlane();
  core = env.kc.makeApiClient(k8s.CoreV1Api);
  apps = env.kc.makeApiClient(k8s.AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'wl' } } });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

const deployment = (image: string, replicas = 3): k8s.V1Deployment => ({
  metadata: { name: 'web', namespace: 'wl' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } },
  },
});

test.serial('a Deployment gets a ReplicaSet with the pod-template-hash and its pods', async (t) => {
  await apps.createNamespacedDeployment({ namespace: 'wl', body: deployment('nginx:1.25') });
  const rs = await eventually(async () => {
    const list = await apps.listNamespacedReplicaSet({ namespace: 'wl' });
    return list.items.length === 1 ? list.items[0] : undefined;
  });
  const hash = rs.metadata!.labels!['pod-template-hash'];
  t.truthy(hash);
  t.is(rs.metadata!.name, `web-${hash}`);
  t.is(rs.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
  t.is(rs.metadata!.ownerReferences![0].kind, 'Deployment');
  const pods = await eventually(async () => {
    const list = await core.listNamespacedPod({
      namespace: 'wl',
      labelSelector: `pod-template-hash=${hash}`,
    });
    return list.items.length === 3 ? list.items : undefined;
  });
  for (const p of pods) {
    t.true(p.metadata!.name!.startsWith(`web-${hash}-`));
    t.is(p.metadata!.ownerReferences![0].name, `web-${hash}`);
  }
  const d = await eventually(async () => {
    const got = await apps.readNamespacedDeployment({ name: 'web', namespace: 'wl' });
    return got.status?.replicas === 3 ? got : undefined;
  });
  t.is(d.status?.updatedReplicas, 3);
  t.is(d.status?.observedGeneration, 1);
  t.is(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
});

test.serial('a template change makes revision 2 in a new ReplicaSet', async (t) => {
  await apps.replaceNamespacedDeployment({
    name: 'web',
    namespace: 'wl',
    body: {
      ...(await apps.readNamespacedDeployment({ name: 'web', namespace: 'wl' })),
      spec: deployment('nginx:1.26').spec!,
    },
  });
  const rsList = await eventually(async () => {
    const list = await apps.listNamespacedReplicaSet({ namespace: 'wl' });
    return list.items.length === 2 ? list.items : undefined;
  });
  const revisions = rsList.map((r) => r.metadata!.annotations!['deployment.kubernetes.io/revision']).sort();
  t.deepEqual(revisions, ['1', '2']);
  const newRs = rsList.find((r) => r.metadata!.annotations!['deployment.kubernetes.io/revision'] === '2')!;
  t.is(newRs.spec?.template?.spec?.containers[0].image, 'nginx:1.26');
});

test.serial('deleting the Deployment removes its ReplicaSets and pods', async (t) => {
  await apps.deleteNamespacedDeployment({ name: 'web', namespace: 'wl' });
  await eventually(async () => (await core.listNamespacedPod({ namespace: 'wl' })).items.length === 0);
  t.is((await apps.listNamespacedReplicaSet({ namespace: 'wl' })).items.length, 0);
});
