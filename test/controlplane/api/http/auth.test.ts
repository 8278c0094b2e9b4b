import test from 'ava';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h.close());

test.serial('a request without a token gets a 401 Unauthorized Status', async (t) => {
  // serial: other tests of this file make authorized calls, and this one counts calls
  const before = h.api.calls.length;
  const res = await fetch(`${h.url}/api/v1/namespaces/default/configmaps`);
  t.is(res.status, 401);
  t.deepEqual(await res.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
  t.is(h.api.calls.length, before);
});

test('a wrong token, or another scheme, is refused', async (t) => {
  for (const authorization of [
    'Bearer wrong',
    'Bearer test-token-012345678',
    `Basic ${btoa('a:b')}`,
    'Bearer',
  ]) {
    const res = await fetch(`${h.url}/api`, { headers: { Authorization: authorization } });
    t.is(res.status, 401, authorization);
  }
});

test('discovery and OpenAPI need the token too', async (t) => {
  for (const path of ['/api', '/apis', '/api/v1', '/openapi/v2', '/openapi/v3']) {
    t.is((await fetch(h.url + path)).status, 401, path);
  }
});

test('health and version are open, as kube-apiserver grants them to system:unauthenticated', async (t) => {
  for (const path of ['/healthz', '/livez', '/readyz', '/version']) {
    t.is((await fetch(h.url + path)).status, 200, path);
  }
});

test('client-node with the token is served; with a wrong one it sees 401', async (t) => {
  const ok = await h.kubeConfig().makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'default' });
  t.is(ok.kind, 'ConfigMapList');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: h.url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'nope' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const err = await t.throwsAsync(
    kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'default' }),
  );
  t.is((err as { code?: number }).code, 401);
});

test('without a configured token every request is served', async (t) => {
  const open = await startHarness({ token: undefined });
  t.teardown(() => open.close());
  t.is((await fetch(`${open.url}/api/v1/namespaces/default/configmaps`)).status, 200);
});
