/**
 * The embedded control plane driven over HTTP by @kubernetes/client-node, as any
 * Kubernetes client would: CRUD, selectors, watch, the four patch types, subresources,
 * optimistic concurrency and the errors a real API server gives.
 */
import test from 'ava';
import * as k8s from '@kubernetes/client-node';
import {
  eventually,
  rawRequest,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../helpers.js';

let env: TestControlPlane;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let objects: k8s.KubernetesObjectApi;

test.before(async () => {
  // API semantics alone: no controller writes objects behind the test's back
  env = await startTestControlPlane(undefined, { controllers: false });
  core = env.kc.makeApiClient(k8s.CoreV1Api);
  apps = env.kc.makeApiClient(k8s.AppsV1Api);
  objects = k8s.KubernetesObjectApi.makeApiClient(env.kc);
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

/** The Status a failed call carried. */
async function statusOf(
  p: Promise<unknown>,
): Promise<{ code: number; reason: string; message: string; details?: any }> {
  try {
    await p;
  } catch (e) {
    const err = e as k8s.ApiException<string>;
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, reason: body.reason, message: body.message, details: body.details };
  }
  throw new Error('expected the call to fail');
}

const deployment = (name: string, ns: string, replicas = 2): k8s.V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
    },
  },
});

test('bootstrap namespaces exist and a namespace can be created', async (t) => {
  const list = await core.listNamespace();
  const names = list.items.map((n) => n.metadata!.name);
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) t.true(names.includes(n), n);
  const ns = await core.createNamespace({ body: { metadata: { name: 'crud' } } });
  t.is(ns.status?.phase, 'Active');
  t.truthy(ns.metadata?.uid);
  t.regex(ns.metadata!.creationTimestamp!.toISOString(), /^\d{4}-/);
});

test('ConfigMaps: create, get, list with selectors, update with optimistic concurrency, delete', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'cm' } } });
  const created = await core.createNamespacedConfigMap({
    namespace: 'cm',
    body: { metadata: { name: 'one', labels: { tier: 'a' } }, data: { k: 'v' } },
  });
  await core.createNamespacedConfigMap({
    namespace: 'cm',
    body: { metadata: { name: 'two', labels: { tier: 'b' } } },
  });
  t.truthy(created.metadata?.resourceVersion);
  const got = await core.readNamespacedConfigMap({ name: 'one', namespace: 'cm' });
  t.is(got.data?.k, 'v');
  const selected = await core.listNamespacedConfigMap({ namespace: 'cm', labelSelector: 'tier=a' });
  t.deepEqual(
    selected.items.map((c) => c.metadata!.name),
    ['one'],
  );
  const byField = await core.listNamespacedConfigMap({ namespace: 'cm', fieldSelector: 'metadata.name=two' });
  t.deepEqual(
    byField.items.map((c) => c.metadata!.name),
    ['two'],
  );
  const updated = await core.replaceNamespacedConfigMap({
    name: 'one',
    namespace: 'cm',
    body: { ...got, data: { k: 'v2' } },
  });
  t.not(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
  const stale = await statusOf(
    core.replaceNamespacedConfigMap({ name: 'one', namespace: 'cm', body: { ...got, data: { k: 'v3' } } }),
  );
  t.is(stale.code, 409);
  t.is(stale.reason, 'Conflict');
  t.regex(stale.message, /the object has been modified/);
  await core.deleteNamespacedConfigMap({ name: 'one', namespace: 'cm' });
  const gone = await statusOf(core.readNamespacedConfigMap({ name: 'one', namespace: 'cm' }));
  t.is(gone.code, 404);
  t.is(gone.reason, 'NotFound');
  t.is(gone.message, 'configmaps "one" not found');
});

test('list with limit and continue pages through everything once', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'paging' } } });
  for (let i = 0; i < 7; i++) {
    await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: `c${i}` } } });
  }
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page: k8s.V1ConfigMapList = await core.listNamespacedConfigMap({
      namespace: 'paging',
      limit: 3,
      _continue: token,
    });
    seen.push(...page.items.map((c) => c.metadata!.name!));
    token = page.metadata?._continue;
  } while (token);
  t.deepEqual(seen, ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
});

