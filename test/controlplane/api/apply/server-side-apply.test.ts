/**
 * Server-side apply: ownership, conflicts, force and pruning, with expectations taken
 * from structured-merge-diff's semantics and the messages kube-apiserver sends.
 */
import test from 'ava';
import type { JsonObject } from '../../../../src/core/index.js';
import { ApiError } from '../../../../src/controlplane/api/errors.js';
import { serverSideApply, updateManagedFields } from '../../../../src/controlplane/api/apply/index.js';
import { containers, deployment, deploymentGvk, entries, fieldsOf, t0, t1, t2 } from './helpers.js';

const apply = (live: JsonObject | undefined, applied: JsonObject, manager: string, now = t1, force = false) =>
  serverSideApply({ live, applied, manager, force, gvk: deploymentGvk, now });

const conflictOf = (fn: () => unknown): ApiError => {
  const e = (() => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
};

test('an apply that creates the object owns everything it set', (t) => {
  const obj = apply(undefined, deployment({ replicas: 2 }, { labels: { app: 'web' } }), 'mgr', t0);
  t.deepEqual((obj.spec as JsonObject).replicas, 2);
  t.deepEqual((obj.metadata as JsonObject).managedFields, [
    {
      manager: 'mgr',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } },
    },
  ]);
});

test('the same value applied by two managers is shared, not a conflict', (t) => {
  const live = apply(undefined, deployment({ replicas: 2 }), 'a', t0);
  const obj = apply(live, deployment({ replicas: 2, paused: true }), 'b', t1);
  t.deepEqual(fieldsOf(obj, 'a/Apply'), { 'f:spec': { 'f:replicas': {} } });
  t.deepEqual(fieldsOf(obj, 'b/Apply'), { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  // Sorted: Apply entries, oldest first.
  t.deepEqual(
    ((obj.metadata as JsonObject).managedFields as JsonObject[]).map((e) => e.manager),
    ['a', 'b'],
  );
});

test('a different value owned by another applier is a 409 Conflict naming it', (t) => {
  const live = apply(undefined, deployment({ replicas: 2 }), 'a', t0);
  const e = conflictOf(() => apply(live, deployment({ replicas: 3 }), 'b'));
  t.is(e.code, 409);
  t.is(e.reason, 'Conflict');
  t.is(e.message, 'Apply failed with 1 conflict: conflict with "a": .spec.replicas');
  t.deepEqual(e.toStatus().details, {
    causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }],
  });
});

test('conflicts with several managers are grouped by manager', (t) => {
  let live = apply(undefined, deployment({ replicas: 2, paused: false }), 'a', t0);
  live = apply(
    live,
    deployment({ minReadySeconds: 5, ...containers({ name: 'app', image: 'v1' }) }),
    'b',
    t1,
  );
  const e = conflictOf(() =>
    apply(
      live,
      deployment({
        replicas: 3,
        paused: true,
        minReadySeconds: 6,
        ...containers({ name: 'app', image: 'v2' }),
      }),
      'c',
    ),
  );
  t.is(
    e.message,
    'Apply failed with 4 conflicts: conflicts with "a":\n- .spec.paused\n- .spec.replicas\n' +
      'conflicts with "b":\n- .spec.minReadySeconds\n- .spec.template.spec.containers[name="app"].image',
  );
  t.deepEqual(
    e.details?.causes?.map((c) => [c.message, c.field]),
    [
      ['conflict with "a"', '.spec.paused'],
      ['conflict with "a"', '.spec.replicas'],
      ['conflict with "b"', '.spec.minReadySeconds'],
      ['conflict with "b"', '.spec.template.spec.containers[name="app"].image'],
    ],
  );
});

test('force takes the field; a manager left with nothing loses its entry', (t) => {
  const live = apply(undefined, deployment({ replicas: 2 }), 'a', t0);
  const obj = apply(live, deployment({ replicas: 3 }), 'b', t1, true);
  t.is((obj.spec as JsonObject).replicas, 3);
  t.deepEqual(Object.keys(entries(obj)), ['b/Apply']);
});

