import test from 'ava';
import { ApisApi, CoreApi, VersionApi } from '@kubernetes/client-node';
import { startHarness, type Harness } from './helpers.js';
import { widgetType } from './fake-api.js';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h.close());

const aggregated = (v: string) => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

test('/version reports a 1.32 capstan server, read by client-node', async (t) => {
  const info = await h.kubeConfig().makeApiClient(VersionApi).getCode();
  t.is(info.major, '1');
  t.is(info.minor, '32');
  t.true(info.gitVersion.startsWith('v1.32.0-capstan'));
  t.regex(info.platform, /^[a-z0-9]+\/[a-z0-9]+$/);
});

test('health endpoints answer ok', async (t) => {
  for (const path of ['/healthz', '/livez', '/readyz']) {
    const res = await fetch(h.url + path);
    t.is(res.status, 200);
    t.is(await res.text(), 'ok');
  }
});

test('/api lists v1 and /apis lists the named groups (client-node)', async (t) => {
  const kc = h.kubeConfig();
  const versions = await kc.makeApiClient(CoreApi).getAPIVersions();
  t.deepEqual(versions.versions, ['v1']);
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
  t.deepEqual(
    groups.groups.map((g) => [g.name, g.preferredVersion?.groupVersion]),
    [['apps', 'apps/v1']],
  );
});

test('/api/v1 lists resources with subresources, verbs, short names and categories', async (t) => {
  const res = await h.fetch('/api/v1');
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json');
  const doc = await res.json();
  t.is(doc.kind, 'APIResourceList');
  t.is(doc.groupVersion, 'v1');
  const pods = doc.resources.find((r: any) => r.name === 'pods');
  t.like(pods, {
    singularName: 'pod',
    namespaced: true,
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
  });
  t.true(pods.verbs.includes('watch'));
  t.like(
    doc.resources.find((r: any) => r.name === 'pods/status'),
    { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
  );
  t.false(doc.resources.find((r: any) => r.name === 'namespaces').namespaced);
});

test('/apis/apps/v1 gives deployments/scale as autoscaling/v1 Scale', async (t) => {
  const doc = await (await h.fetch('/apis/apps/v1')).json();
  t.like(
    doc.resources.find((r: any) => r.name === 'deployments/scale'),
    { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  );
  t.is((await h.fetch('/apis/apps')).status, 200);
  t.is((await h.fetch('/apis/nothing/v1')).status, 404);
});

for (const v of ['v2', 'v2beta1']) {
  test(`aggregated discovery ${v} when the Accept header asks for it`, async (t) => {
    const accept = `${aggregated(v)},application/json`;
    const core = await h.fetch('/api', { headers: { Accept: accept } });
    t.is(core.headers.get('content-type'), aggregated(v));
    const coreDoc = await core.json();
    t.is(coreDoc.apiVersion, `apidiscovery.k8s.io/${v}`);
    t.deepEqual(coreDoc.items[0].metadata, {});
    const pods = coreDoc.items[0].versions[0].resources.find((r: any) => r.resource === 'pods');
    t.like(pods, {
      scope: 'Namespaced',
      singularResource: 'pod',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
    });
    t.deepEqual(
      pods.subresources.map((s: any) => s.subresource),
      ['status'],
    );
    const apis = await (await h.fetch('/apis', { headers: { Accept: accept } })).json();
    t.deepEqual(
      apis.items.map((g: any) => g.metadata.name),
      ['apps'],
    );
    const deploy = apis.items[0].versions[0].resources[0];
    t.like(deploy.subresources[0], {
      subresource: 'scale',
      responseKind: { group: 'autoscaling', kind: 'Scale' },
    });
    t.is(apis.items[0].versions[0].freshness, 'Current');
  });
}

test('without the aggregated media type, /api is APIVersions', async (t) => {
  const res = await h.fetch('/api', { headers: { Accept: 'application/json' } });
  t.is(res.headers.get('content-type'), 'application/json');
  t.is((await res.json()).kind, 'APIVersions');
});

test('/openapi/v2 is a swagger document with a definition per kind', async (t) => {
  const doc = await (await h.fetch('/openapi/v2', { headers: { Accept: 'application/json' } })).json();
  t.is(doc.swagger, '2.0');
  t.deepEqual(doc.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [
    { group: 'apps', version: 'v1', kind: 'Deployment' },
  ]);
  t.truthy(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch);
  // kubectl asks for protobuf only: it must get 406, which it falls back from
  const pb = await h.fetch('/openapi/v2', {
    headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
  });
  t.is(pb.status, 406);
});

test('/openapi/v3 indexes per group/version documents whose PATCH takes fieldValidation', async (t) => {
  const index = await (await h.fetch('/openapi/v3')).json();
  t.deepEqual(Object.keys(index.paths).sort(), ['api/v1', 'apis/apps/v1']);
  const doc = await (await h.fetch(index.paths['apis/apps/v1'].serverRelativeURL)).json();
  t.is(doc.openapi, '3.0.0');
  const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  t.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  t.true(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
  t.false('application/strategic-merge-patch+json' in patch.requestBody.content);
  const schema = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
  t.true(schema['x-kubernetes-preserve-unknown-fields']);
  t.deepEqual(schema['x-kubernetes-group-version-kind'], [
    { group: 'apps', version: 'v1', kind: 'Deployment' },
  ]);
  t.truthy(doc.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
});

test('a type added at run time appears in discovery and OpenAPI without restart', async (t) => {
  // a server of its own: the other tests, running concurrently, expect the base types
  const h = await startHarness();
  t.teardown(() => h.close());
  const before = await (await h.fetch('/openapi/v3')).json();
  h.api.types.push(widgetType);
  const groups = await (await h.fetch('/apis')).json();
  t.true(groups.groups.some((g: any) => g.name === 'example.com'));
  const list = await (await h.fetch('/apis/example.com/v1')).json();
  t.is(list.resources[0].kind, 'Widget');
  const after = await (await h.fetch('/openapi/v3')).json();
  t.truthy(after.paths['apis/example.com/v1']);
  t.is(after.paths['api/v1'].serverRelativeURL, before.paths['api/v1'].serverRelativeURL);
  const doc = await (await h.fetch(after.paths['apis/example.com/v1'].serverRelativeURL)).json();
  const schema = doc.components.schemas['com.example.v1.Widget'];
  // the kind's own schema, as apiextensions-apiserver publishes a CRD's
  t.is(schema.description, 'Widget is a thing of some size.');
  t.is(schema.properties.spec.properties.size.type, 'integer');
  t.deepEqual(Object.keys(schema.properties).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
  t.deepEqual(schema['x-kubernetes-group-version-kind'], [
    { group: 'example.com', version: 'v1', kind: 'Widget' },
  ]);
  // OpenAPI v2 keeps the open schema (v2 cannot hold every v3 schema)
  const v2 = await (await h.fetch('/openapi/v2')).json();
  t.is(v2.definitions['com.example.v1.Widget']['x-kubernetes-preserve-unknown-fields'], true);
  t.is(v2.definitions['com.example.v1.Widget'].properties.spec, undefined);
});
