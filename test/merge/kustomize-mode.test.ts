import test from 'ava';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { gvkOf, isCapstanError, type JsonObject } from '../../src/core/index.js';
import { openApiPatchSchema, strategicMergePatch } from '../../src/merge/index.js';

interface Case {
  name: string;
  base: JsonObject;
  patch: JsonObject;
  expected?: JsonObject | null;
  error?: string;
}

const fixture = new URL('./fixtures/kustomize-cases.yaml', import.meta.url);
const cases = parseAllDocuments(readFileSync(fixture, 'utf8')).map((d) => d.toJSON() as Case);

for (const c of cases) {
  test(`kustomize mode matches kubectl: ${c.name}`, (t) => {
    const base = structuredClone(c.base);
    const patch = structuredClone(c.patch);
    const run = () => strategicMergePatch(base, patch, { mode: 'kustomize', gvk: gvkOf(base) });
    if (c.error !== undefined) {
      const err = t.throws(run);
      t.true(isCapstanError(err));
      t.is((err as { code?: string }).code, 'MERGE_INVALID_PATCH');
      return;
    }
    // JSON round trip: list order and values must match exactly; key order is not output.
    t.deepEqual(JSON.parse(JSON.stringify(run() ?? null)), c.expected);
    t.deepEqual(base, c.base, 'the original is not changed');
    t.deepEqual(patch, c.patch, 'the patch is not changed');
  });
}

test('patch elements come first, then untouched original elements (kubectl)', (t) => {
  const base = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'd' }] },
  };
  const patch: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c' }, { name: 'b', image: 'x' }] },
  };
  const out = strategicMergePatch(base, patch, { mode: 'kustomize', gvk: gvkOf(base) }) as any;
  t.deepEqual(out.spec.containers, [{ name: 'c' }, { name: 'b', image: 'x' }, { name: 'a' }, { name: 'd' }]);
});

test('unknown $patch value names the strategy', (t) => {
  const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  const err = t.throws(() =>
    strategicMergePatch(base, { metadata: { $patch: 'foo' } }, { mode: 'kustomize', gvk: gvkOf(base) }),
  );
  t.regex(err.message, /unknown patch strategy 'foo'/);
});

test('a custom openapi schema gives merge keys to a CRD and replaces the built-in schema (kubectl)', (t) => {
  const doc = JSON.parse(readFileSync(new URL('./fixtures/openapi-thing.json', import.meta.url), 'utf8'));
  const schema = openApiPatchSchema(doc);
  const thing = {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name: 't' },
    spec: {
      items: [
        { name: 'x', v: 1 },
        { name: 'y', v: 2 },
      ],
      tags: ['a', 'b'],
    },
  };
  const out = strategicMergePatch(
    thing,
    { spec: { items: [{ name: 'y', v: 3 }, { name: 'z' }], tags: ['c', 'a'] } },
    { mode: 'kustomize', gvk: gvkOf(thing), schema },
  ) as any;
  t.deepEqual(out.spec, {
    items: [{ name: 'y', v: 3 }, { name: 'z' }, { name: 'x', v: 1 }],
    tags: ['c', 'a', 'b'],
  });

  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } },
  };
  const patch = { spec: { template: { spec: { containers: [{ name: 'b', image: 'b' }] } } } };
  const replaced = strategicMergePatch(dep, patch, { mode: 'kustomize', gvk: gvkOf(dep), schema }) as any;
  t.deepEqual(replaced.spec.template.spec.containers, [{ name: 'b', image: 'b' }]);
});
