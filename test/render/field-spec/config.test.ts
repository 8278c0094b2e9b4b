import test from 'ava';
import {
  configFromCrdSchema,
  defaultTransformerConfig,
  emptyTransformerConfig,
  labelFieldSpecs,
  mergeTransformerConfig,
  parseTransformerConfig,
} from '../../../src/render/kustomize/builtin-config/index.js';

test('default config: list sizes and kustomize quirks kept', (t) => {
  const c = defaultTransformerConfig();
  const sizes = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (v as unknown[]).length]));
  t.deepEqual(sizes, {
    namePrefix: 1,
    nameSuffix: 1,
    namespace: 3,
    commonLabels: 32,
    labels: 0,
    templateLabels: 10,
    commonAnnotations: 9,
    varReference: 72,
    images: 4,
    replicas: 4,
    nameReference: 16,
  });
  t.is(
    c.nameReference.reduce((n, r) => n + r.fieldSpecs.length, 0),
    167,
  );
  t.deepEqual(c.nameReference.find((r) => r.kind === 'IngressClass')?.group, 'networking.k8s.io/v1');
  const secret = c.nameReference.find((r) => r.kind === 'Secret')!;
  t.is(secret.fieldSpecs.filter((f) => f.path === 'spec/tls/secretName').length, 2);
  // sorted by kustomize's GVK order: ranked kinds first
  t.deepEqual(c.nameReference.map((r) => r.kind).slice(0, 4), [
    'StorageClass',
    'ServiceAccount',
    'Role',
    'ClusterRole',
  ]);
  t.not(defaultTransformerConfig(), defaultTransformerConfig(), 'a fresh copy each time');
});

test('parse: case-insensitive keys, YAML 1.1 booleans, first document only, sorted', (t) => {
  const c = parseTransformerConfig(
    'Images:\n- Path: spec/foo[]/image\n  Kind: Pod\n  create: yes\nnamePrefix:\n- path: a\n- path: b\n  kind: Role\n---\nbogus: 1\n',
    'conf.yaml',
  );
  t.deepEqual(c.images, [{ path: 'spec/foo[]/image', kind: 'Pod', create: true }]);
  t.deepEqual(c.namePrefix, [{ path: 'b', kind: 'Role' }, { path: 'a' }]);
  t.deepEqual(parseTransformerConfig('', 'x'), {});
});

test('parse: unknown keys and wrong types are errors naming the file', (t) => {
  for (const [text, re] of [
    ['bogus: []\n', /conf.yaml: unknown field "bogus"/],
    ['images:\n- path: a\n  bogus: 1\n', /unknown field "bogus" in images\[0\]/],
    ['images:\n- path: a\n  create: "true"\n', /images\[0\]\.create must be true or false/],
    ['- a\n', /must be a map/],
    ['nameReference:\n- kind: Foo\n  fieldspecs: {}\n', /must be a list/],
    ['images:\n- path: 1\n', /images\[0\]\.path must be a string/],
  ] as const) {
    const e = t.throws(() => parseTransformerConfig(text, 'conf.yaml'));
    t.is((e as { code?: string }).code, 'RENDER_CONFIGURATION_INVALID');
    t.regex(e!.message, re);
  }
});

test('merge: covered specs dropped, same-GVK name references merged, conflicts refused', (t) => {
  const merged = mergeTransformerConfig(defaultTransformerConfig(), {
    commonLabels: [
      { path: 'metadata/labels', create: true },
      { path: 'spec/x', kind: 'Foo' },
    ],
    nameReference: [
      { kind: 'Secret', version: 'v1', fieldSpecs: [{ path: 'spec/secretName', kind: 'Foo' }] },
      { kind: 'Bar', fieldSpecs: [{ path: 'spec/bar', kind: 'Foo' }] },
    ],
  });
  t.is(merged.commonLabels.length, 33);
  t.truthy(
    merged.nameReference
      .find((r) => r.kind === 'Secret')!
      .fieldSpecs.find((f) => f.path === 'spec/secretName'),
  );
  t.truthy(merged.nameReference.find((r) => r.kind === 'Bar'));
  // a kind-less spec is covered by a kind-specific one: create differs → conflict (as kubectl)
  const e = t.throws(() =>
    mergeTransformerConfig(
      emptyTransformerConfig(),
      parseTransformerConfig('namePrefix:\n- path: s\n  kind: Pod\n  create: true\n- path: s\n', 'c'),
    ),
  );
  t.is((e as { code?: string }).code, 'RENDER_CONFIGURATION_CONFLICT');
  t.throws(
    () =>
      mergeTransformerConfig(defaultTransformerConfig(), {
        commonLabels: [{ path: 'spec/selector/matchLabels', kind: 'Job', create: true }],
      }),
    {
      message: /conflicting commonLabels field specs/,
    },
  );
});

