/**
 * The kustomize root restriction (kustomize's LoadRestrictionsRootOnly, plus Flux's rule that
 * bases stay inside the repository), exercised through `render(dir, { repoRoot })` on small
 * trees built in temp directories.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError } from '../../src/core/index.js';
import { render } from '../../src/render/index.js';
import { kustomize } from '../../src/render/kustomize/build.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const kustomization = (body: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const component = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;

/** A temp dir (its real path) holding `files` (path → content); removed after the test. */
function tree(t: { teardown: (fn: () => void) => void }, files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-loader-')));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const names = (dir: string, repoRoot: string) =>
  render(dir, { repoRoot }).objects.map((o) => `${o.kind}/${o.metadata.name}`);

test('a resource ../x.yaml is outside the kustomization root', (t) => {
  const repo = tree(t, {
    'x.yaml': cm('outside'),
    'app/kustomization.yaml': kustomization('resources:\n- ../x.yaml\n'),
  });
  const err = t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), {
    instanceOf: CapstanError,
    code: 'RENDER_FILE_OUTSIDE_ROOT',
  });
  t.regex(err.message, /x\.yaml/);
});

test('a path that dips into a sub-directory and climbs out is still outside', (t) => {
  const repo = tree(t, {
    'x.yaml': cm('outside'),
    'app/sub/.keep': '',
    'app/kustomization.yaml': kustomization('resources:\n- sub/../../x.yaml\n'),
  });
  t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

test('a symlink inside the kustomization dir to a file outside is refused, saying symlink', (t) => {
  const repo = tree(t, {
    'secret.yaml': cm('outside'),
    'app/kustomization.yaml': kustomization('resources:\n- link.yaml\n'),
  });
  fs.symlinkSync('../secret.yaml', path.join(repo, 'app', 'link.yaml'));
  const err = t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), {
    instanceOf: CapstanError,
    code: 'RENDER_FILE_OUTSIDE_ROOT',
  });
  t.regex(err.message, /symlink/);
  t.regex(err.message, /link\.yaml/);
});

