import { isDeepStrictEqual } from 'node:util';
import test from 'ava';
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h.close());

const json = { 'Content-Type': 'application/json' };
const post = (path: string, body: unknown) =>
  h.fetch(path, { method: 'POST', headers: json, body: JSON.stringify(body) });
const callsOf = (method: string, name: string) =>
  h.api.calls.filter((c) => c.method === method && c.args.includes(name));

test('client-node creates, reads, lists, updates and deletes a ConfigMap', async (t) => {
  const core = h.kubeConfig().makeApiClient(CoreV1Api);
  const created = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'crud' }, data: { a: '1' } },
  });
  t.is(created.metadata?.namespace, 'default');
  t.truthy(created.metadata?.uid);
  t.is((await core.readNamespacedConfigMap({ name: 'crud', namespace: 'default' })).data?.a, '1');
  const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'none=here' });
  t.is(list.items.length, 0);
  // Other tests in this file run at the same time: find this list among theirs.
  const selectors = h.api.calls.filter((c) => c.method === 'list').map((c) => c.args[2]);
  t.true(selectors.some((options) => isDeepStrictEqual(options, { labelSelector: 'none=here' })));
  const updated = await core.replaceNamespacedConfigMap({
    name: 'crud',
    namespace: 'default',
    body: { ...created, data: { a: '2' } },
  });
  t.is(updated.data?.a, '2');
  await core.deleteNamespacedConfigMap({ name: 'crud', namespace: 'default' });
  const err = await t.throwsAsync(core.readNamespacedConfigMap({ name: 'crud', namespace: 'default' }));
  t.is((err as { code?: number }).code, 404);
});

test('create answers 201 and fills a missing namespace, apiVersion and kind from the URL', async (t) => {
  const res = await post('/api/v1/namespaces/team/configmaps', { metadata: { name: 'fill' } });
  t.is(res.status, 201);
  const body = (callsOf('create', 'team')[0].args[2] ?? {}) as Record<string, any>;
  t.like(body, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fill', namespace: 'team' } });
});

test('a namespace in the body that differs from the URL is 400', async (t) => {
  const res = await post('/api/v1/namespaces/a/configmaps', { metadata: { name: 'x', namespace: 'b' } });
  t.is(res.status, 400);
  t.is(
    (await res.json()).message,
    'the namespace of the provided object does not match the namespace sent on the request',
  );
  const wrongKind = await post('/api/v1/namespaces/a/configmaps', {
    kind: 'Secret',
    metadata: { name: 'x' },
  });
  t.is(wrongKind.status, 400);
  const wrongName = await h.fetch('/api/v1/namespaces/a/configmaps/one', {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ metadata: { name: 'two' } }),
  });
  t.is(wrongName.status, 400);
});

test('a namespaced resource without a namespace lists across namespaces', async (t) => {
  await post('/api/v1/namespaces/n1/configmaps', { metadata: { name: 'across' } });
  await post('/api/v1/namespaces/n2/configmaps', { metadata: { name: 'across' } });
  const list = await (
    await h.fetch('/api/v1/configmaps?fieldSelector=metadata.name%3Dacross&limit=10')
  ).json();
  t.deepEqual(list.items.map((i: any) => i.metadata.namespace).sort(), ['n1', 'n2']);
  const call = h.api.calls.findLast(
    (c) =>
      c.method === 'list' &&
      (c.args[2] as { fieldSelector?: string })?.fieldSelector === 'metadata.name=across',
  )!;
  t.is(call.args[1], undefined);
  t.deepEqual(call.args[2], { fieldSelector: 'metadata.name=across', limit: 10 });
});

test('cluster-scoped resources live at /api/v1/{resource}/{name}', async (t) => {
  t.is((await post('/api/v1/namespaces', { metadata: { name: 'ns-one' } })).status, 201);
  const ns = await (await h.fetch('/api/v1/namespaces/ns-one')).json();
  t.is(ns.metadata.name, 'ns-one');
  const getsOf = (name: string) => h.api.calls.filter((c) => c.method === 'get' && c.args[2] === name);
  t.is(getsOf('ns-one').at(-1)!.args[1], undefined);
  // namespaces/{name}/status is the Namespace's subresource, not a resource inside it
  t.is((await h.fetch('/api/v1/namespaces/ns-one/status')).status, 200);
  t.is(getsOf('ns-one').at(-1)!.args[3], 'status');
  t.is((await h.fetch('/api/v1/namespaces/x/namespaces')).status, 404);
});

test('status and scale subresources reach the Api with their names', async (t) => {
  const apps = h.kubeConfig().makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: { replicas: 2, selector: {}, template: {} } },
  });
  const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' });
  t.is(scale.spec?.replicas, 2);
  await apps.patchNamespacedDeploymentScale(
    { name: 'web', namespace: 'default', body: { spec: { replicas: 3 } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const patch = callsOf('patch', 'web').at(-1)!;
  t.like(patch.args[5] as object, { subresource: 'scale' });
  const res = await h.fetch('/apis/apps/v1/namespaces/default/deployments/web/status', {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ metadata: { name: 'web' }, status: { replicas: 1 } }),
  });
  t.is(res.status, 200);
  t.like(callsOf('update', 'web').at(-1)!.args[4] as object, { subresource: 'status' });
  t.is((await h.fetch('/api/v1/namespaces/default/configmaps/x/status')).status, 404);
});