test('errors: AlreadyExists, Invalid with causes, unknown namespace', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'errs' } } });
  await core.createNamespacedConfigMap({ namespace: 'errs', body: { metadata: { name: 'dup' } } });
  const dup = await statusOf(
    core.createNamespacedConfigMap({ namespace: 'errs', body: { metadata: { name: 'dup' } } }),
  );
  t.is(dup.code, 409);
  t.is(dup.reason, 'AlreadyExists');
  t.is(dup.message, 'configmaps "dup" already exists');
  const bad = await statusOf(
    core.createNamespacedConfigMap({ namespace: 'errs', body: { metadata: { name: 'Bad_Name' } } }),
  );
  t.is(bad.code, 422);
  t.is(bad.reason, 'Invalid');
  t.is(bad.details.causes[0].field, 'metadata.name');
  const noNs = await statusOf(
    core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }),
  );
  t.is(noNs.code, 404);
  t.is(noNs.message, 'namespaces "nowhere" not found');
});

test('Deployments get API defaults, generation moves only on spec changes, status and scale subresources', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'apps' } } });
  const d = await apps.createNamespacedDeployment({ namespace: 'apps', body: deployment('web', 'apps') });
  t.is(d.spec?.strategy?.type, 'RollingUpdate');
  t.is(d.spec?.strategy?.rollingUpdate?.maxSurge, '25%');
  t.is(d.spec?.revisionHistoryLimit, 10);
  t.is(d.spec?.progressDeadlineSeconds, 600);
  t.is(d.spec?.template.spec?.restartPolicy, 'Always');
  t.is(d.metadata?.generation, 1);
  const labelled = await apps.patchNamespacedDeployment(
    { name: 'web', namespace: 'apps', body: { metadata: { labels: { extra: 'yes' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  t.is(labelled.metadata?.generation, 1);
  const scaled = await apps.replaceNamespacedDeploymentScale({
    name: 'web',
    namespace: 'apps',
    body: { metadata: { name: 'web', namespace: 'apps' }, spec: { replicas: 5 } },
  });
  t.is(scaled.spec?.replicas, 5);
  const after = await apps.readNamespacedDeployment({ name: 'web', namespace: 'apps' });
  t.is(after.spec?.replicas, 5);
  t.is(after.metadata?.generation, 2);
  const withStatus = await apps.replaceNamespacedDeploymentStatus({
    name: 'web',
    namespace: 'apps',
    body: { ...after, status: { replicas: 5, readyReplicas: 3 }, spec: { ...after.spec!, replicas: 9 } },
  });
  t.is(withStatus.status?.readyReplicas, 3);
  t.is(withStatus.spec?.replicas, 5, 'a status update does not change spec');
  const viaMain = await apps.replaceNamespacedDeployment({
    name: 'web',
    namespace: 'apps',
    body: { ...withStatus, status: { replicas: 0 } },
  });
  t.is(viaMain.status?.readyReplicas, 3, 'a main-resource update does not change status');
});

test('patch: JSON patch, merge patch, strategic merge (containers by name), server-side apply with conflicts', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'patch' } } });
  await apps.createNamespacedDeployment({ namespace: 'patch', body: deployment('p', 'patch') });
  const json = await apps.patchNamespacedDeployment(
    { name: 'p', namespace: 'patch', body: [{ op: 'replace', path: '/spec/replicas', value: 4 }] },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  );
  t.is(json.spec?.replicas, 4);
  const smp = await apps.patchNamespacedDeployment(
    {
      name: 'p',
      namespace: 'patch',
      body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
  );
  t.deepEqual(smp.spec?.template.spec?.containers.map((c) => c.name).sort(), ['app', 'sidecar']);
  const applied = await objects.patch(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'p', namespace: 'patch' },
      spec: { replicas: 6 },
    } as any,
    undefined,
    undefined,
    'manager-a',
    true, // the JSON patch above made the (unnamed) client owner of spec.replicas
    k8s.PatchStrategy.ServerSideApply,
  );
  t.is((applied as k8s.V1Deployment).spec?.replicas, 6);
  const fight = await statusOf(
    objects.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'p', namespace: 'patch' },
        spec: { replicas: 7 },
      } as any,
      undefined,
      undefined,
      'manager-b',
      undefined,
      k8s.PatchStrategy.ServerSideApply,
    ),
  );
  t.is(fight.code, 409);
  t.regex(fight.message, /Apply failed with 1 conflict: conflict with "manager-a".*\.spec\.replicas/s);
  const forced = await objects.patch(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'p', namespace: 'patch' },
      spec: { replicas: 7 },
    } as any,
    undefined,
    undefined,
    'manager-b',
    true,
    k8s.PatchStrategy.ServerSideApply,
  );
  t.is((forced as k8s.V1Deployment).spec?.replicas, 7);
  const managers = (forced as k8s.V1Deployment).metadata?.managedFields?.map((m) => m.manager) ?? [];
  t.true(managers.includes('manager-b'));
});

