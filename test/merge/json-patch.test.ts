/** Expectations observed with `kubectl kustomize` (kustomize v5.5, evanphx/json-patch). */
import test from 'ava';
import { applyJsonPatch, parseJsonPatch } from '../../src/merge/index.js';

const doc = () => ({ data: { a: '1' }, list: ['x', 'y'] });

test('add overwrites a key, `-` appends, an index inserts (kubectl)', (t) => {
  const out = applyJsonPatch(doc(), [
    { op: 'add', path: '/data/a', value: '2' },
    { op: 'add', path: '/list/-', value: 'z' },
    { op: 'add', path: '/list/0', value: 'w' },
  ]);
  t.deepEqual(out, { data: { a: '2' }, list: ['w', 'x', 'y', 'z'] });
});

test('replace of a missing map key adds it; add without value sets null (kubectl)', (t) => {
  t.deepEqual(applyJsonPatch(doc(), [{ op: 'replace', path: '/data/zz', value: '2' }]).data, {
    a: '1',
    zz: '2',
  });
  t.deepEqual(applyJsonPatch(doc(), [{ op: 'add', path: '/data/q' }]).data, { a: '1', q: null });
});

test('copy then test succeeds; move moves', (t) => {
  const out = applyJsonPatch(doc(), [
    { op: 'copy', from: '/data/a', path: '/data/b' },
    { op: 'test', path: '/data/b', value: '1' },
    { op: 'move', from: '/list/0', path: '/data/c' },
  ]);
  t.deepEqual(out, { data: { a: '1', b: '1', c: 'x' }, list: ['y'] });
});

const failures: [string, object[], RegExp][] = [
  [
    'add to a missing parent',
    [{ op: 'add', path: '/spec/foo/bar', value: 1 }],
    /operation 0 \(add \/spec\/foo\/bar\) on ConfigMap c failed: path \/spec does not exist/,
  ],
  ['remove of a missing key', [{ op: 'remove', path: '/data/zz' }], /path \/data\/zz does not exist/],
  ['replace of a missing index', [{ op: 'replace', path: '/list/7', value: 1 }], /index 7 is out of range/],
  ['add past the end of a list', [{ op: 'add', path: '/list/5', value: 'z' }], /index 5 is out of range/],
  [
    'move from a missing key',
    [{ op: 'move', from: '/data/zz', path: '/data/b' }],
    /path \/data\/zz does not exist/,
  ],
  ['remove of `-`', [{ op: 'remove', path: '/list/-' }], /does not name an item/],
  [
    'a failing test',
    [
      { op: 'add', path: '/data/b', value: 'ok' },
      { op: 'test', path: '/data/a', value: '2' },
    ],
    /operation 1 \(test \/data\/a\) on ConfigMap c failed: test failed/,
  ],
];

for (const [name, ops, message] of failures) {
  test(`fails atomically: ${name} (an error in kubectl too)`, (t) => {
    const input = doc();
    const err = t.throws(() => applyJsonPatch(input, ops, { source: 'patch.yaml', target: 'ConfigMap c' }));
    t.is((err as any).code, 'MERGE_JSON_PATCH_FAILED');
    t.regex(err.message, message);
    t.regex(err.message, /^patch\.yaml: .* on ConfigMap c failed/);
    t.deepEqual(input, doc(), 'the input is untouched');
  });
}

test('operations are validated before anything runs', (t) => {
  t.throws(() => applyJsonPatch(doc(), [{ op: 'bogus', path: '/a' }]), {
    code: 'MERGE_INVALID_PATCH',
    message: /unknown op "bogus"/,
  });
  t.throws(() => applyJsonPatch(doc(), [{ op: 'add', value: 1 }]), {
    message: /operation 0 \(add\) has no path/,
  });
  t.throws(() => applyJsonPatch(doc(), [{ op: 'copy', path: '/a' }]), { message: /has no from/ });
  t.throws(() => applyJsonPatch(doc(), [{ op: 'add', path: 'a', value: 1 }]), {
    message: /must start with \//,
  });
});

test('parseJsonPatch reads YAML and JSON lists', (t) => {
  t.deepEqual(parseJsonPatch('- op: remove\n  path: /a\n', 'p.yaml'), [{ op: 'remove', path: '/a' }]);
  t.deepEqual(parseJsonPatch('[{"op":"add","path":"/a","value":1}]', 'p.json'), [
    { op: 'add', path: '/a', value: 1 },
  ]);
  t.throws(() => parseJsonPatch('op: add', 'p.yaml'), { message: /^p\.yaml: a JSON patch must be a list/ });
  t.throws(() => parseJsonPatch('[', 'p.yaml'), { message: /^p\.yaml: cannot parse the JSON patch/ });
});
