/** State survives a restart of the control plane: objects, resourceVersions, the token. */
import test from 'ava';
import * as k8s from '@kubernetes/client-node';
import { rawRequest, removeDir, startTestControlPlane } from '../helpers.js';

test('objects and revisions survive a restart; new writes get higher resourceVersions', async (t) => {
  const first = await startTestControlPlane();
  const core = first.kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'keep' } } });
  const cm = await core.createNamespacedConfigMap({
    namespace: 'keep',
    body: { metadata: { name: 'c' }, data: { a: '1' } },
  });
  await first.close();

  const second = await startTestControlPlane(first.dataDir);
  t.teardown(async () => {
    await second.close();
    removeDir(first.dataDir);
  });
  const core2 = second.kc.makeApiClient(k8s.CoreV1Api);
  const again = await core2.readNamespacedConfigMap({ name: 'c', namespace: 'keep' });
  t.is(again.data?.a, '1');
  t.is(again.metadata?.uid, cm.metadata?.uid);
  t.is(again.metadata?.resourceVersion, cm.metadata?.resourceVersion);
  const next = await core2.createNamespacedConfigMap({
    namespace: 'keep',
    body: { metadata: { name: 'd' } },
  });
  t.true(Number(next.metadata?.resourceVersion) > Number(cm.metadata?.resourceVersion));
  // the watch history starts empty after a restart: a watch from before it is too old
  const old = await rawRequest(
    second,
    'GET',
    '/api/v1/namespaces/keep/configmaps?watch=1&resourceVersion=1',
    {
      token: 'test-token',
    },
  );
  t.is(old.status, 410);
  const status = JSON.parse(old.body);
  t.is(status.reason, 'Expired');
  t.regex(status.message, /too old resource version: 1/);
});
