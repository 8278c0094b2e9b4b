/**
 * Expected objects and hash suffixes come from `kubectl kustomize` (kustomize v5.5.0)
 * run on the same inputs.
 */
import test from 'ava';
import { isCapstanError } from '../../../src/core/index.js';
import {
  contentHashSuffix,
  makeConfigMap,
  makeSecret,
} from '../../../src/render/kustomize/generators/index.js';
import { fakeLoader } from './fake-loader.js';

const K = 'app/kustomization.yaml';
const none = fakeLoader({});

test('literals: split at the first "=", strip matching outer quotes only', (t) => {
  const r = makeConfigMap(
    {
      name: 'cm1',
      literals: [
        'k=v',
        'q="quoted"',
        "s='single'",
        `m="mismatch'`,
        'eq=a=b=c',
        'one="',
        'empty=',
        'nl=line1\nline2',
        'html=<a>&b',
        'uni=héllo ✓ 😀',
      ],
    },
    undefined,
    none,
    K,
  );
  t.deepEqual(r.obj, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm1' },
    data: {
      empty: '',
      eq: 'a=b=c',
      html: '<a>&b',
      k: 'v',
      m: `"mismatch'`,
      nl: 'line1\nline2',
      one: '"',
      q: 'quoted',
      s: 'single',
      uni: 'héllo ✓ 😀',
    },
  });
  t.is(contentHashSuffix(r.obj), '2hff4c2dbm');
  t.deepEqual(r.generated, { behavior: 'unspecified', hash: true });
  t.deepEqual([r.source, r.previous, r.prefixes, r.suffixes], [K, [], [], []]);
});

test('keys are not validated (kustomize v5 validator is a no-op)', (t) => {
  const r = makeConfigMap({ name: 'c', literals: ['a b=v', '..a=1', '.=1'] }, undefined, none, K);
  t.deepEqual(r.obj.data, { '.': '1', '..a': '1', 'a b': 'v' });
});

test('an empty ConfigMap has no data field and hashes data as ""', (t) => {
  const r = makeConfigMap({ name: 'empty' }, undefined, none, K);
  t.false('data' in r.obj);
  t.is(contentHashSuffix(r.obj), '6ct58987ht');
});

test('files: basename key, key=path rename, non-UTF-8 to binaryData', (t) => {
  const loader = fakeLoader({
    'file.txt': 'hello\nworld\n',
    'bin.dat': Buffer.from([0, 1, 0xff, 0xfe, 0x20, 0x62, 0x69, 0x6e, 0x61, 0x72, 0x79]),
    'sub/zeros.bin': Buffer.alloc(60),
    'ctl.txt': 'ctl\b\f\x01\ttab\u2028',
  });
  const r = makeConfigMap(
    { name: 'files', files: ['file.txt', 'renamed=file.txt', 'bin.dat', 'sub/zeros.bin', 'ctl.txt'] },
    undefined,
    loader,
    K,
  );
  t.deepEqual(r.obj.data, {
    'ctl.txt': 'ctl\b\f\x01\ttab\u2028',
    'file.txt': 'hello\nworld\n',
    renamed: 'hello\nworld\n',
    'zeros.bin': '\0'.repeat(60),
  });
  t.deepEqual(r.obj.binaryData, { 'bin.dat': 'AAH//iBiaW5hcnk=' });
  t.is(contentHashSuffix(r.obj), 'b8cddd5hfh');
});

test('long binaryData is wrapped every 70 characters, each line ending in a newline', (t) => {
  const loader = fakeLoader({ 'big.bin': Buffer.concat([Buffer.from([0xff]), Buffer.alloc(59)]) });
  const r = makeConfigMap({ name: 'c', files: ['big.bin'] }, undefined, loader, K);
  t.false('data' in r.obj);
  t.deepEqual(r.obj.binaryData, {
    'big.bin': '/w' + 'A'.repeat(68) + '\n' + 'A'.repeat(10) + '\n',
  });
  t.is(contentHashSuffix(r.obj), '789kg8925c');
});

test('secrets: base64 data, default type Opaque, data present when empty', (t) => {
  const s1 = makeSecret({ name: 's1', literals: ['k=v'] }, undefined, none, K);
  t.deepEqual(s1.obj, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's1' },
    type: 'Opaque',
    data: { k: 'dg==' },
  });
  t.is(contentHashSuffix(s1.obj), 'ftgtgc4t9f');
  const s2 = makeSecret({ name: 's2' }, undefined, none, K);
  t.deepEqual(s2.obj.data, {});
  t.is(contentHashSuffix(s2.obj), '46f8b28mk5');
});

test('secrets: long values wrapped at 70, type kept', (t) => {
  const s3 = makeSecret(
    { name: 's3', type: 'kubernetes.io/tls', literals: ['long=' + 'a'.repeat(106)] },
    undefined,
    none,
    K,
  );
  t.is(s3.obj.type, 'kubernetes.io/tls');
  t.is(
    (s3.obj.data as Record<string, string>).long,
    'YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYW\n' +
      'FhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh\n' +
      'YQ==\n',
  );
  t.is(contentHashSuffix(s3.obj), 'hdfg84tt2c');
  const loader = fakeLoader({ z51: Buffer.alloc(51), z52: Buffer.alloc(52) });
  const s = makeSecret({ name: 's', files: ['z51', 'z52'] }, undefined, loader, K);
  t.deepEqual(s.obj.data, { z51: 'A'.repeat(68), z52: 'A'.repeat(70) + '\n==\n' });
  t.is(contentHashSuffix(s.obj), '2h2hhc295h');
});