test('labels entries pick specs as kustomize', (t) => {
  const c = defaultTransformerConfig();
  t.deepEqual(labelFieldSpecs(c, { pairs: { a: 'b' } }), [{ path: 'metadata/labels', create: true }]);
  t.is(labelFieldSpecs(c, { pairs: {}, includeTemplates: true }).length, 10);
  t.is(labelFieldSpecs(c, { pairs: {}, includeSelectors: true }).length, 32);
  t.deepEqual(labelFieldSpecs(c, { pairs: {}, fields: [{ path: 'spec/x', kind: 'Foo', create: true }] }), [
    { path: 'spec/x', kind: 'Foo', create: true },
    { path: 'metadata/labels', create: true },
  ]);
});

const crd = JSON.stringify({
  'example.com/v1.MyKind': {
    Schema: {
      properties: { apiVersion: {}, kind: {}, metadata: {}, spec: { $ref: 'example.com/v1.MyKindSpec' } },
    },
  },
  'example.com/v1.MyKindSpec': {
    schema: {
      properties: {
        secretRef: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret' },
        beeRef: {
          'x-kubernetes-object-ref-api-version': 'v1beta1',
          'x-kubernetes-object-ref-kind': 'Bee',
          'x-kubernetes-object-ref-name-key': 'beeName',
        },
        other: { $ref: 'example.com/v1.Other' },
        Mixed: { 'X-Kubernetes-Object-Ref-Api-Version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret' },
      },
    },
  },
  'example.com/v1.Other': {
    Schema: {
      properties: {
        id: { 'x-kubernetes-identity': '' },
        sel: { 'x-kubernetes-label-selector': '' },
        note: { 'x-kubernetes-annotation': '' },
      },
    },
  },
});

test('crds: name references and identity/label/annotation fields from OpenAPI definitions', (t) => {
  const c = configFromCrdSchema(crd, 'crd.json');
  t.deepEqual(c.nameReference, [
    // Secret is a ranked kind: it sorts first
    { kind: 'Secret', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/secretRef/name' }] },
    { kind: 'Bee', version: 'v1beta1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/beeRef/beeName' }] },
  ]);
  t.deepEqual(c.namePrefix, [{ kind: 'MyKind', path: 'spec/other/id' }]);
  t.deepEqual(c.commonLabels, [{ kind: 'MyKind', path: 'spec/other/sel' }]);
  t.deepEqual(c.commonAnnotations, [{ kind: 'MyKind', path: 'spec/other/note' }]);
  t.deepEqual(c.nameSuffix, []);
  // YAML is read too (anything not starting with `{`)
  t.deepEqual(configFromCrdSchema('\n' + crd, 'crd.yaml'), c);
});

test('crds: a CRD manifest, an empty file and a $ref cycle are errors', (t) => {
  t.throws(
    () =>
      configFromCrdSchema('apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n', 'c.yaml'),
    {
      message: /not a CRD manifest/,
    },
  );
  t.throws(() => configFromCrdSchema('', 'c.yaml'), { message: /empty/ });
  const cyc = {
    'a.K': { Schema: { properties: { apiVersion: {}, kind: {}, metadata: {}, s: { $ref: 'a.K' } } } },
  };
  t.throws(() => configFromCrdSchema(JSON.stringify(cyc), 'c.json'), { message: /cycle/ });
});