test('force takes only the conflicting fields', (t) => {
  const live = apply(undefined, deployment({ replicas: 2, paused: true }), 'a', t0);
  const obj = apply(live, deployment({ replicas: 3 }), 'b', t1, true);
  t.deepEqual(fieldsOf(obj, 'a/Apply'), { 'f:spec': { 'f:paused': {} } });
  t.deepEqual(fieldsOf(obj, 'b/Apply'), { 'f:spec': { 'f:replicas': {} } });
});

test('a field the manager stops applying is removed, unless someone else owns it', (t) => {
  let live = apply(undefined, deployment({ replicas: 2 }, { labels: { a: '1', b: '2', c: '3' } }), 'x', t0);
  live = apply(live, deployment({}, { labels: { c: '3' } }), 'y', t1);
  const obj = apply(live, deployment({ replicas: 2 }, { labels: { a: '1' } }), 'x', t2);
  t.deepEqual((obj.metadata as JsonObject).labels, { a: '1', c: '3' });
  t.deepEqual(fieldsOf(obj, 'x/Apply'), {
    'f:metadata': { 'f:labels': { 'f:a': {} } },
    'f:spec': { 'f:replicas': {} },
  });
  // Dropping every label removes the map, not just its entries.
  const bare = apply(
    apply(undefined, deployment({}, { labels: { a: '1' } }), 'x', t0),
    deployment({}),
    'x',
    t1,
  );
  t.false('labels' in (bare.metadata as JsonObject));
});

test('associative lists merge by key and prune by key', (t) => {
  let live = apply(undefined, deployment(containers({ name: 'app', image: 'v1' })), 'a', t0);
  live = apply(live, deployment(containers({ name: 'sidecar', image: 's1' })), 'b', t1);
  const spec = (o: JsonObject) =>
    ((o.spec as any).template.spec.containers as JsonObject[]).map((c) => c.name);
  t.deepEqual(spec(live), ['app', 'sidecar']);
  // a changes its own container: b's stays.
  const changed = apply(live, deployment(containers({ name: 'app', image: 'v2' })), 'a', t2);
  t.deepEqual((changed.spec as any).template.spec.containers, [
    { name: 'app', image: 'v2' },
    { name: 'sidecar', image: 's1' },
  ]);
  // b stops applying its container: it goes.
  const pruned = apply(changed, deployment({ replicas: 1 }), 'b', t2);
  t.deepEqual(spec(pruned), ['app']);
  t.deepEqual(fieldsOf(pruned, 'b/Apply'), { 'f:spec': { 'f:replicas': {} } });
});

test('sets of scalars merge by value (finalizers)', (t) => {
  const live = apply(undefined, deployment({}, { finalizers: ['a/x'] }), 'a', t0);
  const obj = apply(live, deployment({}, { finalizers: ['b/y'] }), 'b', t1);
  t.deepEqual((obj.metadata as JsonObject).finalizers, ['a/x', 'b/y']);
  // `spec: {}` in the configuration is itself a leaf the manager owns.
  t.deepEqual(fieldsOf(obj, 'b/Apply'), {
    'f:metadata': { 'f:finalizers': { 'v:"b/y"': {} } },
    'f:spec': {},
  });
});

test('atomic lists are replaced whole and conflict whole', (t) => {
  const live = apply(undefined, deployment(containers({ name: 'app', args: ['a', 'b'] })), 'a', t0);
  const e = conflictOf(() => apply(live, deployment(containers({ name: 'app', args: ['c'] })), 'b'));
  t.is(
    e.message,
    'Apply failed with 1 conflict: conflict with "a": .spec.template.spec.containers[name="app"].args',
  );
});

