/**
 * managedFields for create/update/patch. Expected sets mirror what kube-apiserver writes
 * for the same changes (e.g. `kubectl create` then `kubectl edit`).
 */
import test from 'ava';
import type { JsonObject } from '../../../../src/core/index.js';
import { updateManagedFields } from '../../../../src/controlplane/api/apply/index.js';
import { deepFreeze } from '../../../../src/controlplane/store/values.js';
import { containers, deployment, deploymentGvk, entries, fieldsOf, t0, t1, t2 } from './helpers.js';

const update = (old: JsonObject | undefined, updated: JsonObject, manager: string, now = t1) =>
  updateManagedFields({ old, updated, manager, operation: 'Update', gvk: deploymentGvk, now });

const created = () =>
  update(
    undefined,
    deployment(
      {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: 1 } },
        ...containers({ name: 'app', image: 'v1', resources: {} }),
      },
      { labels: { app: 'web' } },
    ),
    'kubectl-create',
    t0,
  );

test('a create gives the creator everything it set', (t) => {
  t.deepEqual(entries(created())['kubectl-create/Update'], {
    manager: 'kubectl-create',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2024-05-01T10:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      // Maps and pointers that appear are owned themselves (`.`); Go's always-present
      // structs (spec, strategy, template) are not.
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} } },
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} },
            },
          },
        },
      },
    },
  });
});

test('an update takes the fields it changes; removed fields leave every set', (t) => {
  const live = created();
  const next = structuredClone(live);
  (next.spec as any).replicas = 3;
  delete (next.spec as any).strategy.rollingUpdate;
  (next.metadata as any).labels.tier = 'front';
  const obj = update(live, next, 'kubectl-edit', t1);
  t.deepEqual(fieldsOf(obj, 'kubectl-edit/Update'), {
    'f:metadata': { 'f:labels': { 'f:tier': {} } },
    'f:spec': { 'f:replicas': {} },
  });
  const creator = fieldsOf(obj, 'kubectl-create/Update') as any;
  t.false('f:replicas' in creator['f:spec']);
  t.false('f:strategy' in creator['f:spec']);
  t.is(entries(obj)['kubectl-create/Update']!.time, '2024-05-01T10:00:00Z');
  t.is(entries(obj)['kubectl-edit/Update']!.time, '2024-05-01T11:00:00Z');
});

test('an update that changes nothing keeps every entry and time', (t) => {
  const live = created();
  const obj = update(live, structuredClone(live), 'kubectl-edit', t2);
  t.deepEqual((obj.metadata as JsonObject).managedFields, (live.metadata as JsonObject).managedFields);
});

test('the manager defaults to unknown; entries are per apiVersion and subresource', (t) => {
  const live = created();
  const next = structuredClone(live);
  (next.spec as any).replicas = 5;
  t.truthy(entries(update(live, next, ''))['unknown/Update']);
  const scaled = updateManagedFields({
    old: live,
    updated: next,
    manager: 'kubectl-scale',
    gvk: deploymentGvk,
    subresource: 'scale',
    now: t1,
  });
  const e = entries(scaled)['kubectl-scale/Update']!;
  t.is(e.subresource, 'scale');
  t.deepEqual(e.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('an object without managedFields stays untracked; [{}] or [] clears them', (t) => {
  const untracked = deployment({ replicas: 1 }, { uid: 'u1' });
  const next = structuredClone(untracked);
  (next.spec as any).replicas = 2;
  t.false('managedFields' in (update(untracked, next, 'x').metadata as JsonObject));
  for (const reset of [[{}], []]) {
    const live = created();
    const cleared = structuredClone(live);
    (cleared.metadata as any).managedFields = reset;
    t.false('managedFields' in (update(live, cleared, 'x').metadata as JsonObject));
  }
});

test('managedFields sent with an update replace the stored ones; garbage is ignored', (t) => {
  const live = created();
  const edited = structuredClone(live);
  (edited.metadata as any).managedFields = [
    {
      manager: 'mine',
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    },
  ];
  t.deepEqual(Object.keys(entries(update(live, edited, 'x'))), ['mine/Update']);
  (edited.metadata as any).managedFields = [{ manager: 'bad', operation: 'Delete' }];
  t.deepEqual(Object.keys(entries(update(live, edited, 'x'))), ['kubectl-create/Update']);
});

test('more than ten updaters: the oldest merge into ancient-changes', (t) => {
  let obj = update(undefined, deployment({ replicas: 0 }), 'm0', new Date(Date.UTC(2024, 0, 1)));
  for (let i = 1; i <= 10; i++) {
    const next = structuredClone(obj);
    (next.spec as any)[`f${i}`] = i;
    obj = update(obj, next, `m${i}`, new Date(Date.UTC(2024, 0, 1, i)));
  }
  const names = Object.keys(entries(obj));
  t.is(names.length, 10);
  t.true(names.includes('ancient-changes/Update'));
  t.false(names.includes('m0/Update') || names.includes('m1/Update'));
  t.deepEqual(fieldsOf(obj, 'ancient-changes/Update'), { 'f:spec': { 'f:f1': {}, 'f:replicas': {} } });
});

test('custom resources: the spec map a create adds is owned itself', (t) => {
  const gvk = { group: 'example.com', version: 'v1', kind: 'Widget' };
  const obj = updateManagedFields({
    old: undefined,
    updated: {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 1, tags: ['a'] },
    },
    manager: 'kubectl-create',
    gvk,
    now: t0,
  });
  t.deepEqual(fieldsOf(obj, 'kubectl-create/Update'), { 'f:spec': { '.': {}, 'f:size': {}, 'f:tags': {} } });
});

test('a stored (frozen) object records the same managedFields as a mutable one, write after write', (t) => {
  // the update path reuses what it decoded and serialised for a stored version's sets
  const stored = () => deepFreeze(structuredClone(created()));
  const edits = (live: JsonObject) => {
    const next = structuredClone(live) as any;
    next.spec.replicas = 3;
    delete next.spec.strategy.rollingUpdate;
    return next as JsonObject;
  };
  const frozen = stored();
  const fromFrozen = update(frozen, edits(frozen), 'kubectl-edit', t2);
  const fromMutable = update(created(), edits(created()), 'kubectl-edit', t2);
  t.deepEqual(fromFrozen.metadata, fromMutable.metadata);
  // again from the same stored version, and with managedFields left out of the request
  const again = edits(frozen) as any;
  delete again.metadata.managedFields;
  t.deepEqual(update(frozen, again, 'kubectl-edit', t2).metadata, fromMutable.metadata);
  // the next write, from the frozen result: the creator keeps what it had, untouched
  const second = deepFreeze(structuredClone(fromFrozen));
  const relabel = structuredClone(second) as any;
  relabel.metadata.labels.tier = 'web';
  const relabelled = update(second, relabel, 'labeller', t2);
  t.deepEqual(entries(relabelled)['kubectl-create/Update'], entries(fromMutable)['kubectl-create/Update']);
  t.deepEqual(fieldsOf(relabelled, 'labeller/Update'), { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
  t.true(Object.isFrozen(second), 'the stored object is not changed');
});
