/**
 * Plain manifest directories (no kustomization file), read like Argo CD's directory sources:
 * `*.yaml`, `*.yml`, `*.json` in path order, sub-directories only with `recursive`.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError } from '../../src/core/index.js';
import { render } from '../../src/render/index.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

/** A temp dir holding `files` (path → content); removed after the test. */
function tree(t: { teardown: (fn: () => void) => void }, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-directory-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const names = (dir: string, options = {}) => render(dir, options).objects.map((o) => o.metadata.name);

test('renders *.yaml, *.yml and *.json in sorted path order, ignoring other files', (t) => {
  const dir = tree(t, {
    'c.yaml': cm('c'),
    'a.yml': cm('a'),
    'b.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }),
    'README.md': '# not a manifest\n',
    'notes.txt': cm('txt'),
    'd.yaml.bak': cm('bak'),
    'script.sh': 'echo hi\n',
  });
  const result = render(dir);
  t.is(result.mode, 'directory');
  t.deepEqual(
    result.objects.map((o) => o.metadata.name),
    ['a', 'b', 'c'],
  );
  t.deepEqual(result.objects[1], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
});

test('order is by file name, not by creation order or object name', (t) => {
  const dir = tree(t, { '10-z.yaml': cm('first'), '20-a.yaml': cm('second'), '02-m.yaml': cm('zero') });
  t.deepEqual(names(dir), ['zero', 'first', 'second']);
});

test('dot-files and dot-directories are ignored', (t) => {
  const dir = tree(t, {
    '.hidden.yaml': cm('hidden'),
    '.git/config.yaml': cm('git'),
    '.github/workflow.yml': cm('github'),
    'visible.yaml': cm('visible'),
  });
  t.deepEqual(names(dir), ['visible']);
  t.deepEqual(names(dir, { recursive: true }), ['visible']);
});

test('sub-directories are read only with recursive: true, in path order', (t) => {
  const dir = tree(t, {
    'a.yaml': cm('a'),
    'b/one.yaml': cm('b-one'),
    'b/deeper/two.yaml': cm('b-deeper-two'),
    'b/three.yaml': cm('b-three'),
    'c.yaml': cm('c'),
  });
  t.deepEqual(names(dir), ['a', 'c']);
  t.deepEqual(names(dir, { recursive: true }), ['a', 'b-deeper-two', 'b-one', 'b-three', 'c']);
});

test('a directory holding only sub-directories has nothing to render unless recursive', (t) => {
  const dir = tree(t, { 'sub/x.yaml': cm('x') });
  const err = t.throws(() => render(dir), { instanceOf: CapstanError, code: 'RENDER_NOTHING_TO_RENDER' });
  t.regex(err.message, /--recursive/);
  t.deepEqual(names(dir, { recursive: true }), ['x']);
});

test('multi-document files expand to one object per document, empty documents skipped', (t) => {
  const dir = tree(t, {
    'all.yaml': `---\n${cm('one')}---\n---\n${cm('two')}---\n# just a comment\n---\n${cm('three')}`,
    'b.yaml': cm('four'),
  });
  t.deepEqual(names(dir), ['one', 'two', 'three', 'four']);
});

test('List kinds expand to their items, after the file’s other documents', (t) => {
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'item-1' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'item-2' } },
    ],
  };
  const cmList = {
    apiVersion: 'v1',
    kind: 'ConfigMapList',
    items: [{ ...list.items[0], metadata: { name: 'x' } }],
  };
  const dir = tree(t, {
    'a.yaml': `${JSON.stringify(list)}\n---\n${cm('plain')}`,
    'b.json': JSON.stringify(cmList),
  });
  const objects = render(dir).objects;
  t.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata.name}`),
    ['ConfigMap/plain', 'ConfigMap/item-1', 'Service/item-2', 'ConfigMap/x'],
  );
  t.false(objects.some((o) => o.kind.endsWith('List')));
});

test('values follow kustomize semantics (0644 is 420, yes stays a string)', (t) => {
  const dir = tree(t, {
    'x.yaml': 'apiVersion: x.io/v1\nkind: Foo\nmetadata:\n  name: x\nspec:\n  mode: 0644\n  flag: yes\n',
  });
  t.deepEqual(render(dir).objects[0]!.spec, { mode: 420, flag: 'yes' });
});

test('an empty directory fails with RENDER_NOTHING_TO_RENDER', (t) => {
  const dir = tree(t, {});
  t.throws(() => render(dir), { instanceOf: CapstanError, code: 'RENDER_NOTHING_TO_RENDER' });
  t.throws(() => render(dir, { recursive: true }), { code: 'RENDER_NOTHING_TO_RENDER' });
});

test('a directory with only a README fails with RENDER_NOTHING_TO_RENDER', (t) => {
  const dir = tree(t, { 'README.md': '# hi\n', '.hidden.yaml': cm('hidden') });
  t.throws(() => render(dir), { instanceOf: CapstanError, code: 'RENDER_NOTHING_TO_RENDER' });
});

test('a manifest without metadata.name is RENDER_INVALID_OBJECT naming the file', (t) => {
  const dir = tree(t, { 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' });
  const err = t.throws(() => render(dir), { instanceOf: CapstanError, code: 'RENDER_INVALID_OBJECT' });
  t.regex(err.message, /bad\.yaml/);
});

test('invalid YAML is YAML_INVALID naming the file and line', (t) => {
  const dir = tree(t, { 'ok.yaml': cm('ok'), 'broken.yaml': 'a: 1\nb: c: d\n' });
  const err = t.throws(() => render(dir), { instanceOf: CapstanError, code: 'YAML_INVALID' });
  t.regex(err.message, /broken\.yaml, line 2/);
});

test('a symlink to a file outside the directory fails with RENDER_FILE_OUTSIDE_ROOT', (t) => {
  const outside = tree(t, { 'secret.yaml': cm('outside-secret') });
  const dir = tree(t, { 'a.yaml': cm('a') });
  fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'link.yaml'));
  const err = t.throws(() => render(dir), { instanceOf: CapstanError, code: 'RENDER_FILE_OUTSIDE_ROOT' });
  t.regex(err.message, /link\.yaml/);
  t.false(err.message.includes('outside-secret'));
});

test('a symlinked directory pointing outside fails too, when recursing', (t) => {
  const outside = tree(t, { 'secret.yaml': cm('outside-secret') });
  const dir = tree(t, { 'a.yaml': cm('a') });
  fs.symlinkSync(outside, path.join(dir, 'sub'));
  t.throws(() => render(dir, { recursive: true }), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

test('a relative symlink going up and out is refused', (t) => {
  const parent = tree(t, { 'secret.yaml': cm('outside-secret'), 'app/a.yaml': cm('a') });
  fs.symlinkSync('../secret.yaml', path.join(parent, 'app', 'link.yaml'));
  t.throws(() => render(path.join(parent, 'app')), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

test('a symlink to a file inside the directory is read', (t) => {
  const dir = tree(t, { 'real/x.yaml': cm('x'), 'a.yaml': cm('a') });
  fs.symlinkSync('real/x.yaml', path.join(dir, 'b.yaml'));
  t.deepEqual(names(dir), ['a', 'x']);
});

test('mode is "kustomize" when the directory has a kustomization file', (t) => {
  const dir = tree(t, {
    'kustomization.yaml': 'resources:\n- a.yaml\n',
    'a.yaml': cm('a'),
    'ignored.yaml': cm('not-listed'),
  });
  const result = render(dir);
  t.is(result.mode, 'kustomize');
  t.deepEqual(
    result.objects.map((o) => o.metadata.name),
    ['a'],
  );
});

for (const file of ['kustomization.yml', 'Kustomization']) {
  test(`mode is "kustomize" with ${file} too`, (t) => {
    const dir = tree(t, { [file]: 'resources:\n- a.yaml\n', 'a.yaml': cm('a') });
    t.is(render(dir).mode, 'kustomize');
  });
}

// Known bug: a directory symlink that points back up inside the tree (sub/loop -> ..) makes
// collect() recurse forever; the user gets "Maximum call stack size exceeded" (exit 70 in
// the CLI) instead of a CapstanError (or the loop being skipped).
test('a symlink loop while recursing is a CapstanError, not a stack overflow', (t) => {
  const dir = tree(t, { 'a.yaml': cm('a'), 'sub/b.yaml': cm('b') });
  fs.symlinkSync('..', path.join(dir, 'sub', 'loop'));
  let error: unknown;
  try {
    render(dir, { recursive: true });
  } catch (e) {
    error = e;
  }
  t.true(error === undefined || error instanceof CapstanError, String(error));
});

// Known bug: a dangling symlink named *.yaml escapes as a raw ENOENT from realpath (an
// internal error in the CLI) instead of a CapstanError naming the file.
test('a dangling symlink is a CapstanError naming it', (t) => {
  const dir = tree(t, { 'a.yaml': cm('a') });
  fs.symlinkSync('missing.yaml', path.join(dir, 'dangling.yaml'));
  const err = t.throws(() => render(dir), { instanceOf: CapstanError });
  t.regex(err.message, /dangling\.yaml/);
});

// Known bug: render() on a missing directory throws a raw ENOENT in directory mode (the CLI
// checks existence first; the kustomize path gives RENDER_FILE_NOT_FOUND).
test('render of a missing directory is RENDER_FILE_NOT_FOUND', (t) => {
  const dir = tree(t, {});
  t.throws(() => render(path.join(dir, 'missing')), {
    instanceOf: CapstanError,
    code: 'RENDER_FILE_NOT_FOUND',
  });
});
