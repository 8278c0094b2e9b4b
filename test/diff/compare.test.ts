/** The three-way comparison on hand-built objects: one rule per test. */
import test from 'ava';
import type { JsonObject, KubeObject } from '../../src/core/index.js';
import { compare, comparison } from '../../src/diff/index.js';

const entry = (manager: string, fieldsV1: JsonObject, operation = 'Apply') => ({
  manager,
  operation,
  apiVersion: 'apps/v1',
  fieldsType: 'FieldsV1',
  fieldsV1,
});

/** A manifest as it is in Git. */
function manifest(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1',
              args: ['--port', '8080'],
              ports: [{ containerPort: 8080 }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              resources: { limits: { cpu: '0.5', memory: '1Gi' } },
            },
          ],
        },
      },
    },
  };
}

/** What our manager owns after applying `manifest()`. */
const ourFields = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:args': {},
            'f:env': {
              'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} },
              'k:{"name":"B"}': { '.': {}, 'f:name': {}, 'f:value': {} },
            },
            'f:image': {},
            'f:name': {},
            'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            'f:resources': { 'f:limits': { 'f:cpu': {}, 'f:memory': {} } },
          },
        },
      },
    },
  },
};

/** The live object: the manifest, defaulted, canonicalized and stamped by a server. */
function live(extraEntries: JsonObject[] = [], withManagedFields = true): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web' },
      uid: '6b1c',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2024-01-01T00:00:00Z',
      ...(withManagedFields ? { managedFields: [entry('capstan', ourFields), ...extraEntries] } : {}),
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: 'web' }, creationTimestamp: null },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1',
              args: ['--port', '8080'],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              // a real API server stores canonical quantities
              resources: { limits: { cpu: '500m', memory: '1Gi' } },
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: { replicas: 1, readyReplicas: 1, observedGeneration: 3 },
  };
}

const containerOf = (obj: KubeObject) => (obj as any).spec.template.spec.containers[0];

test('defaults, server-set fields, status and canonical quantities are not drift', (t) => {
  t.deepEqual(compare(manifest(), live()), { inSync: true, changed: [], removed: [] });
});

test('a changed value is drift, with its path, pointer and both values', (t) => {
  const d = manifest();
  containerOf(d).image = 'web:2';
  const r = compare(d, live());
  t.false(r.inSync);
  t.deepEqual(r.changed, [
    {
      path: '.spec.template.spec.containers[name="web"].image',
      pointer: '/spec/template/spec/containers/0/image',
      live: 'web:1',
      desired: 'web:2',
    },
  ]);
  t.deepEqual(r.removed, []);
});

test('a field Git sets that live lacks is drift', (t) => {
  const d = manifest();
  d.metadata.annotations = { 'capstan.dev/sync-wave': '2' };
  const r = compare(d, live());
  t.deepEqual(r.changed, [
    {
      path: '.metadata.annotations',
      pointer: '/metadata/annotations',
      desired: { 'capstan.dev/sync-wave': '2' },
    },
  ]);
});

test('fields removed from Git that we own are removals: a label, an env var, a whole container field', (t) => {
  const d = manifest();
  delete d.metadata.labels;
  containerOf(d).env = [{ name: 'A', value: '1' }];
  delete containerOf(d).args;
  const r = compare(d, live());
  t.false(r.inSync);
  t.deepEqual(r.changed, []);
  t.deepEqual(
    r.removed.map((x) => [x.path, x.pointer, x.live]),
    [
      ['.metadata.labels.app', '/metadata/labels/app', 'web'],
      [
        '.spec.template.spec.containers[name="web"].env[name="B"]',
        '/spec/template/spec/containers/0/env/1',
        { name: 'B', value: '2' },
      ],
      [
        '.spec.template.spec.containers[name="web"].args',
        '/spec/template/spec/containers/0/args',
        ['--port', '8080'],
      ],
    ],
  );
});

test('a removed field another manager also owns stays: not a removal', (t) => {
  const d = manifest();
  delete d.metadata.labels;
  const r = compare(
    d,
    live([entry('kubectl-edit', { 'f:metadata': { 'f:labels': { 'f:app': {} } } }, 'Update')]),
  );
  t.true(r.inSync);
});

test('a list element we own goes, but only our fields when someone else owns a field inside it', (t) => {
  const d = manifest();
  containerOf(d).env = [{ name: 'A', value: '1' }];
  const other = entry(
    'kubectl-edit',
    {
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"web"}': { 'f:env': { 'k:{"name":"B"}': { 'f:value': {} } } } },
          },
        },
      },
    },
    'Update',
  );
  const r = comparison(d, live([other]));
  // B's name is its key: it stays with the element; nothing of ours but the element itself was left
  t.deepEqual(r.removed, []);
  t.deepEqual(containerOf(r.predicted!).env, [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ]);
});

