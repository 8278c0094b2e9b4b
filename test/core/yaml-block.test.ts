/**
 * The block-style fast path of the YAML reader (src/core/yaml-block.ts) either gives up or
 * reads a text exactly as js-yaml with the same schema does: same values, same types, same
 * key order. Checked on every YAML file of the repository, on the renderer benchmark's
 * manifests, on seeded random texts, and construct by construct.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';
import { parseBlockYaml } from '../../src/core/yaml-block.js';
import { loadSchema } from '../../src/core/yaml-schema.js';
import { yamlCorpus } from '../helpers/yaml-corpus.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** js-yaml's reading (empty documents left out, as parseYamlDocuments leaves them), or its error. */
function reference(text: string): unknown[] | Error {
  try {
    return jsYaml
      .loadAll(text, undefined, { schema: loadSchema })
      .filter((d) => d !== null && d !== undefined);
  } catch (e) {
    return e as Error;
  }
}

type Verdict = 'same' | 'gave up' | 'differs';

function compare(text: string): Verdict {
  const fast = parseBlockYaml(text);
  if (fast === undefined) return 'gave up';
  const ref = reference(text);
  if (ref instanceof Error) return 'differs';
  // JSON text compares key order and types (a number is not its string) as well as values
  return JSON.stringify(fast) === JSON.stringify(ref) ? 'same' : 'differs';
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

test('every YAML file of the repository reads as js-yaml reads it, and most take the fast path', (t) => {
  const files = [
    ...yamlFiles(path.join(projectRoot, 'manifests')),
    ...yamlFiles(path.join(projectRoot, 'test')),
  ];
  t.true(files.length > 300);
  const differs: string[] = [];
  let same = 0;
  let valid = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const verdict = compare(text);
    if (verdict === 'differs') differs.push(path.relative(projectRoot, file));
    if (verdict === 'same') same++;
    if (!(reference(text) instanceof Error)) valid++;
  }
  t.deepEqual(differs, []);
  t.true(same / valid > 0.9, `the fast path read ${same} of ${valid} valid files`);
});

test("the renderer benchmark's manifests all take the fast path", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-yaml-block-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'bench/render/generate.mjs'), dir, '90'], {
    encoding: 'utf8',
  });
  t.is(run.status, 0, run.stderr);
  const files = yamlFiles(dir);
  t.true(files.length > 90);
  t.deepEqual(
    files.filter((f) => compare(fs.readFileSync(f, 'utf8')) !== 'same').map((f) => path.relative(dir, f)),
    [],
  );
});

test('seeded random texts: the fast path never reads one differently, and reads many', (t) => {
  let same = 0;
  const differs: string[] = [];
  for (const seed of [1, 2, 3]) {
    for (const text of yamlCorpus(seed, 2500)) {
      const verdict = compare(text);
      if (verdict === 'same') same++;
      else if (verdict === 'differs' && differs.length < 3) differs.push(text);
    }
  }
  t.deepEqual(differs, []);
  t.true(same > 2000, `${same} of 7500 read by the fast path`);
});

/** Texts the fast path must read, each as js-yaml does. */
const READ: Record<string, string> = {
  'a manifest':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {app: web}\ndata:\n  a: "1"\n',
  'documents and markers': '---\na: 1\n---\n# only a comment\n---\nb: 2\n',
  'a sequence at its key’s indentation': 'containers:\n- name: a\n  image: x\n- name: b\n',
  'an indented sequence and compact mappings': 'list:\n  - a: 1\n    b: 2\n  -   c: 3\n  - - nested\n',
  'comments everywhere': '# head\na: 1 # trailing\n\n  # indented\nb:   # after a key\n  c: 2\n',
  'empty values': 'a:\nb: ~\nc:\n  # nothing\nd: []\ne: {}\n',
  'quoted scalars and keys': `"k 1": "a\\tb \\u00e9 \\x41"\n'k2': 'it''s'\nk3: "a: b # c"\n`,
  'flow collections of scalars': 'args: ["--listen=:8080", --v=2, 3]\nsel: {app: web, tier: "1"}\n',
  'literal block scalars': 'a: |\n  one\n\n  two\nb: |-\n  x\nc: |+\n  y\n\nd: 1\n',
  'folded block scalars': 'a: >\n  one\n  two\n\n  three\nb: >-\n  x\n  y\n',
  'a block scalar in a sequence and a comment after it': 'l:\n- |\n  text\n# next\n- x\n',
  'plain scalars of every type':
    'a: 0644\nb: 0x1F\nc: 1_000\nd: 1e3\ne: .5\nf: 2001-12-14\ng: yes\nh: Null\ni: 12:30\nj: http://x:80/a\nk: -x\nl: a#b\n',
  'keys that resolve to other types': '1: a\ntrue: b\n~: c\n0x10: d\n',
  'no final line break': 'a: 1\nb: [x]',
  'CRLF-free unicode': 'name: é 日本\n',
};

/** Texts the fast path must leave to js-yaml. */
const LEFT: Record<string, string> = {
  anchors: 'a: &x 1\nb: *x\n',
  tags: 'a: !!str 1\n',
  'merge keys': 'base: {a: 1}\nx:\n  <<: {a: 2}\n',
  'multi-line plain scalar': 'a: one\n  two\n',
  'multi-line quoted scalar': 'a: "one\n  two"\n',
  tabs: 'a:\t1\n',
  'carriage returns': 'a: 1\r\nb: 2\r\n',
  'duplicate keys (an error)': 'a: 1\na: 2\n',
  'a directive': '%YAML 1.2\n---\na: 1\n',
  'a document end marker': 'a: 1\n...\n',
  'an indentation indicator': 'a: |2\n   x\n',
  'a complex key': '? a\n: b\n',
  'a nested flow collection': 'a: [[1, 2]]\n',
  'a value with ": " (an error)': 'a: b: c\n',
  'a JSON document': '{"a": 1}\n',
  __proto__: '__proto__: 1\n',
  'a bad indentation (an error)': 'a:\n  b: 1\n c: 2\n',
};

for (const [name, text] of Object.entries(READ)) {
  test(`read: ${name}`, (t) => {
    t.not(parseBlockYaml(text), undefined, 'the fast path reads it');
    t.is(compare(text), 'same');
  });
}

for (const [name, text] of Object.entries(LEFT)) {
  test(`left to js-yaml: ${name}`, (t) => {
    t.is(parseBlockYaml(text), undefined);
  });
}
