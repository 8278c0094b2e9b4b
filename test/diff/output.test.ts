/** The outputs: the line diff, unified hunks, the unified YAML diff and the JSON patch. */
import test from 'ava';
import type { JsonObject, KubeObject } from '../../src/core/index.js';
import { applyJsonPatch } from '../../src/merge/index.js';
import { comparison, diffLines, hunks, jsonPatch, unifiedDiff, type Edit } from '../../src/diff/index.js';

const render = (edits: Edit[]) => edits.map((e) => `${e.op}${e.line}`).join('|');

const lineCases: [string, string[], string[], string][] = [
  ['equal', ['a', 'b'], ['a', 'b'], ' a| b'],
  ['both empty', [], [], ''],
  ['from nothing', [], ['a', 'b'], '+a|+b'],
  ['to nothing', ['a', 'b'], [], '-a|-b'],
  ['insert in the middle', ['a', 'c'], ['a', 'b', 'c'], ' a|+b| c'],
  ['delete in the middle', ['a', 'b', 'c'], ['a', 'c'], ' a|-b| c'],
  ['replace', ['a', 'b', 'c'], ['a', 'x', 'c'], ' a|-b|+x| c'],
  ['shortest script', ['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c'], ''],
];
for (const [name, a, b, expected] of lineCases) {
  test(`diffLines: ${name}`, (t) => {
    const edits = diffLines(a, b);
    // every script rebuilds both sides
    t.deepEqual(
      edits.filter((e) => e.op !== '+').map((e) => e.line),
      a,
    );
    t.deepEqual(
      edits.filter((e) => e.op !== '-').map((e) => e.line),
      b,
    );
    if (expected) t.is(render(edits), expected);
    // Myers' example (ABCABBA → CBABAC) needs 5 edits
    if (name === 'shortest script') t.is(edits.filter((e) => e.op !== ' ').length, 5);
  });
}

test('diffLines on a large rewrite stays correct (the edit search gives up, the script does not)', (t) => {
  const a = Array.from({ length: 3000 }, (_, i) => `a${i}`);
  const b = Array.from({ length: 3000 }, (_, i) => `b${i}`);
  const edits = diffLines(['same', ...a, 'end'], ['same', ...b, 'end']);
  t.is(edits.length, 6002);
  t.is(edits.filter((e) => e.op === '-').length, 3000);
});

test('hunks: line numbers, context, nearby changes merged, far ones split', (t) => {
  const a = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
  const b = a.slice();
  b[1] = 'two';
  b[4] = 'five';
  b.splice(17, 1);
  const hs = hunks(diffLines(a, b), 2);
  t.deepEqual(
    hs.map((h) => h.header),
    ['@@ -1,7 +1,7 @@', '@@ -16,5 +16,4 @@'],
  );
  t.is(render(hs[1]!.edits), ' l16| l17|-l18| l19| l20');
  t.deepEqual(
    hunks(diffLines([], ['x']), 3).map((h) => h.header),
    ['@@ -0,0 +1,1 @@'],
  );
  t.deepEqual(
    hunks(diffLines(['x'], []), 3).map((h) => h.header),
    ['@@ -1,1 +0,0 @@'],
  );
  t.deepEqual(hunks(diffLines(['x'], ['x'])), []);
});

function configMap(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'shop' },
    data,
    ...extra,
  };
}

const liveConfigMap = (data: Record<string, string>) =>
  configMap(data, {
    metadata: {
      name: 'settings',
      namespace: 'shop',
      uid: 'u',
      resourceVersion: '3',
      managedFields: [
        {
          manager: 'capstan',
          operation: 'Apply',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': Object.fromEntries(Object.keys(data).map((k) => [`f:${k}`, {}])) },
        },
      ],
    },
  });

test('unifiedDiff: readable YAML from live to desired, headed by the object, labelled live/desired', (t) => {
  const live = liveConfigMap({ a: '1', b: '2', c: '3' });
  const desired = configMap({ a: '1', b: 'two', d: '4' });
  t.is(
    unifiedDiff(desired, live),
    [
      '===== v1 ConfigMap shop/settings =====',
      '--- live',
      '+++ desired',
      '@@ -1,8 +1,8 @@',
      ' apiVersion: v1',
      ' data:',
      '   a: "1"',
      '-  b: "2"',
      '-  c: "3"',
      '+  b: two',
      '+  d: "4"',
      ' kind: ConfigMap',
      ' metadata:',
      '   name: settings',
      '',
    ].join('\n'),
  );
});

