/**
 * Field sets in FieldsV1 form. Expectations are managedFields as kube-apiserver writes
 * them for the same objects (sorted elements, `.` where an element is also a member,
 * keys sorted by name, defaulted `protocol` in port keys).
 */
import test from 'ava';
import type { JsonObject } from '../../../../src/core/index.js';
import { FieldSet, fieldSetOf, pathString } from '../../../../src/controlplane/api/apply/index.js';

const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' };
const service = { group: '', version: 'v1', kind: 'Service' };
const widget = { group: 'example.com', version: 'v1', kind: 'Widget' };

const cases: [string, JsonObject, typeof deployment, JsonObject][] = [
  [
    'identity and type fields are left out, labels are leaves',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'x', labels: { app: 'web' } },
    },
    deployment,
    { 'f:metadata': { 'f:labels': { 'f:app': {} } } },
  ],
  [
    'containers are keyed by name; items are members and parents of their fields',
    {
      spec: {
        replicas: 2,
        template: { spec: { containers: [{ name: 'app', image: 'nginx' }] } },
      },
    },
    deployment,
    {
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    },
  ],
  [
    'label selectors are atomic',
    { spec: { selector: { matchLabels: { app: 'web' } } } },
    deployment,
    { 'f:spec': { 'f:selector': {} } },
  ],
  [
    'ports are keyed by port and protocol, protocol defaulting to TCP',
    {
      spec: {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 53, protocol: 'UDP' },
        ],
      },
    },
    service,
    {
      'f:spec': {
        'f:ports': {
          'k:{"port":53,"protocol":"UDP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} },
          'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
        },
      },
    },
  ],
  [
    'finalizers are a set (v:), atomic lists are leaves, {} and null are leaves',
    {
      metadata: { finalizers: ['b', 'a'] },
      spec: { template: { spec: { containers: [{ name: 'c', args: ['x'], resources: {} }] } } },
    },
    deployment,
    {
      'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} } },
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:name': {}, 'f:resources': {} },
            },
          },
        },
      },
    },
  ],
  [
    'status is not owned through the main resource; an empty keyed list sets nothing',
    { spec: { template: { spec: { containers: [] } } }, status: { replicas: 3 } },
    deployment,
    {},
  ],
  [
    'custom resources: every list is atomic, every map granular',
    { spec: { items: [{ name: 'a' }], nested: { deep: 1 } } },
    widget,
    { 'f:spec': { 'f:items': {}, 'f:nested': { 'f:deep': {} } } },
  ],
];

for (const [title, obj, gvk, expected] of cases) {
  test(`fieldSetOf: ${title}`, (t) => {
    const got = fieldSetOf(obj, gvk);
    t.deepEqual(got, expected);
    // FieldsV1 order is part of the format: compare the serialised forms too.
    t.is(JSON.stringify(got), JSON.stringify(expected));
  });
}

test('the last-applied annotation is an ordinary field', (t) => {
  const obj = { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } };
  t.deepEqual(fieldSetOf(obj, deployment), {
    'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
  });
});

test('status is owned through the status subresource', (t) => {
  t.deepEqual(
    fieldSetOf({ spec: { replicas: 1 }, status: { replicas: 3 } }, deployment, { subresource: 'status' }),
    {
      'f:status': { 'f:replicas': {} },
    },
  );
});

test('an item without its key is refused', (t) => {
  t.throws(() => fieldSetOf({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, deployment), {
    message:
      /containers: element 0: associative list with keys has an element that omits all key fields \["name"\]/,
  });
});

test('FieldsV1 round-trips and orders fields < keys < values, numbers before strings', (t) => {
  const json = {
    'f:a': {},
    'f:b': {
      '.': {},
      'k:{"port":8,"protocol":"TCP"}': {},
      'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:x': {} },
    },
    'f:c': { 'v:1': {}, 'v:"1"': {} },
  };
  const set = FieldSet.fromFieldsV1(json);
  t.is(JSON.stringify(set.toFieldsV1()), JSON.stringify(json));
  t.deepEqual(set.paths().map(pathString), [
    '.a',
    '.b',
    '.b[port=8,protocol="TCP"]',
    '.b[port=80,protocol="TCP"]',
    '.b[port=80,protocol="TCP"].x',
    '.c[=1]',
    '.c[="1"]',
  ]);
});

test('set algebra: difference is exact, recursiveDifference removes subtrees', (t) => {
  const s = FieldSet.fromFieldsV1({ 'f:spec': { 'f:a': {}, 'f:b': {} }, 'f:status': { 'f:r': {} } });
  const status = FieldSet.fromFieldsV1({ 'f:status': {} });
  t.deepEqual(s.difference(status).toFieldsV1(), s.toFieldsV1());
  t.deepEqual(s.recursiveDifference(status).toFieldsV1(), { 'f:spec': { 'f:a': {}, 'f:b': {} } });
  const a = FieldSet.fromFieldsV1({ 'f:spec': { 'f:a': {} } });
  t.deepEqual(s.intersection(a).toFieldsV1(), { 'f:spec': { 'f:a': {} } });
  t.deepEqual(s.difference(a).union(a).toFieldsV1(), s.toFieldsV1());
  t.deepEqual(a.ensureNamedFieldsAreMembers().toFieldsV1(), { 'f:spec': { '.': {}, 'f:a': {} } });
});
