/**
 * The minimal edit of a kustomization's text: each test compares input and output line by
 * line (src/diff's line diff), so a change to any line other than the expected ones fails.
 */
import test from 'ava';
import { parse } from 'yaml';
import { CapstanError } from '../../src/core/index.js';
import { diffLines } from '../../src/diff/line-diff.js';
import { editKustomization, type PromotionChange } from '../../src/render/index.js';

const FILE = 'overlays/prod/kustomization.yaml';

/** Lines removed ('-') and added ('+'), in order; unchanged lines are left out. */
function changedLines(before: string, after: string): string[] {
  return diffLines(before.split('\n'), after.split('\n'))
    .filter((e) => e.op !== ' ')
    .map((e) => e.op + e.line);
}

const image = (name: string, from: object, to: object): PromotionChange => ({
  kind: 'image',
  name,
  from,
  to,
});

const PROD = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

# prod: pinned releases only.   (odd   spacing kept)
namespace: hello-prod

resources:
  - ../../base   # the shared base
  - 'pdb.yaml'

replicas:
  - name: hello
    count: 3

images:
  # the shop itself
  - name: ghcr.io/acme/shop
    newTag:   "1.4.0"    # pinned by release
  - {name: ghcr.io/acme/cart, newTag: '2.0.0'}

configMapGenerator:
  - name: shop-config
    behavior: merge
    literals:
      - 'greeting=Hello from prod'
      - mode=strict