test('unifiedDiff: colours only when asked', (t) => {
  const live = liveConfigMap({ a: '1' });
  const desired = configMap({ a: '2' });
  const plain = unifiedDiff(desired, live);
  t.false(plain.includes('\x1b['));
  const coloured = unifiedDiff(desired, live, { color: true });
  t.true(coloured.includes('\x1b[31m-  a: "1"\x1b[0m'));
  t.true(coloured.includes('\x1b[32m+  a: "2"\x1b[0m'));
  t.true(coloured.includes('\x1b[36m@@ '));
  t.true(coloured.includes('\x1b[1m===== v1 ConfigMap shop/settings =====\x1b[0m'));
  const strip = (s: string) =>
    ['\x1b[0m', '\x1b[1m', '\x1b[31m', '\x1b[32m', '\x1b[36m'].reduce((x, c) => x.replaceAll(c, ''), s);
  t.is(strip(coloured), plain);
});

test('unifiedDiff: empty when in sync; a creation from nothing; a prune to nothing', (t) => {
  t.is(unifiedDiff(configMap({ a: '1' }), liveConfigMap({ a: '1' })), '');
  const created = unifiedDiff(configMap({ a: '1' }), undefined);
  t.true(
    created.startsWith(
      '===== v1 ConfigMap shop/settings =====\n--- live\n+++ desired\n@@ -0,0 +1,7 @@\n+apiVersion: v1\n',
    ),
  );
  const pruned = unifiedDiff(undefined, liveConfigMap({ a: '1' }));
  t.true(pruned.includes('@@ -1,7 +0,0 @@\n-apiVersion: v1\n'));
  t.false(pruned.includes('resourceVersion'), 'normalized');
  t.is(unifiedDiff(undefined, undefined), '');
});

test('unifiedDiff: context lines are configurable', (t) => {
  const out = unifiedDiff(configMap({ a: '2' }), liveConfigMap({ a: '1' }), { context: 0 });
  t.true(out.endsWith('@@ -3,1 +3,1 @@\n-  a: "1"\n+  a: "2"\n'));
});

test('jsonPatch: RFC 6902 operations from normalized live to what live becomes', (t) => {
  const live = liveConfigMap({ a: '1', b: '2', c: '3' });
  const desired = configMap({ a: '1', b: 'two', d: '4' });
  const ops = jsonPatch(live, desired);
  t.deepEqual(
    [...ops].sort((x, y) => x.path.localeCompare(y.path)),
    [
      { op: 'replace', path: '/data/b', value: 'two' },
      { op: 'remove', path: '/data/c' },
      { op: 'add', path: '/data/d', value: '4' },
    ],
  );
  const c = comparison(desired, live);
  t.deepEqual(applyJsonPatch(structuredClone(c.live!) as unknown as JsonObject, ops), c.predicted);
});

test('jsonPatch: [] in sync; a creation adds the root; a prune removes it', (t) => {
  t.deepEqual(jsonPatch(liveConfigMap({ a: '1' }), configMap({ a: '1' })), []);
  t.deepEqual(jsonPatch(undefined, configMap({ a: '1' })), [
    { op: 'add', path: '', value: configMap({ a: '1' }) as never },
  ]);
  t.deepEqual(jsonPatch(liveConfigMap({ a: '1' }), undefined), [{ op: 'remove', path: '' }]);
});

test('jsonPatch: list elements by index, for a keyed list too', (t) => {
  const desired: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:2',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
          ],
        },
      },
    },
  };
  const live: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'web:1', env: [{ name: 'A', value: '1' }], imagePullPolicy: 'Always' },
          ],
        },
      },
    },
  };
  t.deepEqual(jsonPatch(live, desired), [
    { op: 'add', path: '/spec/template/spec/containers/0/env/1', value: { name: 'B', value: '2' } },
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'web:2' },
  ]);
});
