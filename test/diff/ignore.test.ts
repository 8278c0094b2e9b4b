/** ignoreDifferences: by JSON pointer, by managedFields manager, matched by group/kind/name/namespace. */
import test from 'ava';
import { CapstanError, type KubeObject } from '../../src/core/index.js';
import {
  compare,
  jsonPatch,
  normalize,
  unifiedDiff,
  validateIgnoreDifferences,
  type IgnoreDifference,
} from '../../src/diff/index.js';

function pair(): { desired: KubeObject; live: KubeObject } {
  const desired: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', annotations: { 'example.com/rev': '1' } },
    spec: {
      replicas: 2,
      template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } },
    },
  };
  const live: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      annotations: { 'example.com/rev': '7' },
      managedFields: [
        {
          manager: 'capstan',
          operation: 'Apply',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:annotations': { 'f:example.com/rev': {} } },
            'f:spec': {
              'f:template': {
                'f:spec': {
                  'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } },
                },
              },
            },
          },
        },
        {
          manager: 'horizontal-pod-autoscaler',
          operation: 'Update',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        },
        {
          manager: 'sidecar-injector',
          operation: 'Update',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:spec': {
              'f:template': {
                'f:spec': {
                  'f:containers': {
                    'k:{"name":"web"}': { 'f:image': {} },
                    'k:{"name":"proxy"}': { '.': {}, 'f:name': {}, 'f:image': {} },
                  },
                },
              },
            },
          },
        },
      ],
    },
    spec: {
      replicas: 6,
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'web:1-patched' },
            { name: 'proxy', image: 'proxy:1' },
          ],
        },
      },
    },
  };
  return { desired, live };
}

test('without ignoreDifferences the pair differs in replicas, an annotation and an image', (t) => {
  const { desired, live } = pair();
  t.deepEqual(
    compare(desired, live).changed.map((c) => c.path),
    [
      '.metadata.annotations["example.com/rev"]',
      '.spec.replicas',
      '.spec.template.spec.containers[name="web"].image',
    ],
  );
});

test('jsonPointers exclude fields from the comparison and every output (escaped keys, list indices)', (t) => {
  const { desired, live } = pair();
  const ignoreDifferences: IgnoreDifference[] = [
    {
      group: 'apps',
      kind: 'Deployment',
      jsonPointers: [
        '/spec/replicas',
        '/metadata/annotations/example.com~1rev',
        '/spec/template/spec/containers/0/image',
      ],
    },
  ];
  t.deepEqual(compare(desired, live, { ignoreDifferences }), { inSync: true, changed: [], removed: [] });
  t.is(unifiedDiff(desired, live, { ignoreDifferences }), '');
  t.deepEqual(jsonPatch(live, desired, { ignoreDifferences }), []);
});