test('secret from files hashes as kubectl does', (t) => {
  const loader = fakeLoader({
    'file.txt': 'hello\nworld\n',
    'bin.dat': Buffer.from([0, 1, 0xff, 0xfe, 0x20, 0x62, 0x69, 0x6e, 0x61, 0x72, 0x79]),
    'zeros.bin': Buffer.alloc(60),
  });
  const s = makeSecret({ name: 'sfiles', files: ['file.txt', 'bin.dat', 'zeros.bin'] }, undefined, loader, K);
  t.deepEqual(s.obj.data, {
    'bin.dat': 'AAH//iBiaW5hcnk=',
    'file.txt': 'aGVsbG8Kd29ybGQK',
    'zeros.bin': 'A'.repeat(70) + '\n' + 'A'.repeat(10) + '\n',
  });
  t.is(contentHashSuffix(s.obj), 'cbc9md86k8');
});

test('options: generator labels/annotations win, booleans are ORed with generatorOptions', (t) => {
  const global = { labels: { a: 'global', b: 'global' }, annotations: { x: 'global' }, immutable: true };
  const c1 = makeConfigMap(
    {
      name: 'c1',
      literals: ['k=v'],
      options: {
        labels: { a: 'local' },
        annotations: { x: 'local', z: 'local' },
        disableNameSuffixHash: true,
        immutable: false,
      },
    },
    global,
    none,
    K,
  );
  t.deepEqual(c1.obj, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c1',
      labels: { a: 'local', b: 'global' },
      annotations: { x: 'local', z: 'local' },
    },
    data: { k: 'v' },
    immutable: true,
  });
  t.false(c1.generated?.hash);
  const c2 = makeConfigMap({ name: 'c2', literals: ['k=v'] }, global, none, K);
  t.deepEqual(c2.obj.metadata.labels, { a: 'global', b: 'global' });
  t.true(c2.generated?.hash);
  // labels and annotations do not change the hash
  t.is(contentHashSuffix(c2.obj), 'bdg947hgcc');
  const s1 = makeSecret(
    { name: 's1', literals: ['k=v'], options: { disableNameSuffixHash: false } },
    { disableNameSuffixHash: true },
    none,
    K,
  );
  t.false(s1.generated?.hash);
});

test('namespace, behavior and names are kept as written', (t) => {
  const r = makeConfigMap(
    { name: '0x1F', namespace: '010', behavior: 'merge', literals: ['a=1'] },
    undefined,
    none,
    K,
  );
  t.deepEqual(r.obj.metadata, { name: '0x1F', namespace: '010' });
  t.is(r.generated?.behavior, 'merge');
  t.is(contentHashSuffix(r.obj), 'h29d89cmmt');
  const odd = makeConfigMap(
    { name: 'x', behavior: 'bogus' as 'create', literals: ['b=2'] },
    undefined,
    none,
    K,
  );
  t.is(odd.generated?.behavior, 'unspecified');
  t.is(contentHashSuffix(odd.obj), 'fmbk44khfc');
});

function codeOf(
  t: { throws: (fn: () => unknown) => unknown },
  fn: () => unknown,
): { code: string; message: string } {
  const e = t.throws(fn);
  if (!isCapstanError(e)) throw new Error('expected a CapstanError');
  return { code: e.code, message: e.message };
}

test('errors name the kustomization, generator and entry', (t) => {
  const files = fakeLoader({ 'f.txt': 'x\n', 'dup.env': 'A=1\nA=2\n' });
  const cases: Array<[() => unknown, string, string]> = [
    [() => makeConfigMap({ literals: ['a=1'] }, undefined, none, K), 'RENDER_GENERATOR_NO_NAME', 'no name'],
    [
      () => makeConfigMap({ name: 'c', literals: ['novalue'] }, undefined, none, K),
      'RENDER_GENERATOR_BAD_LITERAL',
      'literals entry "novalue"',
    ],
    [
      () => makeConfigMap({ name: 'c', literals: ['=v'] }, undefined, none, K),
      'RENDER_GENERATOR_BAD_LITERAL',
      'key is empty',
    ],
    [
      () => makeConfigMap({ name: 'c', files: ['=f.txt'] }, undefined, files, K),
      'RENDER_GENERATOR_BAD_FILE_SOURCE',
      'files entry "=f.txt"',
    ],
    [
      () => makeConfigMap({ name: 'c', files: ['k='] }, undefined, files, K),
      'RENDER_GENERATOR_BAD_FILE_SOURCE',
      'path after "=" is empty',
    ],
    [
      () => makeConfigMap({ name: 'c', files: ['a=b=f.txt'] }, undefined, files, K),
      'RENDER_GENERATOR_BAD_FILE_SOURCE',
      'contains "="',
    ],
    [
      () => makeConfigMap({ name: 'c', literals: ['a=1'], files: ['a=f.txt'] }, undefined, files, K),
      'RENDER_GENERATOR_DUPLICATE_KEY',
      'key "a" from files entry "a=f.txt" is already set by literals entry "a=1"',
    ],
    [
      () => makeSecret({ name: 's', envs: ['dup.env'] }, undefined, files, K),
      'RENDER_GENERATOR_DUPLICATE_KEY',
      'secretGenerator "s": key "A" from env file app/dup.env line 2',
    ],
    [
      () => makeConfigMap({ name: 'c', env: 'dup.env', envs: ['missing.env'] }, undefined, files, K),
      'RENDER_FILE_NOT_FOUND',
      'env file "missing.env": app/missing.env: file does not exist',
    ],
  ];
  for (const [fn, code, text] of cases) {
    const e = codeOf(t, fn);
    t.is(e.code, code);
    t.true(e.message.startsWith(K + ': '), e.message);
    t.true(e.message.includes(text), e.message);
  }
});