test("an HPA's replicas are not drift when Git does not set them", (t) => {
  const l = live([entry('horizontal-pod-autoscaler', { 'f:spec': { 'f:replicas': {} } }, 'Update')]);
  (l as any).spec.replicas = 7;
  t.true(compare(manifest(), l).inSync);
});

test('replicas Git sets and an HPA changed are drift (unless ignored by manager, see ignore tests)', (t) => {
  const d = manifest();
  (d as any).spec.replicas = 2;
  const l = live([entry('horizontal-pod-autoscaler', { 'f:spec': { 'f:replicas': {} } }, 'Update')]);
  (l as any).spec.replicas = 7;
  t.deepEqual(compare(d, l).changed, [
    { path: '.spec.replicas', pointer: '/spec/replicas', live: 7, desired: 2 },
  ]);
});

test('a field kubectl edit added that Git does not set is not drift', (t) => {
  const l = live([
    entry(
      'kubectl-edit',
      { 'f:metadata': { 'f:labels': { 'f:team': {} } }, 'f:spec': { 'f:paused': {} } },
      'Update',
    ),
  ]);
  l.metadata.labels!.team = 'payments';
  (l as any).spec.paused = true;
  t.true(compare(manifest(), l).inSync);
});

test('without managedFields: two-way on the desired fields only, nothing is ever a removal', (t) => {
  const d = manifest();
  delete d.metadata.labels;
  containerOf(d).env = [];
  t.true(compare(d, live([], false)).inSync);
  containerOf(d).image = 'web:2';
  const r = compare(d, live([], false));
  t.deepEqual(
    r.changed.map((c) => c.path),
    ['.spec.template.spec.containers[name="web"].image'],
  );
  t.deepEqual(r.removed, []);
});

test('associative lists match by key, whatever the order', (t) => {
  const d = manifest();
  containerOf(d).env.reverse();
  (d as any).spec.template.spec.containers.push({ name: 'side', image: 'side:1' });
  const l = live();
  (l as any).spec.template.spec.containers.unshift({
    name: 'side',
    image: 'side:1',
    imagePullPolicy: 'IfNotPresent',
  });
  t.true(compare(d, l).inSync);
  containerOf(d).env.push({ name: 'C', value: '3' });
  const r = compare(d, l);
  t.deepEqual(r.changed, [
    {
      path: '.spec.template.spec.containers[name="web"].env[name="C"]',
      pointer: '/spec/template/spec/containers/1/env/-',
      desired: { name: 'C', value: '3' },
    },
  ]);
});

test('ports match by containerPort and protocol, the default protocol filled in', (t) => {
  const d = manifest();
  containerOf(d).ports = [{ containerPort: 8080 }, { containerPort: 8080, protocol: 'UDP', name: 'q' }];
  const l = live();
  containerOf(l).ports = [
    { containerPort: 8080, protocol: 'UDP', name: 'q' },
    { containerPort: 8080, protocol: 'TCP' },
  ];
  t.true(compare(d, l).inSync);
  containerOf(l).ports[0].name = 'other';
  t.deepEqual(
    compare(d, l).changed.map((c) => [c.path, c.pointer]),
    [
      [
        '.spec.template.spec.containers[name="web"].ports[containerPort=8080,protocol="UDP"].name',
        '/spec/template/spec/containers/0/ports/0/name',
      ],
    ],
  );
});

test('Service ports by port and protocol; defaulted targetPort and nodePort are not drift', (t) => {
  const d: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'dns' },
    spec: { ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }], selector: { app: 'dns' } },
  };
  const l = {
    ...d,
    metadata: { name: 'dns', namespace: 'default' },
    spec: {
      type: 'NodePort',
      clusterIP: '10.0.0.10',
      selector: { app: 'dns' },
      ports: [
        { port: 53, protocol: 'TCP', targetPort: 53, nodePort: 30053 },
        { port: 53, protocol: 'UDP', targetPort: 53, nodePort: 30054 },
      ],
    },
  };
  t.true(compare(d, l).inSync);
});

test('atomic lists compare whole: same elements in order; a longer or reordered list is drift', (t) => {
  const d = manifest();
  containerOf(d).args = ['8080', '--port'];
  t.deepEqual(compare(d, live()).changed, [
    {
      path: '.spec.template.spec.containers[name="web"].args',
      pointer: '/spec/template/spec/containers/0/args',
      live: ['--port', '8080'],
      desired: ['8080', '--port'],
    },
  ]);
  containerOf(d).args = ['--port'];
  t.is(compare(d, live()).changed.length, 1);
});

test('map elements of an atomic list may carry server defaults', (t) => {
  const d = manifest();
  (d as any).spec.template.spec.tolerations = [{ key: 'gpu', operator: 'Exists' }];
  const l = live();
  (l as any).spec.template.spec.tolerations = [{ key: 'gpu', operator: 'Exists', effect: '' }];
  t.true(compare(d, l).inSync);
  (l as any).spec.template.spec.tolerations[0].operator = 'Equal';
  t.is(compare(d, l).changed[0]!.path, '.spec.template.spec.tolerations');
});

