/**
 * behavior: merge / replace. Each case mirrors an overlay fixture run through
 * `kubectl kustomize` (v5.5.0); the existing objects are what the base produced
 * (here with `namePrefix: p-` and `namespace: bns`).
 */
import test from 'ava';
import { isCapstanError, type KubeObject } from '../../../src/core/index.js';
import {
  absorbGenerated,
  contentHashSuffix,
  makeConfigMap,
  makeSecret,
  mergeGenerated,
} from '../../../src/render/kustomize/generators/index.js';
import type { Resource } from '../../../src/render/kustomize/types.js';
import { fakeLoader } from './fake-loader.js';

const O = 'over/kustomization.yaml';
const none = fakeLoader({}, 'over');

function based(obj: KubeObject, hash: boolean | undefined, origName: string): Resource {
  return {
    obj,
    source: 'base/kustomization.yaml',
    previous: [
      { kind: obj.kind, name: origName, namespace: 'default' },
      { kind: obj.kind, name: origName, namespace: 'bns' },
    ],
    prefixes: ['p-'],
    suffixes: [],
    ...(hash === undefined ? {} : { generated: { behavior: 'unspecified' as const, hash } }),
  };
}

const cm = (name: string, rest: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'bns', ...meta },
    ...rest,
  }) as KubeObject;

test('merge: data and metadata unioned, incoming wins, existing name/namespace/history kept', (t) => {
  const existing = based(
    cm(
      'p-m',
      { data: { a: '1', b: '1' }, immutable: true },
      { labels: { l: 'base', lb: 'base' }, annotations: { an: 'base' } },
    ),
    true,
    'm',
  );
  const incoming = makeConfigMap(
    {
      name: 'm',
      behavior: 'merge',
      literals: ['b=2', 'c=2'],
      options: { labels: { l: 'over' }, annotations: { ao: 'over' }, disableNameSuffixHash: true },
    },
    undefined,
    none,
    O,
  );
  const r = mergeGenerated(existing, incoming, O);
  t.deepEqual(r.obj, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'p-m',
      namespace: 'bns',
      labels: { l: 'over', lb: 'base' },
      annotations: { an: 'base', ao: 'over' },
    },
    data: { a: '1', b: '2', c: '2' },
  });
  t.deepEqual(r.previous, existing.previous);
  t.deepEqual(r.prefixes, ['p-']);
  t.is(r.source, O);
  t.deepEqual(r.generated, { behavior: 'merge', hash: false });
  t.not(r.previous, existing.previous); // copied, not shared
});

test('merge: binaryData unioned separately from data', (t) => {
  const existing = based(cm('p-bin', { binaryData: { 'b1.bin': '//4x' }, data: { t: 'base' } }), true, 'bin');
  const loader = fakeLoader({ 'b2.bin': Buffer.from([0xff, 0xfe, 0x32]), 't.txt': 'hello' }, 'over');
  const incoming = makeConfigMap(
    { name: 'bin', behavior: 'merge', files: ['b2.bin', 't.txt'] },
    undefined,
    loader,
    O,
  );
  const r = mergeGenerated(existing, incoming, O);
  t.deepEqual(r.obj.binaryData, { 'b1.bin': '//4x', 'b2.bin': '//4y' });
  t.deepEqual(r.obj.data, { t: 'base', 't.txt': 'hello' });
  t.true(r.generated?.hash);
  t.is(contentHashSuffix(r.obj), '26t58tchtk');
});

test('merge into a plain ConfigMap: no hash, immutable lost, scalars become text', (t) => {
  const existing = based(
    cm('p-plain', { data: { old: '1', b: true, z: null }, immutable: true }, { labels: { pl: 'base' } }),
    undefined,
    'plain',
  );
  const incoming = makeConfigMap({ name: 'plain', behavior: 'merge', literals: ['k=v'] }, undefined, none, O);
  const r = mergeGenerated(existing, incoming, O);
  t.deepEqual(r.obj, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'p-plain', namespace: 'bns', labels: { pl: 'base' } },
    data: { b: 'true', k: 'v', old: '1', z: '' },
  });
  t.false(r.generated?.hash);
});

test('replace: only metadata merged; a Secret without type becomes Opaque', (t) => {
  const existing = based(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'p-s', namespace: 'bns' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Yw==', 'tls.key': 'aw==' },
    },
    true,
    's',
  );
  const incoming = makeSecret(
    { name: 's', behavior: 'replace', literals: ['x=1'], options: { labels: { sl: 'over' } } },
    undefined,
    none,
    O,
  );
  const r = mergeGenerated(existing, incoming, O);
  t.deepEqual(r.obj, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'p-s', namespace: 'bns', labels: { sl: 'over' } },
    type: 'Opaque',
    data: { x: 'MQ==' },
  });
  t.is(contentHashSuffix(r.obj), 'bf2648c599');
});

test('merge of two empty Secrets drops data', (t) => {
  const existing = based(
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: {} },
    true,
    's',
  );
  const incoming = makeSecret({ name: 's', behavior: 'merge' }, undefined, none, O);
  const r = mergeGenerated(existing, incoming, O);
  t.false('data' in r.obj);
  t.is(contentHashSuffix(r.obj), '8226t8dd99');
});