test('an absolute symlink to a file in another temp dir is refused', (t) => {
  const elsewhere = tree(t, { 'secret.yaml': cm('elsewhere') });
  const repo = tree(t, { 'kustomization.yaml': kustomization('resources:\n- link.yaml\n') });
  fs.symlinkSync(path.join(elsewhere, 'secret.yaml'), path.join(repo, 'link.yaml'));
  t.throws(() => render(repo, { repoRoot: repo }), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

test('a symlink to a file inside the kustomization dir works', (t) => {
  const repo = tree(t, {
    'app/real/x.yaml': cm('x'),
    'app/kustomization.yaml': kustomization('resources:\n- link.yaml\n'),
  });
  fs.symlinkSync('real/x.yaml', path.join(repo, 'app', 'link.yaml'));
  t.deepEqual(names(path.join(repo, 'app'), repo), ['ConfigMap/x']);
});

test('a base ../base inside the repository works; with repoRoot at the overlay it is refused', (t) => {
  const repo = tree(t, {
    'base/kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'base/x.yaml': cm('x'),
    'overlay/kustomization.yaml': kustomization('namePrefix: p-\nresources:\n- ../base\n'),
  });
  const overlay = path.join(repo, 'overlay');
  t.deepEqual(names(overlay, repo), ['ConfigMap/p-x']);
  const err = t.throws(() => render(overlay, { repoRoot: overlay }), {
    instanceOf: CapstanError,
    code: 'RENDER_BASE_OUTSIDE_REPOSITORY',
  });
  t.regex(err.message, /\.\.\/base/);
});

test('without repoRoot the kustomization directory itself is the root', (t) => {
  const repo = tree(t, {
    'base/kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'base/x.yaml': cm('x'),
    'overlay/kustomization.yaml': kustomization('resources:\n- ../base\n'),
  });
  t.throws(() => render(path.join(repo, 'overlay')), { code: 'RENDER_BASE_OUTSIDE_REPOSITORY' });
});

test('a symlinked base directory is judged by where it really is', (t) => {
  const repo = tree(t, {
    'base/kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'base/x.yaml': cm('x'),
    'overlay/kustomization.yaml': kustomization('resources:\n- linked-base\n'),
  });
  fs.symlinkSync('../base', path.join(repo, 'overlay', 'linked-base'));
  const overlay = path.join(repo, 'overlay');
  t.deepEqual(names(overlay, repo), ['ConfigMap/x']);
  t.throws(() => render(overlay, { repoRoot: overlay }), { code: 'RENDER_BASE_OUTSIDE_REPOSITORY' });
});

test('a component outside the repository is refused', (t) => {
  const repo = tree(t, {
    'comp/kustomization.yaml': component('namePrefix: c-\n'),
    'app/kustomization.yaml': kustomization('resources:\n- x.yaml\ncomponents:\n- ../comp\n'),
    'app/x.yaml': cm('x'),
  });
  const app = path.join(repo, 'app');
  t.deepEqual(names(app, repo), ['ConfigMap/c-x']);
  t.throws(() => render(app, { repoRoot: app }), { code: 'RENDER_BASE_OUTSIDE_REPOSITORY' });
});

test('an absolute path resource is refused', (t) => {
  const repo = tree(t, { 'x.yaml': cm('x'), 'app/.keep': '' });
  fs.writeFileSync(
    path.join(repo, 'app', 'kustomization.yaml'),
    kustomization(`resources:\n- ${path.join(repo, 'x.yaml')}\n`),
  );
  const err = t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), {
    instanceOf: CapstanError,
    code: 'RENDER_FILE_OUTSIDE_ROOT',
  });
  t.regex(err.message, /absolute/);
});

test('an absolute path inside the kustomization dir is refused as well', (t) => {
  const repo = tree(t, { 'x.yaml': cm('x') });
  fs.writeFileSync(
    path.join(repo, 'kustomization.yaml'),
    kustomization(`resources:\n- ${path.join(repo, 'x.yaml')}\n`),
  );
  t.throws(() => render(repo, { repoRoot: repo }), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

for (const remote of [
  'https://example.com/manifests/x.yaml',
  'https://github.com/org/repo//base?ref=v1',
  'github.com/org/repo//x?ref=v1',
  'git::https://example.com/org/repo.git//x',
  'git@github.com:org/repo.git//base',
  'ssh://git@example.com/org/repo.git',
]) {
  test(`remote resource ${remote} is refused`, (t) => {
    const repo = tree(t, { 'kustomization.yaml': kustomization(`resources:\n- ${remote}\n`) });
    const err = t.throws(() => render(repo, { repoRoot: repo }), {
      instanceOf: CapstanError,
      code: 'RENDER_REMOTE_REFUSED',
    });
    t.true(err.message.includes(remote), err.message);
  });
}

test('a remote component is refused', (t) => {
  const repo = tree(t, {
    'kustomization.yaml': kustomization('components:\n- github.com/org/repo//comp?ref=v1\n'),
  });
  t.throws(() => render(repo, { repoRoot: repo }), { code: 'RENDER_REMOTE_REFUSED' });
});

test('a cycle a → b → a is RENDER_CYCLE', (t) => {
  const repo = tree(t, {
    'a/kustomization.yaml': kustomization('resources:\n- ../b\n'),
    'b/kustomization.yaml': kustomization('resources:\n- ../a\n'),
  });
  const err = t.throws(() => render(path.join(repo, 'a'), { repoRoot: repo }), {
    instanceOf: CapstanError,
    code: 'RENDER_CYCLE',
  });
  t.regex(err.message, /\.\.\/a/);
});

test('`..` as a resource is RENDER_CYCLE', (t) => {
  const repo = tree(t, {
    'x.yaml': cm('x'),
    'kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'app/kustomization.yaml': kustomization('resources:\n- ..\n'),
  });
  t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), {
    instanceOf: CapstanError,
    code: 'RENDER_CYCLE',
  });
});

test('`.` as a resource is RENDER_CYCLE', (t) => {
  const repo = tree(t, { 'kustomization.yaml': kustomization('resources:\n- .\n') });
  t.throws(() => render(repo, { repoRoot: repo }), { code: 'RENDER_CYCLE' });
});

test('a component leading back to its parent is RENDER_CYCLE', (t) => {
  const repo = tree(t, {
    'app/kustomization.yaml': kustomization('components:\n- ../comp\n'),
    'comp/kustomization.yaml': component('resources:\n- ../app\n'),
  });
  t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), { code: 'RENDER_CYCLE' });
});

