/** Env files, with expected data and hashes taken from `kubectl kustomize` (v5.5.0). */
import test from 'ava';
import { contentHashSuffix, makeConfigMap } from '../../../src/render/kustomize/generators/index.js';
import { parseEnvFile } from '../../../src/render/kustomize/generators/env-file.js';
import { isCapstanError } from '../../../src/core/index.js';
import { fakeLoader } from './fake-loader.js';

const K = 'app/kustomization.yaml';

function fromEnv(content: string | Buffer) {
  return makeConfigMap({ name: 'c', envs: ['a.env'] }, undefined, fakeLoader({ 'a.env': content }), K);
}

test('BOM, CRLF, comments, blank lines, leading space trimmed, trailing kept, quotes kept, bare key', (t) => {
  const r = fromEnv(
    '\ufeffA=1\r\n# comment\n\n   B=two words  \nC="quoted"\nD\nE=x=y\n  F=leading\n\tG=tab\nH=\n',
  );
  t.deepEqual(r.obj.data, {
    A: '1',
    B: 'two words  ',
    C: '"quoted"',
    D: '',
    E: 'x=y',
    F: 'leading',
    G: 'tab',
    H: '',
  });
  t.is(contentHashSuffix(r.obj), 'fghfb6t748');
});

test('empty keys skipped, one \\r dropped, spaces around "=" kept', (t) => {
  const r = fromEnv('A=1\n=value\n   \n  # c\nB =2\nC\r\r\nD= x\n');
  t.deepEqual(r.obj.data, { A: '1', 'B ': '2', 'C\r': '', D: ' x' });
  t.is(contentHashSuffix(r.obj), 'mtcffd446h');
});

test('no key validation: "export B" and "1BAD" are keys', (t) => {
  t.deepEqual(fromEnv('A=1\nexport B=2\n').obj.data, { A: '1', 'export B': '2' });
  t.is(contentHashSuffix(fromEnv('A=1\nexport B=2\n').obj), 'd7gb5m666b');
  t.is(contentHashSuffix(fromEnv('A=1\n1BAD=2\n').obj), '5m29tm49g7');
});

test('a line of 64 KiB or more silently ends the file (bufio.Scanner ErrTooLong)', (t) => {
  const fits = 'L=' + 'x'.repeat(65533); // 65535 bytes
  const tooLong = 'L=' + 'x'.repeat(65534); // 65536 bytes
  t.deepEqual(Object.keys(fromEnv(`${fits}\nZ=9\n`).obj.data ?? {}), ['L', 'Z']);
  t.false('data' in fromEnv(`${tooLong}\nZ=9\n`).obj);
  t.false('data' in fromEnv(tooLong).obj);
  t.deepEqual(parseEnvFile(Buffer.from(fits)).length, 1);
  const r = fromEnv('A=1\nL=' + 'x'.repeat(70000) + '\nZ=9\n');
  t.deepEqual(r.obj.data, { A: '1' });
  t.is(contentHashSuffix(r.obj), '89g4tffbfk');
});

test('a non-UTF-8 line is an error naming file and line', (t) => {
  const e = t.throws(() => fromEnv(Buffer.from([0x41, 0x3d, 0x31, 0x0a, 0x23, 0xff, 0x0a])));
  t.true(isCapstanError(e));
  if (!isCapstanError(e)) return;
  t.is(e.code, 'RENDER_GENERATOR_ENV_INVALID');
  t.is(e.message, `${K}: configMapGenerator "c": env file app/a.env: line 2 is not valid UTF-8`);
  t.like(e.data, { file: 'app/a.env', line: 2 });
});

test('legacy env comes after envs', (t) => {
  const loader = fakeLoader({ 'a.env': 'A=1\n', 'b.env': 'B=2\n' });
  const r = makeConfigMap({ name: 'c', env: 'b.env', envs: ['a.env'] }, undefined, loader, K);
  t.deepEqual(r.obj.data, { A: '1', B: '2' });
});
