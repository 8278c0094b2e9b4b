/**
 * Issue 10, item 2: symlinks and `..` must not carry a render outside the repository. The
 * directory to render, every directory and every file are resolved with realpath and must
 * stay inside the repository root, for plain directories and kustomizations alike
 * (RENDER_FILE_OUTSIDE_ROOT). Each tree has a host directory outside the repository holding
 * a Secret; a refusal must not quote it.
 */
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError, type KubeObject } from '../../src/core/index.js';
import { render, type RenderOptions } from '../../src/render/index.js';

const SECRET = 'aG9zdC1wYXNzd29yZA==';
const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: host-secret\ndata:\n  password: ${SECRET}\n`;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

/** A temp dir (its real path) with `repo/` and `outside/secret.yaml`, plus `files` under repo/. */
function world(t: ExecutionContext, files: Record<string, string> = {}): { repo: string; outside: string } {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-hostile-paths-')));
  t.teardown(() => fs.rmSync(top, { recursive: true, force: true }));
  const repo = path.join(top, 'repo');
  const outside = path.join(top, 'outside');
  fs.mkdirSync(repo);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.yaml'), secret);
  fs.writeFileSync(path.join(outside, 'kustomization.yaml'), 'resources:\n- secret.yaml\n');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), content);
  }
  return { repo, outside };
}

/** Renders as the daemon does (the application reconciler's render step): source.path joined to the snapshot root. */
const renderApp = (repo: string, sourcePath: string, options: RenderOptions = {}) =>
  render(path.join(repo, sourcePath), { repoRoot: repo, displayRoot: repo, ...options });

function refused(t: ExecutionContext, run: () => unknown, code = 'RENDER_FILE_OUTSIDE_ROOT'): CapstanError {
  const err = t.throws(run, { instanceOf: CapstanError, code });
  t.false(err.message.includes(SECRET), err.message);
  t.false(JSON.stringify(err.data).includes(SECRET));
  return err;
}

const names = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

// --- the directory to render -------------------------------------------------------------

test('source.path that is a symlink to a plain directory outside the repository is refused', (t) => {
  const { repo, outside } = world(t, { 'app/a.yaml': cm('a') });
  fs.symlinkSync(outside, path.join(repo, 'deploy'));
  fs.rmSync(path.join(outside, 'kustomization.yaml')); // a plain directory
  const err = refused(t, () => renderApp(repo, 'deploy'));
  t.regex(err.message, /^deploy: the directory to render is outside the repository root/);
  t.regex(err.message, /through a symlink/);
  t.false(err.message.includes(outside), 'the host path is not revealed');
});

test('source.path that is a symlink to a kustomization outside the repository is refused', (t) => {
  const { repo, outside } = world(t);
  fs.symlinkSync(outside, path.join(repo, 'deploy'));
  refused(t, () => renderApp(repo, 'deploy'));
});

test('a relative symlink climbing out of the repository is refused the same way', (t) => {
  const { repo } = world(t);
  fs.symlinkSync('../outside', path.join(repo, 'deploy'));
  fs.rmSync(path.join(repo, '..', 'outside', 'kustomization.yaml'));
  refused(t, () => renderApp(repo, 'deploy'));
  refused(t, () => renderApp(repo, 'deploy', { recursive: true }));
});

test('source.path holding .. is refused, plain directory or kustomization', (t) => {
  const { repo, outside } = world(t, { 'app/a.yaml': cm('a') });
  refused(t, () => renderApp(repo, 'app/../../outside')); // a kustomization
  fs.rmSync(path.join(outside, 'kustomization.yaml'));
  refused(t, () => renderApp(repo, '../outside')); // a plain directory
});

test('a symlinked source directory inside the repository is rendered', (t) => {
  const { repo } = world(t, {
    'envs/prod/a.yaml': cm('plain'),
    'envs/staging/kustomization.yaml': 'resources:\n- b.yaml\n',
    'envs/staging/b.yaml': cm('kustomized'),
  });
  fs.symlinkSync('envs/prod', path.join(repo, 'deploy'));
  fs.symlinkSync(path.join(repo, 'envs', 'staging'), path.join(repo, 'staging'));
  t.deepEqual(names(renderApp(repo, 'deploy').objects), ['ConfigMap/plain']);
  t.deepEqual(names(renderApp(repo, 'staging').objects), ['ConfigMap/kustomized']);
});

test('a repository root reached through a symlink still confines the render', (t) => {
  const { repo, outside } = world(t, { 'app/a.yaml': cm('a') });
  const alias = path.join(repo, '..', 'alias');
  fs.symlinkSync(repo, alias);
  t.deepEqual(names(render(path.join(alias, 'app'), { repoRoot: alias }).objects), ['ConfigMap/a']);
  fs.symlinkSync(outside, path.join(repo, 'deploy'));
  refused(t, () => render(path.join(alias, 'deploy'), { repoRoot: alias }));
});

// --- files and directories in a plain directory --------------------------------------------

for (const recursive of [false, true]) {
  test(`a symlinked file to outside in a plain directory is refused (recursive: ${recursive})`, (t) => {
    const { repo, outside } = world(t, { 'app/a.yaml': cm('a') });
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(repo, 'app', 'b.yaml'));
    const err = refused(t, () => renderApp(repo, 'app', { recursive }));
    t.regex(err.message, /^b\.yaml: file is outside the directory being rendered \(through a symlink\)/);
  });

  test(`a symlinked sub-directory to outside is refused (recursive: ${recursive})`, (t) => {
    const { repo, outside } = world(t, { 'app/a.yaml': cm('a') });
    fs.symlinkSync(outside, path.join(repo, 'app', 'sub'));
    const err = refused(t, () => renderApp(repo, 'app', { recursive }));
    t.regex(err.message, /^sub: directory is outside/);
  });
}

test('a file symlinked from a nested sub-directory to outside is refused when recursing', (t) => {
  const { repo, outside } = world(t, { 'app/a.yaml': cm('a'), 'app/x/y/c.yaml': cm('c') });
  fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(repo, 'app', 'x', 'y', 'd.yaml'));
  refused(t, () => renderApp(repo, 'app', { recursive: true }));
});

test('symlinks that stay inside the directory are read, and a directory loop is read once', (t) => {
  const { repo } = world(t, { 'app/a.yaml': cm('a'), 'app/real/x.yaml': cm('x') });
  fs.symlinkSync('real/x.yaml', path.join(repo, 'app', 'b.yaml'));
  fs.symlinkSync('..', path.join(repo, 'app', 'real', 'up')); // back to app/: a loop
  fs.symlinkSync('.', path.join(repo, 'app', 'self'));
  t.deepEqual(names(renderApp(repo, 'app', { recursive: true }).objects), [
    'ConfigMap/a',
    'ConfigMap/x',
    'ConfigMap/x',
  ]);
});

test('a symlink loop is refused as such, in a plain directory and in a kustomization', (t) => {
  const { repo } = world(t, { 'app/a.yaml': cm('a'), 'k/kustomization.yaml': 'resources:\n- loop.yaml\n' });
  fs.symlinkSync('b.yaml', path.join(repo, 'app', 'c.yaml'));
  fs.symlinkSync('c.yaml', path.join(repo, 'app', 'b.yaml'));
  fs.symlinkSync('loop.yaml', path.join(repo, 'k', 'loop.yaml'));
  t.regex(
    refused(t, () => renderApp(repo, 'app'), 'RENDER_FILE_NOT_FOUND').message,
    /^b\.yaml: a symlink loop/,
  );
  t.regex(
    refused(t, () => renderApp(repo, 'k'), 'RENDER_FILE_NOT_FOUND').message,
    /^k\/loop\.yaml: a symlink loop/,
  );
  fs.symlinkSync('deploy', path.join(repo, 'deploy'));
  t.regex(refused(t, () => renderApp(repo, 'deploy'), 'RENDER_FILE_NOT_FOUND').message, /symlink loop/);
});

// --- kustomizations ------------------------------------------------------------------------

test('a resources: entry that is a symlink to a file outside is refused', (t) => {
  const { repo, outside } = world(t, {
    'app/kustomization.yaml': 'resources:\n- a.yaml\n- link.yaml\n',
    'app/a.yaml': cm('a'),
  });
  fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(repo, 'app', 'link.yaml'));
  t.regex(
    refused(t, () => renderApp(repo, 'app')).message,
    /^app\/link\.yaml: file is outside .*through a symlink/,
  );
});

test('a resources: entry that is a symlink to a directory outside is refused', (t) => {
  const { repo, outside } = world(t, { 'app/kustomization.yaml': 'resources:\n- base\n' });
  fs.symlinkSync(outside, path.join(repo, 'app', 'base'));
  refused(t, () => renderApp(repo, 'app'), 'RENDER_BASE_OUTSIDE_REPOSITORY');
});

test('a kustomization.yaml that is itself a symlink to outside is refused', (t) => {
  const { repo, outside } = world(t, { 'app/secret.yaml': cm('decoy') });
  fs.symlinkSync(path.join(outside, 'kustomization.yaml'), path.join(repo, 'app', 'kustomization.yaml'));
  t.regex(refused(t, () => renderApp(repo, 'app')).message, /^app\/kustomization\.yaml: file is outside/);
});

test('a kustomization whose symlinks stay inside its root renders', (t) => {
  const { repo } = world(t, {
    'app/kustomization.yaml': 'resources:\n- link.yaml\n- base\n',
    'app/files/x.yaml': cm('x'),
    'shared/kustomization.yaml': 'resources:\n- y.yaml\n',
    'shared/y.yaml': cm('y'),
  });
  fs.symlinkSync('files/x.yaml', path.join(repo, 'app', 'link.yaml'));
  fs.symlinkSync('../shared', path.join(repo, 'app', 'base'));
  t.deepEqual(names(renderApp(repo, 'app').objects), ['ConfigMap/x', 'ConfigMap/y']);
});
