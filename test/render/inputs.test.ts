/**
 * `render().inputs`: every path whose content, kind or absence the output depends on, so a
 * render cache can tell that a revision changes nothing an application reads.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render } from '../../src/render/index.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const kustomization = (body: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const component = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: web:1
`;

/** A temp dir (its real path) holding `files` (path → content); removed after the test. */
function tree(t: { teardown: (fn: () => void) => void }, files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-inputs-')));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** The kustomization file names a build looks for in `dir` (the absent ones are inputs too). */
const probes = (dir: string) => [
  `${dir}/Kustomization`,
  `${dir}/kustomization.yaml`,
  `${dir}/kustomization.yml`,
];

test('a kustomization: bases, patches, generator files and env files, components, and the names looked for', (t) => {
  const repo = tree(t, {
    'base/kustomization.yaml': kustomization('resources:\n- deploy.yaml\n'),
    'base/deploy.yaml': deployment,
    'base/unused.yaml': cm('never-listed'),
    'components/tls/kustomization.yaml': component('resources:\n- cert.yaml\n'),
    'components/tls/cert.yaml': cm('cert'),
    'apps/shop/kustomization.yaml': kustomization(
      [
        'resources:',
        '- ../../base',
        'components:',
        '- ../../components/tls',
        'patches:',
        '- path: replicas.yaml',
        'configMapGenerator:',
        '- name: settings',
        '  files:',
        '  - config/app.properties',
        '  envs:',
        '  - config/app.env',
        '',
      ].join('\n'),
    ),
    'apps/shop/replicas.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
    'apps/shop/config/app.properties': 'color=blue\n',
    'apps/shop/config/app.env': 'MODE=prod\n',
    'apps/other/kustomization.yaml': kustomization('resources:\n- cm.yaml\n'),
    'apps/other/cm.yaml': cm('other'),
  });
  const result = render(path.join(repo, 'apps/shop'), { repoRoot: repo });
  t.deepEqual(
    result.inputs,
    [
      'apps/shop',
      ...probes('apps/shop'),
      'apps/shop/config/app.env',
      'apps/shop/config/app.properties',
      'apps/shop/replicas.yaml',
      'base',
      ...probes('base'),
      'base/deploy.yaml',
      'components/tls',
      ...probes('components/tls'),
      'components/tls/cert.yaml',
    ].sort(),
  );
  // nothing the build did not read: the other application, a file no kustomization lists
  t.false(result.inputs.some((p) => p.startsWith('apps/other') || p === 'base/unused.yaml'));
});

test('a plain directory: its listing (with a trailing /) and each manifest read', (t) => {
  const repo = tree(t, {
    'apps/plain/a.yaml': cm('a'),
    'apps/plain/b.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }),
    'apps/plain/README.md': 'not a manifest',
    'apps/plain/sub/c.yaml': cm('c'),
    'elsewhere/d.yaml': cm('d'),
  });
  const flat = render(path.join(repo, 'apps/plain'), { repoRoot: repo });
  t.deepEqual(flat.inputs, ['apps/plain', 'apps/plain/', 'apps/plain/a.yaml', 'apps/plain/b.json']);
  const deep = render(path.join(repo, 'apps/plain'), { repoRoot: repo, recursive: true });
  t.deepEqual(deep.inputs, [
    'apps/plain',
    'apps/plain/',
    'apps/plain/a.yaml',
    'apps/plain/b.json',
    'apps/plain/sub/',
    'apps/plain/sub/c.yaml',
  ]);
});

test('the repository root itself: its listing is ./ and its files are bare names', (t) => {
  const repo = tree(t, { 'a.yaml': cm('a') });
  t.deepEqual(render(repo, { repoRoot: repo }).inputs, ['./', 'a.yaml']);
});

test('a file reached through a symlink is recorded as named, so retargeting the link shows', (t) => {
  const repo = tree(t, {
    'shared/cm.yaml': cm('shared'),
    'app/kustomization.yaml': kustomization('resources:\n- linked\n'),
    'app/real/kustomization.yaml': kustomization('resources:\n- cm.yaml\n'),
    'app/real/cm.yaml': cm('x'),
  });
  fs.symlinkSync('real', path.join(repo, 'app/linked'));
  const result = render(path.join(repo, 'app'), { repoRoot: repo });
  t.true(result.inputs.includes('app/linked'), result.inputs.join(' '));
  t.true(result.inputs.includes('app/real/cm.yaml'));
  t.false(result.inputs.some((p) => p.startsWith('shared')));
});