test('a pointer that does not resolve is ignored', (t) => {
  const { desired, live } = pair();
  const ignoreDifferences = [
    { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/nothing/here', '/spec/replicas/0'] },
  ];
  t.is(compare(desired, live, { ignoreDifferences }).changed.length, 3);
});

test('managedFieldsManagers: what a trusted manager owns keeps its live value and leaves the diff', (t) => {
  const { desired, live } = pair();
  const ignoreDifferences = [
    {
      group: 'apps',
      kind: 'Deployment',
      managedFieldsManagers: ['horizontal-pod-autoscaler', 'sidecar-injector'],
    },
  ];
  const r = compare(desired, live, { ignoreDifferences });
  t.deepEqual(
    r.changed.map((c) => c.path),
    ['.metadata.annotations["example.com/rev"]'],
  );
  const diff = unifiedDiff(desired, live, { ignoreDifferences });
  t.false(diff.includes('replicas'));
  t.false(diff.includes('proxy'));
  t.true(diff.includes('-    example.com/rev: "7"'));
});

test('entries match by group and kind (globs), name and namespace; an omitted group is the core group', (t) => {
  const { desired, live } = pair();
  const ignoring = (e: Omit<IgnoreDifference, 'jsonPointers'>) =>
    compare(desired, live, { ignoreDifferences: [{ ...e, jsonPointers: ['/spec/replicas'] }] }).changed
      .length === 2;
  t.true(ignoring({ group: 'apps', kind: 'Deployment' }));
  t.true(ignoring({ group: '*', kind: '*' }));
  t.true(ignoring({ group: 'app*', kind: 'Deploy*', name: 'web', namespace: 'shop' }));
  t.false(ignoring({ kind: 'Deployment' }), 'no group: the core group, as in Argo CD');
  t.false(ignoring({ group: 'apps', kind: 'StatefulSet' }));
  t.false(ignoring({ group: 'apps', kind: 'Deployment', name: 'other' }));
  t.false(ignoring({ group: 'apps', kind: 'Deployment', namespace: 'other' }));
  t.false(ignoring({ group: 'apps', kind: 'Deploy.*' }), 'a glob, not a regular expression');
});

test('normalize applies the matching entries to one object', (t) => {
  const { live } = pair();
  const out = normalize(live, {
    ignoreDifferences: [
      {
        group: 'apps',
        kind: 'Deployment',
        jsonPointers: ['/metadata/annotations'],
        managedFieldsManagers: ['sidecar-injector'],
      },
    ],
  });
  t.deepEqual(out, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas: 6, template: { spec: { containers: [{ name: 'web' }] } } },
  });
  t.is((live as any).spec.template.spec.containers.length, 2, 'the input is left alone');
});

test('a manager that only created a map does not hide the other keys in it', (t) => {
  const live: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      managedFields: [
        {
          manager: 'tool',
          operation: 'Update',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {}, 'f:x': {} } },
        },
      ],
    },
    data: { x: '1', y: '2' },
  };
  const out = normalize(live, {
    ignoreDifferences: [{ kind: 'ConfigMap', managedFieldsManagers: ['tool'] }],
  });
  t.deepEqual(out.data, { y: '2' });
});

test('validateIgnoreDifferences names the entry and field at fault', (t) => {
  t.deepEqual(validateIgnoreDifferences([{ kind: 'Secret', jsonPointers: ['/data'] }]), [
    { kind: 'Secret', jsonPointers: ['/data'] },
  ]);
  const cases: [unknown, RegExp][] = [
    [{}, /ignoreDifferences: must be a list/],
    [[1], /ignoreDifferences\[0\]: must be a map/],
    [[{ group: 'apps' }], /ignoreDifferences\[0\]: kind is required/],
    [[{ kind: 'Secret', name: 3 }], /ignoreDifferences\[0\]\.name: must be a string/],
    [
      [{ kind: 'Secret', jqPathExpressions: ['.data'] }],
      /\[0\]\.jqPathExpressions: jq path expressions are not supported/,
    ],
    [[{ kind: 'Secret', jsonPointer: ['/data'] }], /\[0\]\.jsonPointer: unknown field \(known: group, kind/],
    [
      [{ kind: 'Secret', jsonPointers: '/data' }],
      /ignoreDifferences\[0\]\.jsonPointers: must be a list of strings/,
    ],
    [
      [{ kind: 'A' }, { kind: 'B', jsonPointers: ['data'] }],
      /ignoreDifferences\[1\]\.jsonPointers\[0\]: "data" is not a JSON pointer/,
    ],
  ];
  for (const [value, message] of cases) {
    const e = t.throws(() => validateIgnoreDifferences(value), { instanceOf: CapstanError, message });
    t.is(e.code, 'DIFF_IGNORE_DIFFERENCES_INVALID');
  }
});

test('an invalid pointer met while comparing is a clear error, not a silent pass', (t) => {
  const { desired, live } = pair();
  t.throws(
    () =>
      compare(desired, live, {
        ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['spec'] }],
      }),
    {
      message: /"spec" is not a JSON pointer/,
    },
  );
});