test('a diamond (two overlays of one base) is not a cycle', (t) => {
  const repo = tree(t, {
    'base/kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'base/x.yaml': cm('x'),
    'left/kustomization.yaml': kustomization('namePrefix: l-\nresources:\n- ../base\n'),
    'right/kustomization.yaml': kustomization('namePrefix: r-\nresources:\n- ../base\n'),
    'top/kustomization.yaml': kustomization('resources:\n- ../left\n- ../right\n'),
  });
  t.deepEqual(names(path.join(repo, 'top'), repo), ['ConfigMap/l-x', 'ConfigMap/r-x']);
});

test('two kustomization files in one directory are RENDER_KUSTOMIZATION_AMBIGUOUS', (t) => {
  const repo = tree(t, {
    'kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'kustomization.yml': kustomization('resources:\n- x.yaml\n'),
    'x.yaml': cm('x'),
  });
  const err = t.throws(() => render(repo, { repoRoot: repo }), {
    instanceOf: CapstanError,
    code: 'RENDER_KUSTOMIZATION_AMBIGUOUS',
  });
  t.regex(err.message, /kustomization\.yaml/);
  t.regex(err.message, /kustomization\.yml/);
});

test('two kustomization files in a base are ambiguous too', (t) => {
  const repo = tree(t, {
    'base/kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'base/Kustomization': kustomization('resources:\n- x.yaml\n'),
    'base/x.yaml': cm('x'),
    'app/kustomization.yaml': kustomization('resources:\n- ../base\n'),
  });
  t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), {
    code: 'RENDER_KUSTOMIZATION_AMBIGUOUS',
  });
});

const SECRET = 'TOPSECRET-d41d8cd98f00';

for (const [label, generator] of [
  ['files', 'configMapGenerator:\n- name: c\n  files:\n  - ../secret.txt\n'],
  ['files with a key', 'configMapGenerator:\n- name: c\n  files:\n  - key=../secret.txt\n'],
  ['envs', 'configMapGenerator:\n- name: c\n  envs:\n  - ../secret.txt\n'],
  ['a Secret generator', 'secretGenerator:\n- name: s\n  files:\n  - ../secret.txt\n'],
] as const) {
  test(`a generator reading ${label} from ../secret.txt fails as a whole, leaking nothing`, (t) => {
    const repo = tree(t, {
      'secret.txt': `PASSWORD=${SECRET}\n`,
      'app/x.yaml': cm('x'),
      'app/kustomization.yaml': kustomization(`resources:\n- x.yaml\n${generator}`),
    });
    let result: unknown;
    const err = t.throws(
      () => {
        result = render(path.join(repo, 'app'), { repoRoot: repo });
      },
      { instanceOf: CapstanError, code: 'RENDER_FILE_OUTSIDE_ROOT' },
    );
    t.is(result, undefined);
    t.false(err.message.includes(SECRET));
    t.false(JSON.stringify(err.data).includes(SECRET));
  });
}

test('a generator reading a symlink to a file outside fails the same way', (t) => {
  const repo = tree(t, {
    'secret.txt': SECRET,
    'app/kustomization.yaml': kustomization('configMapGenerator:\n- name: c\n  files:\n  - s.txt\n'),
  });
  fs.symlinkSync('../secret.txt', path.join(repo, 'app', 's.txt'));
  const err = t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), {
    code: 'RENDER_FILE_OUTSIDE_ROOT',
  });
  t.regex(err.message, /symlink/);
  t.false(err.message.includes(SECRET));
});

