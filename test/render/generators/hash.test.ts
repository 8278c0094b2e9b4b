/** Hash suffixes checked against `kubectl kustomize` (v5.5.0) output. */
import test from 'ava';
import type { KubeObject } from '../../../src/core/index.js';
import { contentHashSuffix, hashInput } from '../../../src/render/kustomize/generators/index.js';
import { compareGoStrings, goJson } from '../../../src/render/kustomize/generators/go-json.js';

const cm = (extra: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'any' }, ...extra }) as KubeObject;

test('worked example: name is always "" in the hashed text', (t) => {
  const obj = cm({ data: { k: 'v' }, metadata: { name: 'whatever', labels: { a: 'b' }, namespace: 'n' } });
  t.is(hashInput(obj), '{"data":{"k":"v"},"kind":"ConfigMap","name":""}');
  t.is(contentHashSuffix(obj), 'bdg947hgcc');
});

test('Go escaping: <>& and U+2028 as \\u00XX, \\b \\f short', (t) => {
  t.is(goJson('<a>&b\b\f\x01\u2028\u2029"\\'), '"\\u003ca\\u003e\\u0026b\\b\\f\\u0001\\u2028\\u2029\\"\\\\"');
  t.is(goJson('\ud800x'), '"\\ufffdx"');
});

test('Go key order is by code point, not UTF-16 unit', (t) => {
  const keys = ['\u{1F600}', '\uFF01', 'b', 'a', 'B'].sort(compareGoStrings);
  t.deepEqual(keys, ['B', 'a', 'b', '\uFF01', '\u{1F600}']);
  t.is(goJson({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
});

test('data after a patch, a null data field, a numeric Secret type', (t) => {
  t.is(contentHashSuffix(cm({ data: { a: '1', b: '2' } })), '7gdc49gk6d');
  // `data: null` is hashed as the scalar text "null"; a missing data as ""
  t.is(contentHashSuffix(cm({ data: null })), 'g886t7dd28');
  t.is(contentHashSuffix(cm({})), '6ct58987ht');
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: 'MQ==' },
    type: 5,
  } as unknown as KubeObject;
  t.is(contentHashSuffix(secret), '9d8t4786h7');
  const noData = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' } as KubeObject;
  t.is(hashInput(noData), '{"data":"","kind":"Secret","name":"","type":"Opaque"}');
  t.is(contentHashSuffix(noData), '8226t8dd99');
});