test('the hash suffix survives only if both sides want it', (t) => {
  for (const [base, over, want] of [
    [false, false, false],
    [false, true, false],
    [true, false, false],
    [true, true, true],
  ] as const) {
    for (const behavior of ['merge', 'replace'] as const) {
      const existing = based(cm('x', { data: { a: '1' } }), base, 'x');
      const incoming = makeConfigMap(
        { name: 'x', behavior, literals: ['b=2'], options: { disableNameSuffixHash: !over } },
        undefined,
        none,
        O,
      );
      t.is(mergeGenerated(existing, incoming, O).generated?.hash, want, `${base} ${over} ${behavior}`);
    }
  }
});

test('namespace: existing one kept, absent stays absent', (t) => {
  const noNs = based(cm('b', { data: { a: '1' } }), true, 'b');
  delete noNs.obj.metadata.namespace;
  const inc = makeConfigMap({ name: 'b', namespace: 'default', behavior: 'merge' }, undefined, none, O);
  t.false('namespace' in mergeGenerated(noNs, inc, O).obj.metadata);
  const dflt = based(cm('d', { data: { a: '1' } }, { namespace: 'default' }), true, 'd');
  const rep = makeConfigMap({ name: 'd', behavior: 'replace', literals: ['m=1'] }, undefined, none, O);
  const r = mergeGenerated(dflt, rep, O);
  t.is(r.obj.metadata.namespace, 'default');
  t.is(contentHashSuffix(r.obj), 'dm6g5t4hff');
});

test('absorbGenerated: matches previous names, replaces in place, appends creates', (t) => {
  const other = based(cm('p-other', { data: {} }), true, 'other');
  const m = based(cm('p-m', { data: { a: '1' } }), true, 'm');
  const incoming = makeConfigMap({ name: 'm', behavior: 'merge', literals: ['b=2'] }, undefined, none, O);
  const list = absorbGenerated([m, other], incoming, O);
  t.is(list.length, 2);
  t.deepEqual(list[0].obj.data, { a: '1', b: '2' });
  t.is(list[0].obj.metadata.name, 'p-m');
  t.is(list[1], other);
  const created = makeConfigMap({ name: 'new', literals: ['b=2'] }, undefined, none, O);
  t.is(absorbGenerated(list, created, O)[2], created);
});

test('absorbGenerated: create then merge in one kustomization', (t) => {
  const first = makeConfigMap({ name: 'x', literals: ['b=2'] }, undefined, none, O);
  const second = makeConfigMap({ name: 'x', behavior: 'merge', literals: ['c=2'] }, undefined, none, O);
  const list = absorbGenerated(absorbGenerated([], first, O), second, O);
  t.is(list.length, 1);
  t.true(list[0].generated?.hash);
  t.is(contentHashSuffix(list[0].obj), '4269dk2f7d');
});

test('absorbGenerated errors: collision, nothing to merge into, ambiguous', (t) => {
  const tt = based(cm('tt', { data: { a: '1' } }, { namespace: undefined }), true, 'tt');
  delete tt.obj.metadata.namespace;
  tt.previous = [];
  const collide = makeConfigMap({ name: 'tt', literals: ['b=2'] }, undefined, none, O);
  const e1 = t.throws(() => absorbGenerated([tt], collide, O));
  t.true(isCapstanError(e1) && e1.code === 'RENDER_GENERATOR_COLLISION', String(e1));
  t.regex(
    String(e1?.message),
    /^over\/kustomization.yaml: generated ConfigMap tt \(v1\): ConfigMap tt \(v1\) already exists/,
  );

  const nope = makeConfigMap({ name: 'nope', behavior: 'merge', literals: ['b=2'] }, undefined, none, O);
  const e2 = t.throws(() => absorbGenerated([tt], nope, O));
  t.true(isCapstanError(e2) && e2.code === 'RENDER_GENERATOR_NO_BASE', String(e2));
  t.regex(String(e2?.message), /"behavior: merge" but ConfigMap nope does not exist/);

  // a Secret of the same name is a different id
  const secret = makeSecret({ name: 'tt', behavior: 'replace' }, undefined, none, O);
  t.throws(() => absorbGenerated([tt], secret, O), { message: /Secret tt does not exist/ });

  const a = based(cm('x', {}, { namespace: 'n1' }), true, 'x');
  const b = based(cm('x', {}, { namespace: 'n2' }), true, 'x');
  a.previous = [{ kind: 'ConfigMap', name: 'x', namespace: 'default' }];
  b.previous = [{ kind: 'ConfigMap', name: 'x', namespace: 'default' }];
  const amb = makeConfigMap({ name: 'x', behavior: 'merge' }, undefined, none, O);
  const e3 = t.throws(() => absorbGenerated([a, b], amb, O));
  t.true(isCapstanError(e3) && e3.code === 'RENDER_GENERATOR_AMBIGUOUS', String(e3));
});
