import test from 'ava';
import type { JsonValue, KubeObject } from '../../../src/core/index.js';
import {
  compileFieldSpecs,
  specsFor,
  walkFieldSpecs,
  type FieldVisitor,
} from '../../../src/render/kustomize/field-spec.js';
import type { FieldSpec } from '../../../src/render/kustomize/types.js';

const pod = (spec: Record<string, JsonValue>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec,
  ...extra,
});

/** Walks and records [key, value] of each visit; sets `set` when given. */
function run(specs: FieldSpec[], obj: KubeObject, opts: { create?: boolean; set?: JsonValue } = {}) {
  const seen: Array<[string, JsonValue | undefined]> = [];
  const visit: FieldVisitor = (_c, key, value) => {
    seen.push([key, value]);
    return opts.set;
  };
  walkFieldSpecs(compileFieldSpecs(specs), obj, visit, { create: opts.create });
  return seen;
}

test('GVK match: empty parts match anything; group and version come from apiVersion', (t) => {
  const c = compileFieldSpecs([
    { path: 'a' },
    { path: 'b', kind: 'Deployment' },
    { path: 'c', group: 'apps' },
    { path: 'd', version: 'v1', kind: 'Deployment' },
    { path: 'e', group: 'extensions', kind: 'Deployment' },
  ]);
  t.deepEqual(
    specsFor(c, 'apps/v1', 'Deployment').map((s) => s.path),
    ['a', 'b', 'c', 'd'],
  );
  t.deepEqual(
    specsFor(c, 'v1', 'Pod').map((s) => s.path),
    ['a'],
  );
  t.is(specsFor(c, 'apps/v1', 'Deployment'), specsFor(c, 'apps/v1', 'Deployment'), 'cached');
});

test('lists are entered implicitly, nested lists too, null elements skipped', (t) => {
  const obj = pod({ list: [[{ m: 1 }, { m: 2 }], { m: 3 }, null, { x: 1 }] });
  t.deepEqual(run([{ path: 'spec/list/m' }], obj), [
    ['m', 1],
    ['m', 2],
    ['m', 3],
  ]);
});

test('a list at the end of the path is visited whole', (t) => {
  const role = { apiVersion: 'v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ resourceNames: ['a'] }] };
  t.deepEqual(run([{ path: 'rules/resourceNames' }], role as KubeObject), [['resourceNames', ['a']]]);
});

test('escaped slash, leading slash, trimmed and blank steps', (t) => {
  const obj = pod({ s: { 'a/b': 'x', t: 'y' } });
  t.deepEqual(run([{ path: 'spec/s/a\\/b' }], obj), [['a/b', 'x']]);
  t.deepEqual(run([{ path: '/spec/s/t' }], obj), [['t', 'y']]);
  t.deepEqual(run([{ path: 'spec/ s /t ' }], obj), [['t', 'y']]);
  t.deepEqual(run([{ path: 'spec/ /s/t' }], obj), [['t', 'y']]);
  // a trailing backslash with nothing after it stays in the key
  t.deepEqual(run([{ path: 'spec/s/a\\' }], obj), []);
});

test('missing fields stop silently without create; with create maps are made and the visitor sees undefined', (t) => {
  const obj = pod({});
  t.deepEqual(run([{ path: 'spec/a/b', create: true }], obj), []);
  t.deepEqual(obj.spec, {}, 'create off: nothing made');
  t.deepEqual(run([{ path: 'spec/a/b', create: false }], obj, { create: true }), []);
  t.deepEqual(run([{ path: 'spec/a/b', create: true }], obj, { create: true, set: 'v' }), [['b', undefined]]);
  t.deepEqual(obj.spec, { a: { b: 'v' } });
  const kept = pod({});
  run([{ path: 'spec/a/b', create: true }], kept, { create: true });
  t.deepEqual(
    kept.spec,
    { a: {} },
    'intermediate maps stay even when the visitor sets nothing (as kustomize)',
  );
});

test('null: intermediate stops (or becomes {} with create); last is visited as null (or undefined with create)', (t) => {
  t.deepEqual(run([{ path: 'spec/a/b' }], pod({ a: null })), []);
  t.deepEqual(run([{ path: 'spec/a' }], pod({ a: null })), [['a', null]]);
  const obj = pod({ a: null, c: null });
  t.deepEqual(
    run(
      [
        { path: 'spec/a/b', create: true },
        { path: 'spec/c', create: true },
      ],
      obj,
      { create: true, set: 1 },
    ),
    [
      ['b', undefined],
      ['c', undefined],
    ],
  );
  t.deepEqual(obj.spec, { a: { b: 1 }, c: 1 });
});

test('name[] never creates and turns a null into [] (kustomize shows containers: [])', (t) => {
  const obj = pod({ containers: null, missing: undefined as unknown as JsonValue });
  delete (obj.spec as Record<string, JsonValue>).missing;
  t.deepEqual(run([{ path: 'spec/containers[]/image', create: true }], obj, { create: true }), []);
  t.deepEqual(obj.spec, { containers: [] });
  t.deepEqual(run([{ path: 'spec/other[]/image', create: true }], obj, { create: true }), []);
  t.deepEqual(obj.spec, { containers: [] });
  const o2 = pod({ containers: [{ image: 'a' }] });
  t.deepEqual(run([{ path: 'spec/containers[]/image' }], o2), [['image', 'a']]);
});

test('the visitor replaces values in place', (t) => {
  const obj = pod({ containers: [{ image: 'a' }, { image: 'b' }] });
  walkFieldSpecs(
    compileFieldSpecs([{ path: 'spec/containers/image' }]),
    obj,
    (_c, _k, v) => `${String(v)}:1`,
  );
  t.deepEqual(obj.spec, { containers: [{ image: 'a:1' }, { image: 'b:1' }] });
});

test('a field reached by two specs is visited twice', (t) => {
  const obj = pod({ a: 'x' });
  t.is(run([{ path: 'spec/a' }, { path: 'spec/a', kind: 'Pod' }], obj).length, 2);
});

test('a scalar where the path goes on is an error naming field and object', (t) => {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: 'foo' } };
  const e = t.throws(() =>
    run([{ path: 'spec/selector/matchLabels', create: true }], d as KubeObject, { create: true }),
  );
  t.is((e as { code?: string }).code, 'RENDER_FIELD_SPEC_NOT_TRAVERSABLE');
  t.regex(e!.message, /spec\/selector\/matchLabels.*Deployment d.*'spec\/selector'.*"foo"/);
  // ... in list elements too
  t.throws(() => run([{ path: 'spec/l/a' }], pod({ l: ['s'] })), { message: /expected a map or a list/ });
});

test('empty, index, wildcard and element steps are errors when reached on a map', (t) => {
  const obj = pod({ s: {}, l: [{ m: {} }] });
  for (const path of [
    'spec//s',
    'spec/',
    '',
    'spec/l/0/m',
    'spec/l/-/m',
    'spec/l/-1/m',
    'spec/s/*',
    'spec/l/[a=b]/m',
    'spec/[]',
  ]) {
    const e = t.throws(() => run([{ path, kind: 'Pod' }], obj), undefined, path);
    t.is((e as { code?: string }).code, 'RENDER_FIELD_SPEC_BAD_PATH', path);
  }
  // ... but not when the walk stops before them
  t.deepEqual(run([{ path: 'spec/missing//x' }], obj), []);
});

test('keys inherited from Object.prototype are not fields', (t) => {
  t.deepEqual(run([{ path: 'spec/constructor/name' }], pod({})), []);
  t.deepEqual(run([{ path: 'spec/toString' }], pod({})), []);
});