const patchTypes = [
  ['application/json-patch+json', 'json', JSON.stringify([{ op: 'add', path: '/data', value: { k: 'v' } }])],
  ['application/merge-patch+json', 'merge', JSON.stringify({ data: { k: 'v' } })],
  ['application/strategic-merge-patch+json', 'strategic', JSON.stringify({ data: { k: 'v' } })],
  [
    'application/apply-patch+yaml',
    'apply',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: patched\ndata:\n  k: v\n',
  ],
] as const;

for (const [contentType, type, body] of patchTypes) {
  test(`PATCH ${contentType} reaches Api.patch as '${type}'`, async (t) => {
    const name = `patched-${type}`;
    await post('/api/v1/namespaces/p/configmaps', { metadata: { name } });
    const res = await h.fetch(
      `/api/v1/namespaces/p/configmaps/${name}?fieldManager=me&force=true&dryRun=All&fieldValidation=Strict`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': contentType },
        body: body.replace('name: patched', `name: ${name}`),
      },
    );
    t.is(res.status, 200);
    const call = callsOf('patch', name).at(-1)!;
    t.is(call.args[3], type);
    t.deepEqual(call.args[5], { dryRun: true, fieldManager: 'me', force: true, fieldValidation: 'Strict' });
    if (type === 'apply') t.like(call.args[4] as object, { kind: 'ConfigMap', data: { k: 'v' } });
    if (type === 'json') t.true(Array.isArray(call.args[4]));
  });
}

test('client-node patches with each strategy', async (t) => {
  const core = h.kubeConfig().makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'pp' } } });
  await core.patchNamespacedConfigMap(
    { name: 'pp', namespace: 'cn', body: { data: { a: 'b' } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
  await core.patchNamespacedConfigMap(
    { name: 'pp', namespace: 'cn', body: [{ op: 'replace', path: '/data/a', value: 'c' }] },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  const cm = await core.patchNamespacedConfigMap(
    {
      name: 'pp',
      namespace: 'cn',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pp' }, data: { a: 'd' } },
      fieldManager: 'test',
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  t.is(cm.data?.a, 'd');
  t.deepEqual(
    callsOf('patch', 'pp').map((c) => c.args[3]),
    ['strategic', 'json', 'apply'],
  );
});

test('DELETE passes DeleteOptions from the body and the query', async (t) => {
  await post('/api/v1/namespaces/d/configmaps', { metadata: { name: 'gone' } });
  const res = await h.fetch('/api/v1/namespaces/d/configmaps/gone?gracePeriodSeconds=5', {
    method: 'DELETE',
    headers: json,
    body: JSON.stringify({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
      preconditions: { uid: 'u1' },
    }),
  });
  t.is(res.status, 200);
  t.deepEqual(callsOf('delete', 'gone')[0].args[3], {
    propagationPolicy: 'Foreground',
    gracePeriodSeconds: 5,
    dryRun: true,
    preconditions: { uid: 'u1' },
  });
});

test('DELETE on a collection is deleteCollection with the selectors', async (t) => {
  await post('/api/v1/namespaces/dc/configmaps', { metadata: { name: 'a', labels: { x: 'y' } } });
  await post('/api/v1/namespaces/dc/configmaps', { metadata: { name: 'b' } });
  const res = await h.fetch(
    '/api/v1/namespaces/dc/configmaps?labelSelector=x%3Dy&propagationPolicy=Background',
    {
      method: 'DELETE',
    },
  );
  t.is(res.status, 200);
  const call = h.api.calls.find((c) => c.method === 'deleteCollection' && c.args[1] === 'dc')!;
  t.deepEqual(call.args[2], { labelSelector: 'x=y' });
  t.deepEqual(call.args[3], { propagationPolicy: 'Background' });
  const left = await (await h.fetch('/api/v1/namespaces/dc/configmaps')).json();
  t.deepEqual(
    left.items.map((i: any) => i.metadata.name),
    ['b'],
  );
});

test('a YAML body is accepted on create', async (t) => {
  const res = await h.fetch('/api/v1/namespaces/y/configmaps', {
    method: 'POST',
    headers: { 'Content-Type': 'application/yaml' },
    body: 'metadata:\n  name: from-yaml\ndata:\n  n: "1"\n',
  });
  t.is(res.status, 201);
  t.is((await res.json()).data.n, '1');
});

test('responses carry Kubernetes headers', async (t) => {
  const res = await h.fetch('/api/v1/namespaces/default/configmaps');
  t.is(res.headers.get('content-type'), 'application/json');
  t.is(res.headers.get('cache-control'), 'no-cache, private');
  t.regex(res.headers.get('audit-id') ?? '', /^[0-9a-f-]{36}$/);
});
