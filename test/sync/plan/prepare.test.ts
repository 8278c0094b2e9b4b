/** Preparing the desired objects: namespace, label, tracking id, no mutation; refusals. */
import test from 'ava';
import { CapstanError, type KubeObject } from '../../../src/core/index.js';
import {
  APP_LABEL,
  HOOK_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
  TRACKING_ANNOTATION,
} from '../../../src/sync/annotations.js';
import { planSync, planSteps, stepObject } from '../../../src/sync/plan/index.js';
import { obj, tracked } from './objects.js';

test('namespaced kinds without a namespace get defaultNamespace; cluster-scoped kinds get none', (t) => {
  const desired = [
    obj('ConfigMap', 'cfg'),
    obj('ConfigMap', 'other', { namespace: 'kept' }),
    obj('ClusterRole', 'reader'),
    obj('Namespace', 'apps'),
    obj('Widget', 'w', { apiVersion: 'example.com/v1' }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [], defaultNamespace: 'apps' });
  t.deepEqual(
    plan.prepared.map((o) => o.metadata.namespace),
    ['apps', 'kept', undefined, undefined, 'apps'],
  );
});

test('without defaultNamespace, the namespace is "default"', (t) => {
  const plan = planSync({ app: 'shop', desired: [obj('Service', 'web')], live: [] });
  t.is(plan.prepared[0].metadata.namespace, 'default');
  t.is(plan.phases[1].waves[0].steps[0].ref.namespace, 'default');
});

test('a namespace written on a cluster-scoped object is dropped (the server ignores it)', (t) => {
  const plan = planSync({
    app: 'shop',
    desired: [obj('ClusterRole', 'reader', { namespace: 'shop' })],
    live: [],
  });
  t.false('namespace' in plan.prepared[0].metadata);
  t.is(
    plan.prepared[0].metadata.annotations![TRACKING_ANNOTATION],
    'shop:rbac.authorization.k8s.io/ClusterRole:/reader',
  );
});

test('the scope of a custom kind comes from its CRD in the desired set, else from isClusterScoped', (t) => {
  const crd = {
    ...obj('CustomResourceDefinition', 'clusterwidgets.example.com'),
    spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'ClusterWidget' } },
  };
  const desired = [
    crd,
    obj('ClusterWidget', 'cw', { apiVersion: 'example.com/v1' }),
    obj('Tenant', 't', { apiVersion: 'tenancy.example.com/v1' }),
    obj('Widget', 'w', { apiVersion: 'example.com/v1' }),
  ];
  const isClusterScoped = (group: string, kind: string) =>
    group === 'tenancy.example.com' && kind === 'Tenant';
  const plan = planSync({ app: 'shop', desired, live: [], isClusterScoped });
  t.deepEqual(
    plan.prepared.map((o) => o.metadata.namespace),
    [undefined, undefined, undefined, 'default'],
  );
});