test('sets (finalizers) compare by value; an owned value Git dropped is a removal', (t) => {
  const d: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', finalizers: ['b', 'a'] },
  };
  const l: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      finalizers: ['a', 'b', 'c'],
      managedFields: [
        entry('capstan', { 'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {}, 'v:"c"': {} } } }),
      ],
    },
  };
  d.metadata.finalizers = ['b', 'a', 'c'];
  t.true(compare(d, l).inSync);
  d.metadata.finalizers = ['a', 'd'];
  const r = comparison(d, l);
  t.deepEqual(
    r.changed.map((c) => [c.path, c.pointer]),
    [['.metadata.finalizers[="d"]', '/metadata/finalizers/-']],
  );
  t.deepEqual(
    r.removed.map((c) => [c.path, c.pointer]),
    [
      ['.metadata.finalizers[="b"]', '/metadata/finalizers/1'],
      ['.metadata.finalizers[="c"]', '/metadata/finalizers/2'],
    ],
  );
  t.deepEqual(r.predicted!.metadata.finalizers, ['a', 'd']);
});

test('quantities compare by value in resource maps only', (t) => {
  const d = manifest();
  containerOf(d).resources = { limits: { cpu: 0.5, memory: '1024Mi' }, requests: { cpu: '250m' } };
  const l = live();
  containerOf(l).resources = { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '0.25' } };
  t.true(compare(d, l).inSync);
  containerOf(d).resources.limits.cpu = '1';
  t.is(compare(d, l).changed[0]!.path, '.spec.template.spec.containers[name="web"].resources.limits.cpu');
  containerOf(d).resources.limits.cpu = 0.5;
  containerOf(d).image = '1024Mi';
  containerOf(l).image = '1Gi';
  t.is(compare(d, l).changed.length, 1, 'an image is not a quantity');
});

test('null and empty maps or lists in Git set nothing', (t) => {
  const d = manifest();
  (d as any).metadata.creationTimestamp = null;
  (d as any).metadata.annotations = {};
  (d as any).spec.template.spec.volumes = [];
  (d as any).spec.template.spec.nodeSelector = null;
  t.true(compare(d, live()).inSync);
});

test('a type change is drift', (t) => {
  const d = manifest();
  (d as any).spec.strategy = 'Recreate';
  t.is(compare(d, live()).changed[0]!.path, '.spec.strategy');
});

test('a missing live object is one change at the root', (t) => {
  const r = compare(manifest(), undefined);
  t.false(r.inSync);
  t.is(r.changed.length, 1);
  t.is(r.changed[0]!.path, '.');
  t.deepEqual((r.changed[0]!.desired as any).metadata.name, 'web');
});

test('custom resources: list keys come from the k: elements the server recorded', (t) => {
  const fields = {
    'f:spec': {
      'f:routes': {
        'k:{"host":"a"}': { '.': {}, 'f:host': {}, 'f:to': {} },
        'k:{"host":"b"}': { '.': {}, 'f:host': {}, 'f:to': {} },
      },
    },
  };
  const l: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Router',
    metadata: { name: 'r', managedFields: [entry('capstan', fields)] },
    spec: {
      routes: [
        { host: 'b', to: 'svc-b', weight: 1 },
        { host: 'a', to: 'svc-a', weight: 1 },
      ],
    },
  };
  const d: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Router',
    metadata: { name: 'r' },
    spec: { routes: [{ host: 'a', to: 'svc-a' }] },
  };
  const r = compare(d, l);
  t.deepEqual(r.changed, []);
  t.deepEqual(
    r.removed.map((x) => x.path),
    ['.spec.routes[host="b"]'],
  );
});

test('apiVersion, kind, name and namespace are never removals', (t) => {
  const fields = {
    'f:apiVersion': {},
    'f:kind': {},
    'f:metadata': { 'f:name': {}, 'f:namespace': {} },
    'f:data': { 'f:a': {} },
  };
  const l: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'ns', managedFields: [entry('capstan', fields)] },
    data: { a: '1' },
  };
  const d: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
  t.true(compare(d, l).inSync);
});

test('a different manager name reads its own entries', (t) => {
  const d = manifest();
  delete d.metadata.labels;
  t.false(compare(d, live()).inSync);
  t.true(compare(d, live(), { manager: 'argocd-controller' }).inSync);
});

test('compare never changes its inputs', (t) => {
  const d = manifest();
  containerOf(d).image = 'web:2';
  delete d.metadata.labels;
  const l = live();
  const [dBefore, lBefore] = [structuredClone(d), structuredClone(l)];
  comparison(d, l);
  t.deepEqual(d, dBefore);
  t.deepEqual(l, lBefore);
});
