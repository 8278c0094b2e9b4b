import test from 'ava';
import { builtinPatchSchema, lookupListMeta } from '../../src/core/index.js';
import { openApiPatchSchema } from '../../src/merge/index.js';

const deploy = { group: 'apps', version: 'v1', kind: 'Deployment' };
const kustomize = builtinPatchSchema('kustomize');

test('pod template lists inside workloads', (t) => {
  const pod = ['spec', 'template', 'spec'];
  t.deepEqual(lookupListMeta(deploy, [...pod, 'containers']), { strategy: 'merge', mergeKey: 'name' });
  t.deepEqual(lookupListMeta(deploy, [...pod, 'containers', 'ports']), {
    strategy: 'merge',
    mergeKey: 'containerPort',
    listMapKeys: ['containerPort', 'protocol'],
  });
  t.deepEqual(lookupListMeta(deploy, [...pod, 'volumes']), {
    strategy: 'merge,retainKeys',
    mergeKey: 'name',
  });
  t.is(lookupListMeta(deploy, [...pod, 'tolerations']), undefined);
  t.is(lookupListMeta(deploy, [...pod, 'containers', 'args']), undefined);
  const cron = { group: 'batch', version: 'v1', kind: 'CronJob' };
  t.is(
    lookupListMeta(cron, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'initContainers', 'env'])
      ?.mergeKey,
    'name',
  );
  const sts = { group: 'apps', version: 'v1', kind: 'StatefulSet' };
  t.is(lookupListMeta(sts, ['spec', 'volumeClaimTemplates', 'metadata', 'finalizers'])?.strategy, 'merge');
});

test('metadata, services, RBAC, status conditions', (t) => {
  const svc = { group: '', version: 'v1', kind: 'Service' };
  t.is(lookupListMeta(svc, ['metadata', 'ownerReferences'])?.mergeKey, 'uid');
  t.deepEqual(lookupListMeta(svc, ['spec', 'ports'])?.listMapKeys, ['port', 'protocol']);
  const role = { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' };
  t.is(lookupListMeta(role, ['rules']), undefined);
  t.is(lookupListMeta(deploy, ['status', 'conditions'])?.mergeKey, 'type');
  t.is(lookupListMeta({ group: '', version: 'v1', kind: 'ServiceAccount' }, ['secrets'])?.mergeKey, 'name');
});

test('kustomize flavour: exact apiVersion of its v1.21 schema, no newer fields', (t) => {
  const pod = { group: '', version: 'v1', kind: 'Pod' };
  t.is(lookupListMeta(pod, ['spec', 'schedulingGates'], kustomize), undefined);
  t.is(lookupListMeta(pod, ['spec', 'schedulingGates'])?.mergeKey, 'name');
  t.is(
    lookupListMeta({ ...deploy, version: 'v1beta2' }, ['spec', 'template', 'spec', 'containers'], kustomize),
    undefined,
  );
  t.is(
    lookupListMeta({ ...deploy, version: 'v1beta2' }, ['spec', 'template', 'spec', 'containers'])?.mergeKey,
    'name',
  );
  t.is(
    lookupListMeta(
      { group: 'example.com', version: 'v1', kind: 'Thing' },
      ['metadata', 'finalizers'],
      kustomize,
    ),
    undefined,
  );
});

test('openApiPatchSchema reads refs, items and extensions; fallback is opt-in', (t) => {
  const doc = {
    definitions: {
      thing: {
        'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Thing' }],
        properties: { spec: { $ref: '#/definitions/spec' } },
      },
      spec: {
        properties: {
          items: {
            type: 'array',
            items: { $ref: '#/definitions/item' },
            'x-kubernetes-patch-strategy': 'merge',
            'x-kubernetes-patch-merge-key': 'id',
          },
        },
      },
      item: { properties: { self: { $ref: '#/definitions/spec' } } },
    },
  };
  const thing = { group: 'example.com', version: 'v1', kind: 'Thing' };
  const schema = openApiPatchSchema(doc);
  t.is(lookupListMeta(thing, ['spec', 'items'], schema)?.mergeKey, 'id');
  t.is(lookupListMeta(thing, ['spec', 'items', 'self', 'items'], schema)?.mergeKey, 'id', 'cycles resolve');
  t.is(lookupListMeta(deploy, ['spec', 'template', 'spec', 'containers'], schema), undefined);
  const withFallback = openApiPatchSchema(doc, { fallback: kustomize });
  t.is(lookupListMeta(deploy, ['spec', 'template', 'spec', 'containers'], withFallback)?.mergeKey, 'name');
  t.throws(() => openApiPatchSchema({}), { code: 'MERGE_INVALID_SCHEMA' });
});
