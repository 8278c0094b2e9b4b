/**
 * What a promotion changes, computed from real kustomization trees on disk, then applied
 * with editKustomization and checked through the renderer: after the edit the target
 * renders the source's images (and, when asked, replicas and ConfigMap data).
 */
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError, type KubeObject } from '../../src/core/index.js';
import { diffLines } from '../../src/diff/line-diff.js';
import {
  describeChange,
  editKustomization,
  promotionChanges,
  render,
  type PromotionChangesOptions,
} from '../../src/render/index.js';

const EXAMPLE = path.resolve('manifests/example');

/** A temp dir (its real path) holding `files` (path → content); removed after the test. */
function tree(t: ExecutionContext, files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-promote-')));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** A copy of manifests/example in a temp dir. */
function exampleCopy(t: ExecutionContext): string {
  const dir = tree(t, {});
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

const deployment = (name: string, ...images: string[]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
${images.map((image, i) => `        - name: c${i}\n          image: ${image}\n`).join('')}`;

/** Every container image of the rendered workloads, `Deployment/name/container=image`, sorted. */
function images(objects: KubeObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    const spec = (
      o as { spec?: { template?: { spec?: { containers?: Array<{ name: string; image: string }> } } } }
    ).spec;
    for (const c of spec?.template?.spec?.containers ?? [])
      out.push(`${o.kind}/${o.metadata.name}/${c.name}=${c.image}`);
  }
  return out.sort();
}

/**
 * Computes the changes, writes the edited target kustomization, and returns the changes
 * and the renders of source and target after the edit.
 */
function promote(repo: string, from: string, to: string, options: PromotionChangesOptions = {}) {
  const result = promotionChanges(repo, from, to, options);
  const before = fs.readFileSync(result.absolutePath, 'utf8');
  const after = editKustomization(before, result.changes, result.file);
  fs.writeFileSync(result.absolutePath, after);
  return {
    ...result,
    before,
    after,
    source: render(path.join(repo, from), { repoRoot: repo }).objects,
    target: render(path.join(repo, to), { repoRoot: repo }).objects,
  };
}

const changed = (a: string, b: string) =>
  diffLines(a.split('\n'), b.split('\n'))
    .filter((e) => e.op !== ' ')
    .map((e) => e.op + e.line);

test('the example, staging → prod: one image tag, one changed line; prod then renders staging’s image', (t) => {
  const repo = exampleCopy(t);
  const r = promote(repo, 'overlays/staging', 'overlays/prod');
  t.deepEqual(r.changes, [
    { kind: 'image', name: 'capstan.dev/example/hello', from: { newTag: '1.0.0' }, to: { newTag: '1.1.0' } },
  ]);
  t.deepEqual(r.changes.map(describeChange), ['image capstan.dev/example/hello: 1.0.0 → 1.1.0']);
  t.is(r.file, 'overlays/prod/kustomization.yaml');
  t.is(r.absolutePath, path.join(repo, 'overlays/prod/kustomization.yaml'));
  t.deepEqual(changed(r.before, r.after), ['-    newTag: 1.0.0', '+    newTag: 1.1.0']);
  t.deepEqual(images(r.target), ['Deployment/hello/hello=capstan.dev/example/hello:1.1.0']);
  t.deepEqual(images(r.target), images(r.source));
  // the example in the repository is untouched
  t.regex(fs.readFileSync(path.join(EXAMPLE, 'overlays/prod/kustomization.yaml'), 'utf8'), /newTag: 1\.0\.0/);
});

test('the example with replicas and the ConfigMap’s literals: prod renders staging’s count and greeting', (t) => {
  const repo = exampleCopy(t);
  const r = promote(repo, 'overlays/staging', 'overlays/prod', {
    include: { replicas: true, configMapLiterals: ['hello-config'] },
  });
  t.deepEqual(r.changes.map(describeChange), [
    'image capstan.dev/example/hello: 1.0.0 → 1.1.0',
    'replicas hello: 3 → 2',
    'configMap hello-config greeting: "Hello from Capstan" → "Hello from staging"',
  ]);
  const pick = (objects: KubeObject[], kind: string) =>
    objects.find((o) => o.kind === kind) as unknown as {
      spec: { replicas: number };
      data: Record<string, string>;
      metadata: { name: string };
    };
  t.is(pick(r.target, 'Deployment').spec.replicas, 2);
  t.deepEqual(pick(r.target, 'ConfigMap').data, pick(r.source, 'ConfigMap').data);
  // same data, same content hash
  t.is(pick(r.target, 'ConfigMap').metadata.name, pick(r.source, 'ConfigMap').metadata.name);
  // promoting again finds nothing left to change
  t.deepEqual(
    promotionChanges(repo, 'overlays/staging', 'overlays/prod', {
      include: { replicas: true, configMapLiterals: ['hello-config'] },
    }).changes,
    [],
  );
});

test('no difference → an empty list (dev promoted to a copy of itself)', (t) => {
  const repo = exampleCopy(t);
  fs.cpSync(path.join(repo, 'overlays/dev'), path.join(repo, 'overlays/dev2'), { recursive: true });
  t.deepEqual(
    promotionChanges(repo, 'overlays/dev', 'overlays/dev2', {
      include: { replicas: true, configMapLiterals: [] },
    }).changes,
    [],
  );
});

const kustomization = (body: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

test('an image inherited from a base: the target without images: gets an entry; tags and digests promote', (t) => {
  const digest = 'sha256:' + '1'.repeat(64);
  const repo = tree(t, {
    'base/app.yaml': deployment('shop', 'ghcr.io/acme/shop:0.1', 'ghcr.io/acme/sidecar:3'),
    'base/kustomization.yaml': kustomization(
      'resources:\n- app.yaml\nimages:\n- name: ghcr.io/acme/shop\n  newTag: "1.4.0"\n',
    ),
    // staging pins the digest, prod has no images: of its own (it runs the base's 1.4.0)
    'staging/kustomization.yaml': kustomization(
      `resources:\n- ../base\nimages:\n- name: ghcr.io/acme/shop\n  newTag: 1.5.0\n  digest: ${digest}\n`,
    ),
    'prod/kustomization.yaml': kustomization('# prod\nresources:\n- ../base\nnamePrefix: prod-\n'),
  });
  const r = promote(repo, 'staging', 'prod');
  t.deepEqual(r.changes, [
    { kind: 'image', name: 'ghcr.io/acme/shop', from: { newTag: '1.4.0' }, to: { newTag: '1.5.0', digest } },
  ]);
  t.is(describeChange(r.changes[0]!), `image ghcr.io/acme/shop: 1.4.0 → 1.5.0@${digest}`);
  t.deepEqual(changed(r.before, r.after), [
    '+images:',
    '+- name: ghcr.io/acme/shop',
    '+  newTag: 1.5.0',
    `+  digest: ${digest}`,
  ]);
  t.deepEqual(images(r.target), [
    `Deployment/prod-shop/c0=ghcr.io/acme/shop:1.5.0@${digest}`,
    'Deployment/prod-shop/c1=ghcr.io/acme/sidecar:3',
  ]);
});

test('digest only, tag only, name and tag: each renders the source’s image', (t) => {
  const digest = 'sha256:' + '2'.repeat(64);
  const repo = tree(t, {
    'base/app.yaml': deployment('shop', 'shop:0.1', 'cart:0.1', 'mail:0.1'),
    'base/kustomization.yaml': kustomization('resources:\n- app.yaml\n'),
    'a/kustomization.yaml': kustomization(
      `resources:\n- ../base\nimages:\n- name: shop\n  digest: ${digest}\n- name: cart\n  newTag: "2.0"\n- name: mail\n  newName: registry.acme.dev/mail\n  newTag: "3.1"\n`,
    ),
    'b/kustomization.yaml': kustomization(
      'resources:\n- ../base\nimages:\n- name: shop # pinned\n  newTag: "1.0"\n- name: cart\n  newTag: "1.0"\n  digest: sha256:old\n- name: mail\n  newTag: "3.0"\n',
    ),
  });
  const r = promote(repo, 'a', 'b');
  t.deepEqual(r.changes.map(describeChange), [
    `image shop: 1.0 → @${digest}`,
    'image cart: 1.0@sha256:old → 2.0',
    'image mail: 3.0 → registry.acme.dev/mail:3.1',
  ]);
  t.deepEqual(changed(r.before, r.after), [
    '-  newTag: "1.0"',
    `+  digest: ${digest}`,
    '-  newTag: "1.0"',
    '-  digest: sha256:old',
    '+  newTag: "2.0"',
    '-  newTag: "3.0"',
    '+  newTag: "3.1"',
    '+  newName: registry.acme.dev/mail',
  ]);
  t.deepEqual(images(r.target), images(r.source));
  t.deepEqual(images(r.target), [
    `Deployment/shop/c0=shop@${digest}`,
    'Deployment/shop/c1=cart:2.0',
    'Deployment/shop/c2=registry.acme.dev/mail:3.1',
  ]);
});

test('a base that renames an image: the target’s entry is the renamed one, and a component’s images count', (t) => {
  const repo = tree(t, {
    'base/app.yaml': deployment('shop', 'shop:0.1'),
    'base/kustomization.yaml': kustomization(
      'resources:\n- app.yaml\nimages:\n- name: shop\n  newName: ghcr.io/acme/shop\n',
    ),
    'pin/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- name: ghcr.io/acme/shop\n  newTag: "7"\n',
    'staging/kustomization.yml': kustomization('resources:\n- ../base\ncomponents:\n- ../pin\n'),
    'prod/Kustomization': kustomization(
      'resources:\n  - ../base\nimages:\n  - name: ghcr.io/acme/shop\n    newTag: "6"\n',
    ),
  });
  const r = promote(repo, 'staging', 'prod');
  t.is(r.file, 'prod/Kustomization');
  t.deepEqual(r.changes, [
    {
      kind: 'image',
      name: 'ghcr.io/acme/shop',
      from: { newName: 'ghcr.io/acme/shop', newTag: '6' },
      to: { newName: 'ghcr.io/acme/shop', newTag: '7' },
    },
  ]);
  t.deepEqual(changed(r.before, r.after), ['-    newTag: "6"', '+    newTag: "7"']);
  t.deepEqual(r.changes.map(describeChange), ['image ghcr.io/acme/shop: 6 → 7']);
  t.deepEqual(images(r.target), ['Deployment/shop/c0=ghcr.io/acme/shop:7']);
});

function refusal(
  t: ExecutionContext,
  files: Record<string, string>,
  code: string,
  why: RegExp,
  options = {},
) {
  const repo = tree(t, files);
  const err = t.throws(() => promotionChanges(repo, 'staging', 'prod', options), {
    instanceOf: CapstanError,
    code,
  });
  t.regex(err!.message, why);
  return err!;
}

const base = {
  'base/app.yaml': deployment('shop', 'shop:0.1'),
  'base/kustomization.yaml': kustomization('resources:\n- app.yaml\n'),
};
const overlay = (extra = '') =>
  kustomization(`resources:\n- ../base\nimages:\n- name: shop\n  newTag: "1"\n${extra}`);

test('refused: a replacement in the target writes an image (it would override images:)', (t) => {
  const err = refusal(
    t,
    {
      ...base,
      'staging/kustomization.yaml': overlay(),
      'prod/kustomization.yaml': overlay('replacements:\n- path: copy.yaml\n'),
      'prod/copy.yaml':
        'source: {kind: Deployment, name: shop, fieldPath: spec.template.spec.containers.0.image}\ntargets:\n- select: {kind: Deployment}\n  fieldPaths: [spec.template.spec.containers.1.image]\n',
    },
    'PROMOTE_IMAGE_SET_ELSEWHERE',
    /^prod\/kustomization\.yaml replacements\[0\] \(copy\.yaml\): a replacement sets container images/,
  );
  t.is((err as CapstanError).data.file, 'prod/kustomization.yaml replacements[0] (copy.yaml)');
});

test('refused: a patch sets an image in one overlay only; the same patch in both is fine', (t) => {
  const patch = (image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c0\n        image: ${image}\n`;
  refusal(
    t,
    {
      ...base,
      'staging/kustomization.yaml': overlay('patches:\n- path: p.yaml\n'),
      'staging/p.yaml': patch('shop:9'),
      'prod/kustomization.yaml': overlay(),
    },
    'PROMOTE_IMAGE_SET_ELSEWHERE',
    /staging\/kustomization\.yaml patches\[0\] \(p\.yaml\).*sets image shop:9/,
  );
  const repo = tree(t, {
    ...base,
    'staging/kustomization.yaml': overlay('patches:\n- path: p.yaml\n').replace('"1"', '"2"'),
    'staging/p.yaml': patch('shop:0.2'),
    'prod/kustomization.yaml': overlay('patchesStrategicMerge:\n- p.yaml\n'),
    'prod/p.yaml': patch('shop:0.2'),
  });
  t.deepEqual(promotionChanges(repo, 'staging', 'prod').changes.map(describeChange), ['image shop: 1 → 2']);
});

test('refused: two bases of the source disagree on an image', (t) => {
  refusal(
    t,
    {
      ...base,
      'other/app.yaml': deployment('other', 'shop:0.1'),
      'other/kustomization.yaml': kustomization(
        'resources:\n- app.yaml\nimages:\n- name: shop\n  newTag: "5"\n',
      ),
      'mixed/kustomization.yaml': kustomization(
        'resources:\n- ../base\nimages:\n- name: shop\n  newTag: "4"\n',
      ),
      'staging/kustomization.yaml': kustomization('resources:\n- ../mixed\n- ../other\n'),
      'prod/kustomization.yaml': overlay(),
    },
    'PROMOTE_AMBIGUOUS',
    /^staging\/kustomization\.yaml: its bases disagree on image shop: mixed\/kustomization\.yaml gives \{"newTag":"4"\}, other\/kustomization\.yaml gives \{"newTag":"5"\}/,
  );
});

test('refused: the target’s base pins a tag the source leaves to the manifest', (t) => {
  refusal(
    t,
    {
      ...base,
      'pinned/kustomization.yaml': kustomization(
        'resources:\n- ../base\nimages:\n- name: shop\n  newTag: "1"\n',
      ),
      'staging/kustomization.yaml': kustomization(
        'resources:\n- ../base\nimages:\n- name: shop\n  newName: ghcr.io/shop\n',
      ),
      'prod/kustomization.yaml': kustomization('resources:\n- ../pinned\n'),
    },
    'PROMOTE_UNREPRESENTABLE',
    /^prod\/kustomization\.yaml: no edit of this file's images: gives image shop what the source runs \(\{"newName":"ghcr\.io\/shop"\}\)/,
  );
});

test('refused: literals of a generator the target does not have, or the source does not have', (t) => {
  const files = {
    ...base,
    'staging/kustomization.yaml': overlay('configMapGenerator:\n- name: cfg\n  literals: [a=1]\n'),
    'prod/kustomization.yaml': overlay(),
  };
  refusal(t, files, 'PROMOTE_UNREPRESENTABLE', /configMapGenerator named cfg/, {
    include: { configMapLiterals: ['cfg'] },
  });
  refusal(
    t,
    files,
    'PROMOTE_INVALID_ARGUMENT',
    /^staging\/kustomization\.yaml: neither it nor its bases have a configMapGenerator named nope/,
    {
      include: { configMapLiterals: ['nope'] },
    },
  );
});

test('the same overlay twice, and a directory outside the repository, are refused', (t) => {
  const repo = tree(t, { ...base, 'staging/kustomization.yaml': overlay() });
  t.throws(() => promotionChanges(repo, 'staging', './staging/'), {
    instanceOf: CapstanError,
    code: 'PROMOTE_INVALID_ARGUMENT',
  });
  t.throws(() => promotionChanges(path.join(repo, 'base'), '.', '../staging'), {
    instanceOf: CapstanError,
    code: 'RENDER_FILE_OUTSIDE_ROOT',
  });
});