test('an object never tracked gives its fields to before-first-apply', (t) => {
  const live = {
    ...deployment({ replicas: 2, paused: true }),
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  };
  const e = conflictOf(() => apply(live, deployment({ replicas: 3 }), 'mgr'));
  t.is(
    e.message,
    'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
  );
  const obj = apply(live, deployment({ replicas: 3 }), 'mgr', t1, true);
  t.deepEqual(entries(obj)['before-first-apply/Update'], {
    manager: 'before-first-apply',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2024-05-01T11:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:paused': {} } },
  });
});

test('managedFields in an applied configuration are refused', (t) => {
  const applied = deployment({}, { managedFields: [{ manager: 'x' }] });
  const e = conflictOf(() => apply(undefined, applied, 'mgr'));
  t.is(e.code, 400);
  t.is(e.message, 'metadata.managedFields must be nil');
});

test('apply needs a manager and the right kind', (t) => {
  t.is(
    conflictOf(() => apply(undefined, deployment({}), '')).message,
    'fieldManager is required for apply requests',
  );
  const wrong = { ...deployment({}), apiVersion: 'apps/v1beta1' };
  t.is(
    conflictOf(() => apply(undefined, wrong, 'm')).message,
    'invalid object type: apps/v1beta1, Kind=Deployment',
  );
});

test('a no-op apply keeps the timestamp; a change moves it', (t) => {
  const live = apply(undefined, deployment({ replicas: 2 }), 'a', t0);
  t.is(entries(apply(live, deployment({ replicas: 2 }), 'a', t2))['a/Apply']!.time, '2024-05-01T10:00:00Z');
  t.is(entries(apply(live, deployment({ replicas: 4 }), 'a', t2))['a/Apply']!.time, '2024-05-01T12:00:00Z');
});

test('status in a main-resource apply is not owned; the status subresource owns it', (t) => {
  const obj = apply(undefined, { ...deployment({ replicas: 1 }), status: { replicas: 9 } }, 'a', t0);
  t.deepEqual(fieldsOf(obj, 'a/Apply'), { 'f:spec': { 'f:replicas': {} } });
  const st = serverSideApply({
    live: obj,
    applied: { ...deployment({}), status: { replicas: 1 } },
    manager: 'ctrl',
    force: false,
    gvk: deploymentGvk,
    subresource: 'status',
    now: t1,
  });
  const e = entries(st)['ctrl/Apply']!;
  t.is(e.subresource, 'status');
  t.deepEqual(e.fieldsV1, { 'f:status': { 'f:replicas': {} } });
  // A conflict on the status subresource names it.
  const err = conflictOf(() =>
    serverSideApply({
      live: st,
      applied: { ...deployment({}), status: { replicas: 2 } },
      manager: 'other',
      force: false,
      gvk: deploymentGvk,
      subresource: 'status',
      now: t2,
    }),
  );
  t.is(
    err.message,
    'Apply failed with 1 conflict: conflict with "ctrl" with subresource "status": .status.replicas',
  );
});

test('a field an updater also owns survives its applier dropping it', (t) => {
  const live = apply(undefined, deployment({ replicas: 2, paused: true }), 'a', t0);
  const edited = structuredClone(live);
  (edited.spec as any).paused = false;
  const afterEdit = updateManagedFields({
    old: live,
    updated: edited,
    manager: 'kubectl-edit',
    gvk: deploymentGvk,
    now: t1,
  });
  const obj = apply(afterEdit, deployment({ replicas: 2 }), 'a', t2);
  t.is((obj.spec as any).paused, false);
  t.deepEqual(fieldsOf(obj, 'kubectl-edit/Update'), { 'f:spec': { 'f:paused': {} } });
});

test('merged list order: unmentioned live items stay, the rest follow the configuration', (t) => {
  const c = (...names: string[]) => containers(...names.map((name) => ({ name })));
  const live = apply(undefined, deployment(c('a', 'b', 'c')), 'x', t0);
  const obj = apply(live, deployment(c('c', 'd', 'a')), 'y', t1);
  t.deepEqual(
    (obj.spec as any).template.spec.containers.map((i: JsonObject) => i.name),
    ['b', 'c', 'd', 'a'],
  );
});