test('watch delivers ADDED, MODIFIED and DELETED in order, and a too-old resourceVersion is 410 Gone', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'w' } } });
  const list = await core.listNamespacedConfigMap({ namespace: 'w' });
  const events: string[] = [];
  const watch = new k8s.Watch(env.kc);
  const req = await watch.watch(
    '/api/v1/namespaces/w/configmaps',
    { resourceVersion: list.metadata!.resourceVersion },
    (type, obj) => events.push(`${type} ${obj.metadata.name} ${JSON.stringify(obj.data ?? {})}`),
    () => undefined,
  );
  await core.createNamespacedConfigMap({
    namespace: 'w',
    body: { metadata: { name: 'x' }, data: { a: '1' } },
  });
  await core.patchNamespacedConfigMap(
    { name: 'x', namespace: 'w', body: { data: { a: '2' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await core.deleteNamespacedConfigMap({ name: 'x', namespace: 'w' });
  await eventually(() => events.length >= 3);
  req.abort();
  t.deepEqual(events, ['ADDED x {"a":"1"}', 'MODIFIED x {"a":"2"}', 'DELETED x {"a":"2"}']);
});

test('deleting a namespace deletes what is in it, then the namespace', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
  await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'a' } } });
  await apps.createNamespacedDeployment({ namespace: 'doomed', body: deployment('d', 'doomed') });
  await core.deleteNamespace({ name: 'doomed' });
  const terminating = await core.readNamespace({ name: 'doomed' }).catch(() => undefined);
  if (terminating) t.is(terminating.status?.phase, 'Terminating');
  const forbidden = await statusOf(
    core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }),
  ).catch(() => undefined);
  if (forbidden) t.true(forbidden.code === 403 || forbidden.code === 404);
  await eventually(async () => (await statusOf(core.readNamespace({ name: 'doomed' }))).code === 404);
  const cms = await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=doomed' });
  t.is(cms.items.length, 0);
});

test('garbage collection: background deletes dependents, orphan keeps them without the owner reference', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'gc' } } });
  const owner = await core.createNamespacedConfigMap({
    namespace: 'gc',
    body: { metadata: { name: 'owner' } },
  });
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! };
  await core.createNamespacedConfigMap({
    namespace: 'gc',
    body: { metadata: { name: 'child', ownerReferences: [ref] } },
  });
  await core.deleteNamespacedConfigMap({ name: 'owner', namespace: 'gc' });
  await eventually(
    async () =>
      (await statusOf(core.readNamespacedConfigMap({ name: 'child', namespace: 'gc' }))).code === 404,
  );

  const owner2 = await core.createNamespacedConfigMap({
    namespace: 'gc',
    body: { metadata: { name: 'owner2' } },
  });
  const ref2 = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner2', uid: owner2.metadata!.uid! };
  await core.createNamespacedConfigMap({
    namespace: 'gc',
    body: { metadata: { name: 'kept', ownerReferences: [ref2] } },
  });
  await core.deleteNamespacedConfigMap({ name: 'owner2', namespace: 'gc', propagationPolicy: 'Orphan' });
  await eventually(
    async () =>
      (await statusOf(core.readNamespacedConfigMap({ name: 'owner2', namespace: 'gc' }))).code === 404,
  );
  const kept = await core.readNamespacedConfigMap({ name: 'kept', namespace: 'gc' });
  t.is(kept.metadata?.ownerReferences, undefined);
});

