/** Creation order: phase, then wave, then kind (Argo CD's / Helm's list), then name. */
import test from 'ava';
import { KNOWN_KIND_ORDER, compareForCreation, kindRank, planSync } from '../../../src/sync/plan/index.js';
import { SYNC_WAVE_ANNOTATION } from '../../../src/sync/annotations.js';
import { flatNames, obj, syncOrder } from './objects.js';

const ALL_KINDS = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

test('the kind order is Argo CD’s: Helm’s install order plus SecretList and IngressClass', (t) => {
  t.deepEqual([...KNOWN_KIND_ORDER], ALL_KINDS);
});

test('every known kind sorts in list order whatever the input order, unknown kinds last', (t) => {
  const reversed = [...ALL_KINDS].reverse();
  const desired = [
    obj('Widget', 'a', { apiVersion: 'example.com/v1' }),
    ...reversed.map((kind) => obj(kind, 'x')),
    obj('Gadget', 'a', { apiVersion: 'example.com/v1' }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(
    flatNames(plan).map((s) => s.split(' ')[0]),
    [...ALL_KINDS, 'Gadget', 'Widget'],
  );
});

const kindTable: Array<[string, string, number]> = [
  // a, b, sign of compare(a, b)
  ['Namespace', 'ConfigMap', -1],
  ['ConfigMap', 'Secret', 1],
  ['ServiceAccount', 'ClusterRole', -1],
  ['CustomResourceDefinition', 'ClusterRole', -1],
  ['Service', 'Deployment', -1],
  ['Deployment', 'StatefulSet', -1],
  ['Job', 'CronJob', -1],
  ['IngressClass', 'Ingress', -1],
  ['Ingress', 'APIService', -1],
  ['APIService', 'Certificate', -1],
  ['Certificate', 'Widget', -1],
  ['Widget', 'Certificate', 1],
];

for (const [a, b, sign] of kindTable) {
  test(`kind order: ${a} ${sign < 0 ? 'before' : 'after'} ${b}`, (t) => {
    const ra = { apiVersion: 'v1', group: '', kind: a, name: 'n' };
    const rb = { apiVersion: 'v1', group: '', kind: b, name: 'n' };
    t.is(Math.sign(compareForCreation(ra, rb)), sign);
    t.is(Math.sign(compareForCreation(rb, ra)), -sign);
  });
}

test('unknown kinds share the last rank', (t) => {
  t.is(kindRank('Widget'), kindRank('Certificate'));
  t.is(kindRank('Widget'), KNOWN_KIND_ORDER.length);
  t.is(kindRank('Namespace'), 0);
});

test('within one kind, by name (code-unit order, not locale), then namespace', (t) => {
  const desired = [
    obj('ConfigMap', 'b', { namespace: 'z' }),
    obj('ConfigMap', 'a', { namespace: 'z' }),
    obj('ConfigMap', 'B', { namespace: 'z' }),
    obj('ConfigMap', 'a', { namespace: 'm' }),
    obj('ConfigMap', 'a-2', { namespace: 'z' }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(syncOrder(plan), [
    [0, ['ConfigMap z/B', 'ConfigMap m/a', 'ConfigMap z/a', 'ConfigMap z/a-2', 'ConfigMap z/b']],
  ]);
});

test('waves ascending, negative waves first, default 0; kind order inside each wave', (t) => {
  const w = (n: string) => ({ [SYNC_WAVE_ANNOTATION]: n });
  const desired = [
    obj('Deployment', 'web', { namespace: 'shop' }),
    obj('ConfigMap', 'late', { namespace: 'shop', annotations: w('10') }),
    obj('Namespace', 'shop', { annotations: w('-1') }),
    obj('Secret', 'db', { namespace: 'shop', annotations: w('+2') }),
    obj('Service', 'web', { namespace: 'shop' }),
    obj('ConfigMap', 'cfg', { namespace: 'shop', annotations: w('0') }),
    obj('Deployment', 'db', { namespace: 'shop', annotations: w('2') }),
    obj('Job', 'seed', { namespace: 'shop', annotations: w('002') }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(syncOrder(plan), [
    [-1, ['Namespace shop']],
    [0, ['ConfigMap shop/cfg', 'Service shop/web', 'Deployment shop/web']],
    [2, ['Secret shop/db', 'Deployment shop/db', 'Job shop/seed']],
    [10, ['ConfigMap shop/late']],
  ]);
  t.deepEqual(
    plan.phases.map((p) => p.phase),
    ['PreSync', 'Sync', 'PostSync'],
  );
});

test('the plan does not depend on the order of the desired objects', (t) => {
  const desired = [
    obj('Deployment', 'web', { namespace: 'shop' }),
    obj('ConfigMap', 'cfg', { namespace: 'shop' }),
    obj('Namespace', 'shop'),
    obj('Widget', 'w', { namespace: 'shop', apiVersion: 'example.com/v1' }),
  ];
  const a = planSync({ app: 'shop', desired, live: [] });
  const b = planSync({ app: 'shop', desired: [...desired].reverse(), live: [] });
  t.deepEqual(syncOrder(a), syncOrder(b));
});
