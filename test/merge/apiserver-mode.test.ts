/**
 * API-server strategic merge. Expectations follow apimachinery's strategicpatch rules
 * (patch.go and its test table): no kubectl oracle applies here.
 */
import test from 'ava';
import type { JsonObject } from '../../src/core/index.js';
import { strategicMergePatch } from '../../src/merge/index.js';

const pod = { group: '', version: 'v1', kind: 'Pod' };
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' };
const apply = (original: JsonObject, patch: JsonObject, gvk = pod) =>
  strategicMergePatch(original, patch, { mode: 'apiserver', gvk }) as any;

const c = (...names: string[]) => names.map((name) => ({ name }));

const cases: [string, JsonObject, JsonObject, unknown][] = [
  [
    'patch items follow the patch order, live-only items keep their live places',
    { spec: { containers: c('a', 'b', 'd') } },
    { spec: { containers: [{ name: 'c' }, { name: 'a', image: 'x' }] } },
    { spec: { containers: [{ name: 'c' }, { name: 'a', image: 'x' }, { name: 'b' }, { name: 'd' }] } },
  ],
  [
    'primitive lists with strategy merge are unioned (finalizers)',
    { metadata: { finalizers: ['a', 'b'] } },
    { metadata: { finalizers: ['c', 'a'] } },
    { metadata: { finalizers: ['c', 'a', 'b'] } },
  ],
  [
    '$deleteFromPrimitiveList removes values',
    { metadata: { finalizers: ['a', 'b'] } },
    { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    { metadata: { finalizers: ['b'] } },
  ],
  [
    '$setElementOrder orders the merged list',
    { spec: { containers: c('a', 'b', 'd') } },
    { spec: { '$setElementOrder/containers': c('b', 'a'), containers: [{ name: 'a', image: 'x' }] } },
    { spec: { containers: [{ name: 'b' }, { name: 'a', image: 'x' }, { name: 'd' }] } },
  ],
  [
    '$patch: delete removes a list element, $patch: replace replaces the list',
    { spec: { containers: c('a', 'b'), volumes: c('v1', 'v2') } },
    {
      spec: {
        containers: [{ name: 'a', $patch: 'delete' }],
        volumes: [{ $patch: 'replace' }, { name: 'v3' }],
      },
    },
    { spec: { containers: [{ name: 'b' }], volumes: [{ name: 'v3' }] } },
  ],
  [
    '$patch on maps: replace takes the patch, delete empties it',
    { metadata: { labels: { a: '1' }, annotations: { b: '2' } } },
    { metadata: { labels: { $patch: 'replace', c: '3' }, annotations: { $patch: 'delete' } } },
    { metadata: { labels: { c: '3' }, annotations: {} } },
  ],
  [
    'null removes a field; nulls and directives vanish from new subtrees',
    { spec: { nodeName: 'n', hostname: 'h' } },
    { spec: { nodeName: null, affinity: { nodeAffinity: null, x: { $patch: 'delete' }, y: 1 } } },
    { spec: { hostname: 'h', affinity: { y: 1 } } },
  ],
  [
    'lists without a strategy are replaced (tolerations, args)',
    { spec: { tolerations: [{ key: 'a' }], containers: [{ name: 'a', args: ['x', 'y'] }] } },
    { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'a', args: ['z'] }] } },
    { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'a', args: ['z'] }] } },
  ],
  [
    'container ports merge by containerPort alone (the merge key, not the list-map keys)',
    {
      spec: {
        containers: [
          { name: 'a', ports: [{ containerPort: 80, protocol: 'TCP', name: 't' }, { containerPort: 90 }] },
        ],
      },
    },
    { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'UDP' }] }] } },
    {
      spec: {
        containers: [
          { name: 'a', ports: [{ containerPort: 80, protocol: 'UDP', name: 't' }, { containerPort: 90 }] },
        ],
      },
    },
  ],
  [
    'newer fields merge too (schedulingGates)',
    { spec: { schedulingGates: c('a') } },
    { spec: { schedulingGates: c('b') } },
    { spec: { schedulingGates: c('b', 'a') } },
  ],
];

for (const [name, original, patch, expected] of cases) {
  test(`apiserver: ${name}`, (t) => {
    const o = structuredClone(original);
    const p = structuredClone(patch);
    t.deepEqual(apply(o, p), expected);
    t.deepEqual(o, original);
    t.deepEqual(p, patch);
  });
}

test('apiserver: $retainKeys clears the other fields of the map', (t) => {
  const out = apply(
    { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    deployment,
  );
  t.deepEqual(out, { spec: { strategy: { type: 'Recreate' } } });
});

test('apiserver: a patch field missing from $retainKeys is an error', (t) => {
  const err = t.throws(() =>
    apply(
      { spec: { strategy: {} } },
      { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } },
      deployment,
    ),
  );
  t.is((err as any).code, 'MERGE_INVALID_PATCH');
});

test('apiserver: a list element without its merge key is an error', (t) => {
  const err = t.throws(() =>
    apply({ spec: { containers: c('a') } }, { spec: { containers: [{ image: 'x' }] } }),
  );
  t.is((err as any).code, 'MERGE_INVALID_PATCH');
  t.regex(err.message, /spec\.containers: .*does not contain declared merge key: name/);
});

test('apiserver: $patch: merge inside a list and unknown map directives are errors', (t) => {
  t.throws(() => apply({ spec: { containers: c('a') } }, { spec: { containers: [{ $patch: 'merge' }] } }), {
    message: /merging lists cannot yet be specified/,
  });
  t.throws(() => apply({ metadata: { labels: {} } }, { metadata: { labels: { $patch: 'merge' } } }), {
    message: /unknown patch type: merge/,
  });
});

test('apiserver: a non-map patch is rejected', (t) => {
  const err = t.throws(() => strategicMergePatch({}, [] as any, { mode: 'apiserver', gvk: pod }));
  t.is((err as any).code, 'MERGE_INVALID_PATCH');
});