test('a CustomResourceDefinition makes its kind servable; deleting it removes its objects', async (t) => {
  const ext = env.kc.makeApiClient(k8s.ApiextensionsV1Api);
  await ext.createCustomResourceDefinition({
    body: {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: { size: { type: 'integer', _default: 3 }, color: { type: 'string' } },
                  },
                },
              },
            },
          },
        ],
      },
    },
  });
  await core.createNamespace({ body: { metadata: { name: 'crd' } } });
  const custom = env.kc.makeApiClient(k8s.CustomObjectsApi);
  const created = await eventually(() =>
    custom
      .createNamespacedCustomObject({
        group: 'example.com',
        version: 'v1',
        namespace: 'crd',
        plural: 'widgets',
        body: {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w1' },
          spec: { color: 'red' },
        },
      })
      .catch(() => undefined),
  );
  t.is((created as any).spec.size, 3, 'schema default applied');
  const list = (await custom.listNamespacedCustomObject({
    group: 'example.com',
    version: 'v1',
    namespace: 'crd',
    plural: 'widgets',
  })) as any;
  t.deepEqual(
    list.items.map((i: any) => i.metadata.name),
    ['w1'],
  );
  await ext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
  await eventually(
    async () =>
      (await statusOf(ext.readCustomResourceDefinition({ name: 'widgets.example.com' }))).code === 404,
  );
  t.is(env.cp.store.count({ group: 'example.com', resource: 'widgets' }), 0);
});

test('requests without the bearer token are 401 Unauthorized', async (t) => {
  const res = await rawRequest(env, 'GET', '/api/v1/namespaces');
  t.is(res.status, 401);
  const body = JSON.parse(res.body);
  t.is(body.kind, 'Status');
  t.is(body.reason, 'Unauthorized');
});

test('dryRun=All validates and answers without storing', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'dry' } } });
  const res = await rawRequest(env, 'POST', '/api/v1/namespaces/dry/configmaps?dryRun=All', {
    token: 'test-token',
    body: JSON.stringify({ metadata: { name: 'ghost' }, data: { a: '1' } }),
  });
  t.is(res.status, 201);
  t.is(JSON.parse(res.body).metadata.name, 'ghost');
  t.is((await statusOf(core.readNamespacedConfigMap({ name: 'ghost', namespace: 'dry' }))).code, 404);
  const bad = await rawRequest(env, 'POST', '/api/v1/namespaces/dry/configmaps?dryRun=All', {
    token: 'test-token',
    body: JSON.stringify({ metadata: { name: 'Not_Valid' } }),
  });
  t.is(bad.status, 422);
});

test('garbage collection: foreground deletion removes dependents before the owner', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'fg' } } });
  const owner = await core.createNamespacedConfigMap({
    namespace: 'fg',
    body: { metadata: { name: 'owner' } },
  });
  const ref = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'owner',
    uid: owner.metadata!.uid!,
    blockOwnerDeletion: true,
  };
  await core.createNamespacedConfigMap({
    namespace: 'fg',
    body: { metadata: { name: 'dep', ownerReferences: [ref] } },
  });
  await core.deleteNamespacedConfigMap({ name: 'owner', namespace: 'fg', propagationPolicy: 'Foreground' });
  await eventually(
    async () =>
      (await statusOf(core.readNamespacedConfigMap({ name: 'owner', namespace: 'fg' }))).code === 404,
  );
  t.is((await statusOf(core.readNamespacedConfigMap({ name: 'dep', namespace: 'fg' }))).code, 404);
});

test('a watch with sendInitialEvents lists the current state, then marks its end with a bookmark', async (t) => {
  await core.createNamespace({ body: { metadata: { name: 'initial' } } });
  await core.createNamespacedConfigMap({ namespace: 'initial', body: { metadata: { name: 'a' } } });
  const events: Array<{ type: string; name?: string; end?: string }> = [];
  const watch = new k8s.Watch(env.kc);
  const req = await watch.watch(
    '/api/v1/namespaces/initial/configmaps',
    { sendInitialEvents: true, allowWatchBookmarks: true, resourceVersionMatch: 'NotOlderThan' },
    (type, obj) =>
      events.push({
        type,
        name: obj.metadata?.name,
        end: obj.metadata?.annotations?.['k8s.io/initial-events-end'],
      }),
    () => undefined,
  );
  await eventually(() => events.some((e) => e.type === 'BOOKMARK'));
  req.abort();
  t.deepEqual(events[0], { type: 'ADDED', name: 'a', end: undefined });
  t.deepEqual(events[1], { type: 'BOOKMARK', name: undefined, end: 'true' });
});