test('a patch file outside the root is refused', (t) => {
  const repo = tree(t, {
    'patch.yaml': cm('x'),
    'app/x.yaml': cm('x'),
    'app/kustomization.yaml': kustomization('resources:\n- x.yaml\npatches:\n- path: ../patch.yaml\n'),
  });
  t.throws(() => render(path.join(repo, 'app'), { repoRoot: repo }), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

test('a base reads files below itself, not its overlay’s', (t) => {
  // the base's own root is base/: a base cannot reach into a sibling through ../
  const repo = tree(t, {
    'shared.yaml': cm('shared'),
    'base/kustomization.yaml': kustomization('resources:\n- ../shared.yaml\n'),
    'kustomization.yaml': kustomization('resources:\n- base\n'),
  });
  t.throws(() => render(repo, { repoRoot: repo }), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

test('a missing resource is RENDER_FILE_NOT_FOUND naming it', (t) => {
  const repo = tree(t, { 'kustomization.yaml': kustomization('resources:\n- nope.yaml\n') });
  const err = t.throws(() => render(repo, { repoRoot: repo }), { code: 'RENDER_FILE_NOT_FOUND' });
  t.regex(err.message, /nope\.yaml/);
});

test('a kustomization outside repoRoot is refused', (t) => {
  const repo = tree(t, {
    'app/kustomization.yaml': kustomization('resources:\n- x.yaml\n'),
    'app/x.yaml': cm('x'),
  });
  const other = tree(t, {});
  t.throws(() => render(path.join(repo, 'app'), { repoRoot: other }), { code: 'RENDER_FILE_OUTSIDE_ROOT' });
});

test('messages name a file relative to the display root, from below it, at it and from above it', (t) => {
  const repo = tree(t, {
    'base/kustomization.yaml': kustomization('resources:\n- ok.yaml\n- sub/bad.yaml\n'),
    'base/ok.yaml': cm('ok'),
    'base/sub/bad.yaml': 'kind: ConfigMap\nmetadata: {}\n',
    'overlays/prod/kustomization.yaml': kustomization('resources:\n- ../../base\n'),
  });
  const messageFrom = (displayRoot: string) =>
    t.throws(() => render(path.join(repo, 'overlays/prod'), { repoRoot: repo, displayRoot }))!.message;
  t.is(messageFrom(repo), 'base/sub/bad.yaml: ConfigMap has no metadata.name');
  t.is(messageFrom(path.join(repo, 'base')), 'sub/bad.yaml: ConfigMap has no metadata.name');
  t.is(messageFrom(path.join(repo, 'base/sub')), 'bad.yaml: ConfigMap has no metadata.name');
  t.is(
    messageFrom(path.join(repo, 'overlays/prod')),
    '../../base/sub/bad.yaml: ConfigMap has no metadata.name',
  );
});

test('a resource file past maxFileBytes, or a build past maxTotalBytes, is refused naming the file', (t) => {
  const repo = tree(t, {
    'app/kustomization.yaml': kustomization('resources:\n- a.yaml\n- sub/b.yaml\n'),
    'app/a.yaml': `${cm('a')}data:\n  big: ${'x'.repeat(500)}\n`,
    'app/sub/b.yaml': cm('b'),
  });
  const size = fs.statSync(path.join(repo, 'app/a.yaml')).size;
  const app = path.join(repo, 'app');
  const big = t.throws(() => kustomize(app, { repoRoot: repo, maxFileBytes: size - 1 }))!;
  t.is((big as CapstanError).code, 'RENDER_LIMIT_EXCEEDED');
  t.regex(
    big.message,
    new RegExp(`^app/a\\.yaml: file is ${size} bytes, more than the limit of ${size - 1}$`),
  );
  const total = t.throws(() => kustomize(app, { repoRoot: repo, maxTotalBytes: size + 100 }))!;
  t.regex(total.message, /^app\/sub\/b\.yaml: the build has read more than \d+ bytes in all$/);
  t.deepEqual(
    kustomize(app, { repoRoot: repo, maxFileBytes: size }).map((o) => o.metadata.name),
    ['a', 'b'],
  );
});

test('a resource that is a symlink to a file in the root is read; to a directory, it is a base', (t) => {
  const repo = tree(t, {
    'app/kustomization.yaml': kustomization('resources:\n- link.yaml\n- base-link\n'),
    'app/real.yaml': cm('via-link'),
    'base/kustomization.yaml': kustomization('resources:\n- cm.yaml\n'),
    'base/cm.yaml': cm('from-base'),
  });
  fs.symlinkSync('real.yaml', path.join(repo, 'app/link.yaml'));
  fs.symlinkSync('../base', path.join(repo, 'app/base-link'));
  t.deepEqual(names(path.join(repo, 'app'), repo), ['ConfigMap/from-base', 'ConfigMap/via-link']);
});