`;

test('a tag change rewrites one scalar: its quotes, spacing and comment stay', (t) => {
  const out = editKustomization(
    PROD,
    [image('ghcr.io/acme/shop', { newTag: '1.4.0' }, { newTag: '1.5.0' })],
    FILE,
  );
  t.deepEqual(changedLines(PROD, out), [
    '-    newTag:   "1.4.0"    # pinned by release',
    '+    newTag:   "1.5.0"    # pinned by release',
  ]);
});

test('a flow-style entry is edited in place', (t) => {
  const out = editKustomization(
    PROD,
    [image('ghcr.io/acme/cart', { newTag: '2.0.0' }, { newTag: '2.1.0' })],
    FILE,
  );
  t.deepEqual(changedLines(PROD, out), [
    "-  - {name: ghcr.io/acme/cart, newTag: '2.0.0'}",
    "+  - {name: ghcr.io/acme/cart, newTag: '2.1.0'}",
  ]);
});

test('a digest promotion adds the digest under the tag, with the entry’s indentation', (t) => {
  const digest = 'sha256:' + 'a'.repeat(64);
  const out = editKustomization(
    PROD,
    [image('ghcr.io/acme/shop', { newTag: '1.4.0' }, { newTag: '1.5.0', digest })],
    FILE,
  );
  t.deepEqual(changedLines(PROD, out), [
    '-    newTag:   "1.4.0"    # pinned by release',
    '+    newTag:   "1.5.0"    # pinned by release',
    `+    digest: ${digest}`,
  ]);
  t.like(parse(out).images[0], { name: 'ghcr.io/acme/shop', newTag: '1.5.0', digest });
});

test('digest only: the tag line goes, the digest is added; the flow entry gets one too', (t) => {
  const digest = 'sha256:' + 'b'.repeat(64);
  const out = editKustomization(
    PROD,
    [
      image('ghcr.io/acme/shop', { newTag: '1.4.0' }, { digest }),
      image('ghcr.io/acme/cart', { newTag: '2.0.0' }, { newTag: '2.0.0', digest }),
    ],
    FILE,
  );
  t.is(
    out,
    PROD.replace('    newTag:   "1.4.0"    # pinned by release\n', `    digest: ${digest}\n`).replace(
      "newTag: '2.0.0'}",
      `newTag: '2.0.0', digest: ${digest}}`,
    ),
  );
});

test('name and tag: newName is added after the entry’s last field, the tag replaced', (t) => {
  const out = editKustomization(
    PROD,
    [image('ghcr.io/acme/shop', { newTag: '1.4.0' }, { newName: 'registry.acme.dev/shop', newTag: '1.5.0' })],
    FILE,
  );
  t.is(
    out,
    PROD.replace(
      '    newTag:   "1.4.0"    # pinned by release\n',
      '    newTag:   "1.5.0"    # pinned by release\n    newName: registry.acme.dev/shop\n',
    ),
  );
});

test('a new image is appended after the last entry, in its style (here flow)', (t) => {
  const out = editKustomization(PROD, [image('ghcr.io/acme/mail', {}, { newTag: '0.3.0' })], FILE);
  t.deepEqual(changedLines(PROD, out), ['+  - {name: ghcr.io/acme/mail, newTag: 0.3.0}']);
  t.is(
    out.indexOf('mail'),
    out.indexOf("cart, newTag: '2.0.0'}\n") +
      "cart, newTag: '2.0.0'}\n".length +
      '  - {name: ghcr.io/acme/'.length,
  );
});

test('a kustomization without images: gets one at the end, styled like its other lists', (t) => {
  const indented = `resources:\n  - ../../base\n\nreplicas:\n  - name: hello\n    count: 3\n`;
  const out = editKustomization(indented, [image('shop', { newTag: '1.0' }, { newTag: '1.1' })], FILE);
  t.is(out, indented + '\nimages:\n  - name: shop\n    newTag: "1.1"\n');

  // kustomize's own style: items at the key's column, no blank lines, no final newline
  const flush = `resources:\n- ../../base\nnamePrefix: p-`;
  const two = editKustomization(
    flush,
    [
      image('shop', {}, { newTag: 'v2' }),
      image('cart', {}, { newName: 'ghcr.io/cart', digest: 'sha256:' + 'c'.repeat(64) }),
    ],
    FILE,
  );
  t.is(
    two,
    `resources:\n- ../../base\nnamePrefix: p-\nimages:\n- name: shop\n  newTag: v2\n- name: cart\n  newName: ghcr.io/cart\n  digest: sha256:${'c'.repeat(64)}\n`,
  );
});

test('a tag that plain YAML would read as a number is quoted; a plain one stays plain', (t) => {
  const text = `images:\n- name: shop\n  newTag: latest\n`;
  const number = editKustomization(text, [image('shop', { newTag: 'latest' }, { newTag: '1.10' })], FILE);
  t.is(number, `images:\n- name: shop\n  newTag: "1.10"\n`);
  t.is(parse(number).images[0].newTag, '1.10');
  const octal = editKustomization(text, [image('shop', { newTag: 'latest' }, { newTag: '0644' })], FILE);
  t.is(parse(octal).images[0].newTag, '0644');
  t.is(
    editKustomization(text, [image('shop', { newTag: 'latest' }, { newTag: 'v1.10' })], FILE),
    text.replace('latest', 'v1.10'),
  );
});

test('replicas: a count is replaced, a missing entry appended', (t) => {
  const out = editKustomization(
    PROD,
    [
      { kind: 'replicas', name: 'hello', from: 3, to: 2 },
      { kind: 'replicas', name: 'worker', from: undefined, to: 1 },
    ],
    FILE,
  );
  t.deepEqual(changedLines(PROD, out), [
    '-    count: 3',
    '+    count: 2',
    '+  - name: worker',
    '+    count: 1',
  ]);
});

test('ConfigMap literals: replaced keeping quotes, appended, or a merge entry added', (t) => {
  const out = editKustomization(
    PROD,
    [
      {
        kind: 'configMapLiteral',
        generator: 'shop-config',
        key: 'greeting',
        from: 'Hello from prod',
        to: "Hello from staging, it's new",
      },
      { kind: 'configMapLiteral', generator: 'shop-config', key: 'colour', from: undefined, to: 'blue' },
      { kind: 'configMapLiteral', generator: 'cart-config', key: 'limit', from: '5', to: '"7"' },
    ],
    FILE,
  );
  t.deepEqual(changedLines(PROD, out), [
    "-      - 'greeting=Hello from prod'",
    "+      - 'greeting=Hello from staging, it''s new'",
    '+      - colour=blue',
    '+  - name: cart-config',
    '+    behavior: merge',
    '+    literals:',
    '+      - limit=""7""',
  ]);
  const generators = parse(out).configMapGenerator;
  t.deepEqual(generators[0].literals, [
    "greeting=Hello from staging, it's new",
    'mode=strict',
    'colour=blue',
  ]);
});

test('a file with CRLF line ends keeps them, in new lines too', (t) => {
  const changes: PromotionChange[] = [
    image('ghcr.io/acme/shop', { newTag: '1.4.0' }, { newTag: '1.5.0', digest: 'sha256:' + 'd'.repeat(64) }),
    { kind: 'replicas', name: 'worker', from: undefined, to: 1 },
  ];
  const out = editKustomization(PROD.replaceAll('\n', '\r\n'), changes, FILE);
  t.false(/[^\r]\n/.test(out), 'every line ends in CRLF');
  t.is(out.replaceAll('\r\n', '\n'), editKustomization(PROD, changes, FILE));
});

test('no change leaves the text as it is', (t) => {
  t.is(editKustomization(PROD, [], FILE), PROD);
});

const refused = (
  t: import('ava').ExecutionContext,
  text: string,
  changes: PromotionChange[],
  code: string,
  why: RegExp,
) => {
  const err = t.throws(() => editKustomization(text, changes, FILE), { instanceOf: CapstanError, code });
  t.true(err!.message.startsWith(FILE), err!.message);
  t.regex(err!.message, why);
  t.is((err as CapstanError).data.file, FILE);
};

const bump = [image('shop', { newTag: '1.0' }, { newTag: '1.1' })];

test('refused: several YAML documents', (t) => {
  refused(
    t,
    `images:\n- name: shop\n  newTag: "1.0"\n---\nimages: []\n`,
    bump,
    'PROMOTE_KUSTOMIZATION_UNEDITABLE',
    /2 YAML documents/,
  );
});

test('refused: an anchor or alias on the changed node', (t) => {
  refused(
    t,
    `images:\n- name: shop\n  newTag: &t "1.0"\n- name: cart\n  newTag: *t\n`,
    bump,
    'PROMOTE_KUSTOMIZATION_UNEDITABLE',
    /anchor &t/,
  );
  refused(
    t,
    `metadata: &e\n  name: shop\n  newTag: "1.0"\nimages:\n- *e\n`,
    bump,
    'PROMOTE_KUSTOMIZATION_UNEDITABLE',
    /alias/,
  );
  refused(
    t,
    `images: &all\n- name: shop\n  newTag: "1.0"\n`,
    bump,
    'PROMOTE_KUSTOMIZATION_UNEDITABLE',
    /anchor &all/,
  );
});

test('refused: images set by a replacement, or by an ImageTagTransformer plugin', (t) => {
  const replacement = `images:\n- name: shop\n  newTag: "1.0"\nreplacements:\n- source: {kind: ConfigMap, name: c, fieldPath: data.image}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.0.image]\n`;
  refused(t, replacement, bump, 'PROMOTE_IMAGE_SET_ELSEWHERE', /replacements\[0\]/);
  const plugin = `resources: [a.yaml]\ntransformers:\n- |\n  apiVersion: builtin\n  kind: ImageTagTransformer\n  metadata: {name: x}\n  imageTag: {name: shop, newTag: "9"}\n`;
  refused(t, plugin, bump, 'PROMOTE_IMAGE_SET_ELSEWHERE', /transformers\[0\]/);
});

test('refused: two changes of one value', (t) => {
  refused(
    t,
    `images:\n- name: shop\n  newTag: "1.0"\n`,
    [...bump, image('shop', { newTag: '1.0' }, { newTag: '1.2' })],
    'PROMOTE_INVALID_ARGUMENT',
    /two changes of image shop/,
  );
});

test('refused: two entries of one name, and a block scalar', (t) => {
  refused(
    t,
    `images:\n- name: shop\n  newTag: "1.0"\n- name: shop\n  digest: sha256:x\n`,
    bump,
    'PROMOTE_KUSTOMIZATION_UNEDITABLE',
    /2 entries named shop/,
  );
  refused(
    t,
    `images:\n- name: shop\n  newTag: |\n    1.0\n`,
    bump,
    'PROMOTE_KUSTOMIZATION_UNEDITABLE',
    /block scalar/,
  );
});

test('a file that is not a kustomization is refused with the renderer’s code', (t) => {
  t.throws(() => editKustomization(`images:\n- name: shop\nfrobs: 1\n`, bump, FILE), {
    instanceOf: CapstanError,
    code: 'RENDER_KUSTOMIZATION_UNKNOWN_FIELD',
  });
});
