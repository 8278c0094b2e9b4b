/** Prune: only what this application applied and Git dropped; Prune=false; order of deletion. */
import test from 'ava';
import {
  APP_LABEL,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
  TRACKING_ANNOTATION,
} from '../../../src/sync/annotations.js';
import { isTrackedBy, planSync } from '../../../src/sync/plan/index.js';
import { obj, tracked } from './objects.js';

const names = (steps: Array<{ ref: { kind: string; namespace?: string; name: string } }>) =>
  steps.map((s) => `${s.ref.kind} ${s.ref.namespace ? `${s.ref.namespace}/` : ''}${s.ref.name}`);

test('a tracked live object that Git dropped is pruned; one Git still has is not', (t) => {
  const keep = obj('ConfigMap', 'cfg', { namespace: 'shop' });
  const gone = obj('ConfigMap', 'old', { namespace: 'shop' });
  const withUid = tracked('shop', gone);
  withUid.metadata.uid = 'u-1';
  const plan = planSync({ app: 'shop', desired: [keep], live: [tracked('shop', keep), withUid] });
  t.deepEqual(plan.prune, [
    {
      ref: { apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: 'shop', name: 'old' },
      key: '/ConfigMap/shop/old',
      wave: 0,
      uid: 'u-1',
    },
  ]);
  t.deepEqual(plan.prunePrevented, []);
});

test('a copy (label kept, tracking id of another object) is never pruned', (t) => {
  const original = tracked('shop', obj('ConfigMap', 'cfg', { namespace: 'shop' }));
  // `kubectl get -o yaml | sed s/shop/staging/ | kubectl apply`: same label and annotation.
  const copy = structuredClone(original);
  copy.metadata.namespace = 'staging';
  t.false(isTrackedBy('shop', copy));
  t.true(isTrackedBy('shop', original));
  const plan = planSync({ app: 'shop', desired: [], live: [copy] });
  t.deepEqual(plan.prune, []);
});

test('objects of another application, or without a tracking id, are never pruned', (t) => {
  const other = tracked('billing', obj('ConfigMap', 'cfg', { namespace: 'shop' }));
  const relabelled = structuredClone(other);
  relabelled.metadata.labels![APP_LABEL] = 'shop';
  const untracked = obj('ConfigMap', 'hand-made', { namespace: 'shop', labels: { [APP_LABEL]: 'shop' } });
  const plan = planSync({ app: 'shop', desired: [], live: [other, relabelled, untracked] });
  t.deepEqual(plan.prune, []);
});

test('Prune=false keeps the object and lists it in prunePrevented', (t) => {
  const keep = tracked(
    'shop',
    obj('PersistentVolumeClaim', 'data', {
      namespace: 'shop',
      annotations: { [SYNC_OPTIONS_ANNOTATION]: 'ServerSideApply=true, Prune=false' },
    }),
  );
  const other = tracked(
    'shop',
    obj('ConfigMap', 'x', { namespace: 'shop', annotations: { [SYNC_OPTIONS_ANNOTATION]: 'Prune=true' } }),
  );
  const plan = planSync({ app: 'shop', desired: [], live: [keep, other] });
  t.deepEqual(names(plan.prune), ['ConfigMap shop/x']);
  t.deepEqual(names(plan.prunePrevented), ['PersistentVolumeClaim shop/data']);
});

test('cluster-scoped objects are pruned by their cluster-wide identity', (t) => {
  const role = obj('ClusterRole', 'reader');
  const ns = obj('Namespace', 'legacy');
  const plan = planSync({
    app: 'shop',
    desired: [obj('ClusterRole', 'writer')],
    live: [tracked('shop', role), tracked('shop', ns), tracked('shop', obj('ClusterRole', 'writer'))],
  });
  t.deepEqual(names(plan.prune), ['ClusterRole reader', 'Namespace legacy']);
  t.is(plan.prune[0].key, 'rbac.authorization.k8s.io/ClusterRole//reader');
  t.false('namespace' in plan.prune[0].ref);
});