test('the application label and tracking id are added, other labels and annotations kept', (t) => {
  const desired = [
    obj('Deployment', 'web', {
      namespace: 'shop',
      labels: { tier: 'front', [APP_LABEL]: 'someone-else' },
      annotations: { note: 'hi' },
    }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(plan.prepared[0].metadata, {
    name: 'web',
    namespace: 'shop',
    labels: { tier: 'front', [APP_LABEL]: 'shop' },
    annotations: { note: 'hi', [TRACKING_ANNOTATION]: 'shop:apps/Deployment:shop/web' },
  });
  t.is(stepObject(plan, plan.phases[1].waves[0].steps[0]), plan.prepared[0]);
});

test('hooks are labelled and tracked too', (t) => {
  const plan = planSync({
    app: 'shop',
    desired: [obj('Job', 'migrate', { annotations: { [HOOK_ANNOTATION]: 'PreSync' } })],
    live: [],
  });
  t.is(plan.prepared[0].metadata.labels![APP_LABEL], 'shop');
  t.is(plan.prepared[0].metadata.annotations![TRACKING_ANNOTATION], 'shop:batch/Job:default/migrate');
});

test('the input objects are not modified', (t) => {
  const desired: KubeObject[] = [
    { ...obj('ConfigMap', 'cfg', { labels: { a: 'b' } }), data: { k: 'v' } },
    obj('ClusterRole', 'reader', { namespace: 'shop' }),
    obj('Job', 'j', { annotations: { [HOOK_ANNOTATION]: 'PreSync,PostSync' } }),
  ];
  const live = [tracked('shop', obj('ConfigMap', 'old', { namespace: 'default' }))];
  const before = structuredClone({ desired, live });
  const plan = planSync({ app: 'shop', desired, live });
  t.deepEqual({ desired, live }, before);
  t.not(plan.prepared[0], desired[0]);
  t.not(plan.prepared[0].metadata.labels, desired[0].metadata.labels);
});

test('each step says whether the object is new or already live', (t) => {
  const cfg = obj('ConfigMap', 'cfg', { namespace: 'shop' });
  const plan = planSync({
    app: 'shop',
    desired: [cfg, obj('Deployment', 'web', { namespace: 'shop' })],
    live: [tracked('shop', cfg)],
  });
  t.deepEqual(
    planSteps(plan).map((s) => [s.ref.name, s.state]),
    [
      ['cfg', 'existing'],
      ['web', 'new'],
    ],
  );
});

test('two objects with one identity are refused, naming both', (t) => {
  const desired = [
    obj('ConfigMap', 'cfg', { namespace: 'shop' }),
    obj('Deployment', 'web', { namespace: 'shop', apiVersion: 'apps/v1' }),
    obj('Deployment', 'web', { namespace: 'other' }),
    obj('Deployment', 'web', { namespace: 'shop', apiVersion: 'apps/v1beta2' }),
  ];
  const err = t.throws(() => planSync({ app: 'shop', desired, live: [] }), { instanceOf: CapstanError });
  t.is(err.code, 'SYNC_DUPLICATE_OBJECT');
  t.is(
    err.message,
    'Deployment shop/web is in the desired objects twice: object #2 (apps/v1) and object #4 (apps/v1beta2); keep one of them',
  );
  t.deepEqual(err.data, {
    key: 'apps/Deployment/shop/web',
    first: { index: 1, apiVersion: 'apps/v1' },
    second: { index: 3, apiVersion: 'apps/v1beta2' },
  });
});

test('a duplicate through namespace defaulting is refused too', (t) => {
  const desired = [obj('ConfigMap', 'cfg'), obj('ConfigMap', 'cfg', { namespace: 'default' })];
  const err = t.throws(() => planSync({ app: 'shop', desired, live: [] }), { instanceOf: CapstanError });
  t.is(err.code, 'SYNC_DUPLICATE_OBJECT');
  t.regex(
    err.message,
    /^ConfigMap default\/cfg is in the desired objects twice: object #1 \(v1\) and object #2 \(v1\)/,
  );
});

const invalidWaves = ['1.5', 'one', '', ' 1', '1e3', '0x10', '99999999999999999999'];
for (const value of invalidWaves) {
  test(`wave ${JSON.stringify(value)} is refused, naming the object`, (t) => {
    const desired = [
      obj('ConfigMap', 'cfg', { namespace: 'shop' }),
      obj('Deployment', 'web', { namespace: 'shop', annotations: { [SYNC_WAVE_ANNOTATION]: value } }),
    ];
    const err = t.throws(() => planSync({ app: 'shop', desired, live: [] }), { instanceOf: CapstanError });
    t.is(err.code, 'SYNC_INVALID_WAVE');
    t.is(
      err.message,
      `Deployment shop/web (object #2): annotation capstan.dev/sync-wave is ${JSON.stringify(value)}, ` +
        'not an integer; write a whole number such as "-1", "0" or "5"',
    );
    t.deepEqual(err.data, {
      object: 'Deployment shop/web (object #2)',
      annotation: SYNC_WAVE_ANNOTATION,
      value,
    });
  });
}

test('an invalid wave on a hook is refused too; on a skipped object it is not read', (t) => {
  const bad = { [SYNC_WAVE_ANNOTATION]: 'x' };
  const hook = obj('Job', 'j', { annotations: { [HOOK_ANNOTATION]: 'PostSync', ...bad } });
  const err = t.throws(() => planSync({ app: 'shop', desired: [hook], live: [] }), {
    instanceOf: CapstanError,
  });
  t.is(err.code, 'SYNC_INVALID_WAVE');
  const skipped = obj('Job', 'j', { annotations: { [HOOK_ANNOTATION]: 'Skip', ...bad } });
  t.notThrows(() => planSync({ app: 'shop', desired: [skipped], live: [] }));
});

const invalidObjects: Array<[string, unknown, string]> = [
  ['no kind', { apiVersion: 'v1', metadata: { name: 'x' } }, 'object #1 of the desired objects has no kind'],
  [
    'no apiVersion',
    { kind: 'ConfigMap', metadata: { name: 'x' } },
    'object #1 of the desired objects has no apiVersion',
  ],
  [
    'no metadata',
    { apiVersion: 'v1', kind: 'ConfigMap' },
    'object #1 of the desired objects (ConfigMap) has no metadata',
  ],
  [
    'no name',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
    'object #1 of the desired objects (ConfigMap) has no metadata.name',
  ],
  [
    'generateName on a non-hook',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } },
    'ConfigMap default/x-* (object #1): only hooks may have metadata.generateName without metadata.name; ' +
      'give it a name, or mark it with capstan.dev/hook',
  ],
];
for (const [what, input, message] of invalidObjects) {
  test(`an object with ${what} is refused`, (t) => {
    const err = t.throws(() => planSync({ app: 'shop', desired: [input as KubeObject], live: [] }), {
      instanceOf: CapstanError,
    });
    t.is(err.code, 'SYNC_INVALID_OBJECT');
    t.is(err.message, message);
  });
}

test('an empty application name is refused', (t) => {
  const err = t.throws(() => planSync({ app: '', desired: [], live: [] }), { instanceOf: CapstanError });
  t.is(err.code, 'SYNC_INVALID_APP');
});
