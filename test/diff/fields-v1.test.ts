/** The FieldsV1 reader: path elements, member paths, lazy lookups, ownership. */
import test from 'ava';
import { CapstanError, type KubeObject } from '../../src/core/index.js';
import {
  FieldsNode,
  formatPath,
  managedFieldsEntries,
  ownership,
  parseFieldsV1,
  parsePathElement,
  type PathElement,
} from '../../src/diff/index.js';

const elements: [string, PathElement][] = [
  ['f:spec', { field: 'spec' }],
  ['f:app.kubernetes.io/name', { field: 'app.kubernetes.io/name' }],
  ['k:{"name":"web"}', { key: { name: 'web' } }],
  ['k:{"containerPort":80,"protocol":"TCP"}', { key: { containerPort: 80, protocol: 'TCP' } }],
  ['v:"example.com/finalizer"', { value: 'example.com/finalizer' }],
  ['v:5', { value: 5 }],
  ['v:null', { value: null }],
  ['i:0', { index: 0 }],
  ['i:12', { index: 12 }],
];
for (const [element, expected] of elements) {
  test(`parsePathElement ${element}`, (t) => {
    t.deepEqual(parsePathElement(element), expected);
  });
}

const malformed = ['x:foo', '.', 'k:[1]', 'k:{}', 'k:{"name":', 'v:{bad', 'i:-1', 'i:01', 'i:a'];
for (const element of malformed) {
  test(`parsePathElement refuses ${element}`, (t) => {
    const e = t.throws(() => parsePathElement(element), { instanceOf: CapstanError });
    t.is(e.code, 'DIFF_FIELDS_V1_INVALID');
    t.true(e.message.includes(JSON.stringify(element)));
  });
}

/** A Deployment's entry as the embedded API server writes it after an apply. */
const deploymentFields = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:image': {},
            'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          },
        },
      },
    },
  },
  'f:metadata2': { '.': {}, 'f:finalizers': { 'v:"a"': {} } },
};

test('parseFieldsV1 lists the owned paths: leaves and elements marked ".", not mere prefixes', (t) => {
  t.deepEqual(parseFieldsV1(deploymentFields).map(formatPath), [
    '.metadata.labels.app',
    '.spec.replicas',
    '.spec.selector',
    '.spec.template.spec.containers[name="web"]',
    '.spec.template.spec.containers[name="web"].image',
    '.spec.template.spec.containers[name="web"].name',
    '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
    '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].containerPort',
    '.metadata2',
    '.metadata2.finalizers[="a"]',
  ]);
});

test('parseFieldsV1 refuses a trie that is not objects all the way down', (t) => {
  t.throws(() => parseFieldsV1({ 'f:spec': 1 }), { message: /f:spec/ });
  t.throws(() => parseFieldsV1([]), { instanceOf: CapstanError });
  t.throws(() => parseFieldsV1({ 'q:x': {} }), { message: /must start with f:, k:, v: or i:/ });
});

const paths: [PathElement[], string][] = [
  [[], '.'],
  [[{ field: 'spec' }, { field: 'replicas' }], '.spec.replicas'],
  [
    [{ field: 'metadata' }, { field: 'labels' }, { field: 'app.kubernetes.io/name' }],
    '.metadata.labels["app.kubernetes.io/name"]',
  ],
  [[{ field: 'ports' }, { key: { port: 53, protocol: 'UDP' } }], '.ports[port=53,protocol="UDP"]'],
  [[{ field: 'finalizers' }, { value: 'x' }], '.finalizers[="x"]'],
  [[{ field: 'args' }, { index: 2 }], '.args[2]'],
];
for (const [path, expected] of paths) {
  test(`formatPath ${expected}`, (t) => {
    t.is(formatPath(path), expected);
  });
}

test('FieldsNode: members, prefixes, keyed children with defaulted key fields, values, indices', (t) => {
  const root = new FieldsNode(deploymentFields);
  t.false(root.field('spec')!.isMember, 'a prefix');
  t.true(root.field('spec')!.field('replicas')!.isMember, 'a leaf');
  const containers = root.at([
    { field: 'spec' },
    { field: 'template' },
    { field: 'spec' },
    { field: 'containers' },
  ])!;
  t.deepEqual(containers.keyFields(), ['name']);
  t.is(containers.keyedCount(), 1);
  const web = containers.keyedChild({ name: 'web', image: 'whatever' })!;
  t.true(web.isMember, 'marked "."');
  t.deepEqual(web.fieldNames().sort(), ['image', 'name', 'ports']);
  t.is(containers.keyedChild({ name: 'db' }), undefined);
  // the manifest left `protocol` out; the server recorded its default
  t.truthy(web.field('ports')!.keyedChild({ containerPort: 80 }));
  t.is(web.field('ports')!.keyedChild({ containerPort: 80, protocol: 'UDP' }), undefined);
  const finalizers = root.at([{ field: 'metadata2' }, { field: 'finalizers' }])!;
  t.truthy(finalizers.child({ value: 'a' }));
  t.is(finalizers.child({ value: 'b' }), undefined);
  t.truthy(new FieldsNode({ 'i:1': {} }).child({ index: 1 }));
  t.is(root.at([{ field: 'status' }]), undefined);
});

test('FieldsNode finds a key the server wrote with other spacing or order, and skips malformed ones', (t) => {
  const node = new FieldsNode({
    'k:{"protocol":"TCP", "port":80}': { 'f:name': {} },
    'k:{not json': {},
  });
  t.truthy(node.keyedChild({ port: 80, protocol: 'TCP' }));
  t.is(node.keyed()!.entries.length, 1);
});

test('ownership: our Apply entries united; every other entry (our own Updates too) is someone else', (t) => {
  const live: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      managedFields: [
        {
          manager: 'capstan',
          operation: 'Apply',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:a': {} } },
        },
        {
          manager: 'capstan',
          operation: 'Apply',
          subresource: 'status',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {}, 'f:b': {} } },
        },
        {
          manager: 'capstan',
          operation: 'Update',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:c': {} } },
        },
        {
          manager: 'kubectl-edit',
          operation: 'Update',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:d': {} } },
        },
        { manager: 'old', operation: 'Update', fieldsType: 'FieldsV2', fieldsV1: { 'f:data': {} } },
      ],
    },
  };
  const entries = managedFieldsEntries(live);
  t.is(entries.length, 4, 'an entry in another format is skipped');
  const { owned, others } = ownership(entries, 'capstan');
  t.deepEqual(parseFieldsV1(owned!.raw).map(formatPath), ['.data', '.data.a', '.data.b']);
  t.is(others.length, 2);
  t.is(ownership(entries, 'nobody').owned, undefined);
  t.deepEqual(managedFieldsEntries({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), []);
});