test('a desired object without namespace matches its live object in the default namespace', (t) => {
  const live = tracked('shop', obj('ConfigMap', 'cfg', { namespace: 'apps' }));
  const plan = planSync({
    app: 'shop',
    desired: [obj('ConfigMap', 'cfg')],
    live: [live],
    defaultNamespace: 'apps',
  });
  t.deepEqual(plan.prune, []);
  t.is(plan.phases[1].waves[0].steps[0].state, 'existing');
});

test('another apiVersion of the same group and kind is the same object: not pruned, existing', (t) => {
  const live = tracked(
    'shop',
    obj('HorizontalPodAutoscaler', 'web', { namespace: 'shop', apiVersion: 'autoscaling/v1' }),
  );
  const plan = planSync({
    app: 'shop',
    desired: [obj('HorizontalPodAutoscaler', 'web', { namespace: 'shop', apiVersion: 'autoscaling/v2' })],
    live: [live],
  });
  t.deepEqual(plan.prune, []);
  t.is(plan.phases[1].waves[0].steps[0].state, 'existing');
});

test('one live object listed at two versions is pruned once', (t) => {
  const v1 = tracked(
    'shop',
    obj('HorizontalPodAutoscaler', 'web', { namespace: 'shop', apiVersion: 'autoscaling/v1' }),
  );
  const v2 = tracked(
    'shop',
    obj('HorizontalPodAutoscaler', 'web', { namespace: 'shop', apiVersion: 'autoscaling/v2' }),
  );
  const plan = planSync({ app: 'shop', desired: [], live: [v1, v2] });
  t.is(plan.prune.length, 1);
});

test('an object already being deleted is not pruned again', (t) => {
  const dying = tracked('shop', obj('ConfigMap', 'old', { namespace: 'shop' }));
  dying.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
  t.deepEqual(planSync({ app: 'shop', desired: [], live: [dying] }).prune, []);
});

test('deletion order: higher waves first, then reverse kind order, then reverse name', (t) => {
  const w = (n: string) => ({ [SYNC_WAVE_ANNOTATION]: n });
  const live = [
    obj('Namespace', 'legacy'),
    obj('ConfigMap', 'a', { namespace: 'legacy' }),
    obj('ConfigMap', 'b', { namespace: 'legacy' }),
    obj('Deployment', 'web', { namespace: 'legacy' }),
    obj('Widget', 'w', { namespace: 'legacy', apiVersion: 'example.com/v1' }),
    obj('CustomResourceDefinition', 'widgets.example.com'),
    obj('Ingress', 'web', { namespace: 'legacy', annotations: w('5') }),
    obj('Secret', 'early', { namespace: 'legacy', annotations: w('-1') }),
    obj('Service', 'bad-wave', { namespace: 'legacy', annotations: w('x') }),
  ].map((o) => tracked('shop', o));
  const plan = planSync({ app: 'shop', desired: [], live });
  t.deepEqual(names(plan.prune), [
    'Ingress legacy/web',
    'Widget legacy/w',
    'Deployment legacy/web',
    'Service legacy/bad-wave',
    'CustomResourceDefinition widgets.example.com',
    'ConfigMap legacy/b',
    'ConfigMap legacy/a',
    'Namespace legacy',
    'Secret legacy/early',
  ]);
  t.deepEqual(
    plan.prune.map((s) => s.wave),
    [5, 0, 0, 0, 0, 0, 0, 0, -1],
  );
});

test('the tracking annotation must match exactly: a stale id from before a rename is not ours', (t) => {
  const renamed = tracked('shop', obj('ConfigMap', 'old', { namespace: 'shop' }));
  renamed.metadata.name = 'new';
  t.is(renamed.metadata.annotations![TRACKING_ANNOTATION], 'shop:/ConfigMap:shop/old');
  t.deepEqual(planSync({ app: 'shop', desired: [], live: [renamed] }).prune, []);
});
