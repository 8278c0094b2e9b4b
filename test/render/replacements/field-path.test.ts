/** kyaml field paths: splitting, lookups (sources, vars) and matches (targets). */
import test from 'ava';
import type { JsonValue } from '../../../src/core/index.js';
import {
  lookupField,
  matchFields,
  parseLookupPath,
  parseMatchPath,
  splitPath,
  type FieldMatch,
} from '../../../src/render/kustomize/field-path.js';

test('splitting: dots, brackets, escapes', (t) => {
  t.deepEqual(splitPath('spec.template.spec'), ['spec', 'template', 'spec']);
  t.deepEqual(splitPath('metadata.annotations.[a.b/c]'), ['metadata', 'annotations', 'a.b/c']);
  t.deepEqual(splitPath('c.[name=a.b].image'), ['c', '[name=a.b]', 'image']);
  t.deepEqual(splitPath('a\\.b.c'), ['a.b', 'c']);
  t.deepEqual(splitPath('.a.b'), ['a', 'b']);
  t.deepEqual(splitPath('a.[abc]'), ['a', '[abc]']);
  t.deepEqual(splitPath('a.[b.c'), ['a', 'b.c']);
});

test('lookup paths: indexes, last, slice indexes, blanks', (t) => {
  const obj: JsonValue = {
    spec: {
      ports: [
        { name: 'http', port: 80 },
        { name: 'x', port: 81 },
      ],
      args: ['a', 'b'],
    },
  };
  const get = (p: string, sliceIndex = false) => lookupField(obj, parseLookupPath(p, { sliceIndex }));
  t.is(get('spec.ports.0.port'), 80);
  t.is(get('spec.ports.-.port'), 81);
  t.is(get('spec.ports.[name=http].port'), 80);
  t.is(get('spec.ports.[name=h.*].port'), undefined, 'lookup compares exactly');
  t.is(get('spec.args.[=b]'), 'b');
  t.is(get('spec.ports.5.port'), undefined);
  t.is(get('spec..ports.1.port'), 81);
  t.is(get(' spec . ports . 1 . port '), 81);
  t.is(get('spec.ports[1].port'), undefined);
  t.is(get('spec.ports[1].port', true), 81);
  t.is(get('spec.missing.x'), undefined);
  t.throws(() => get('spec.ports.name'), { message: /field "name" expects a map but found a list/ });
  t.throws(() => get('spec.ports.*.port'), { message: /wildcard/ });
  t.throws(() => get('spec.ports.-1'), { message: /cannot be negative/ });
  t.throws(() => get('spec.ports.[name]'), { message: /\[field=value\]/ });
});

const set = (matches: FieldMatch[], v: JsonValue) => {
  for (const m of matches) (m.parent as any)[m.key] = v;
  return matches.length;
};

test('match paths: wildcard, unanchored regex, primitive items', (t) => {
  const obj: any = {
    c: [
      { name: 'app', image: 'nginx:1.0', args: ['--a', '--b'] },
      { name: 'side', image: 'busybox:1.0' },
    ],
  };
  t.is(set(matchFields(obj, parseMatchPath('c.*.image')), 'x'), 2);
  t.is(set(matchFields(obj, parseMatchPath('c.[name=ap].image')), 'y'), 1);
  t.is(obj.c[0].image, 'y');
  t.is(set(matchFields(obj, parseMatchPath('c.[name=app].args.[=^--b$]')), 'z'), 1);
  t.deepEqual(obj.c[0].args, ['--a', 'z']);
  t.is(matchFields(obj, parseMatchPath('c.[name=zz].image')).length, 0);
  t.is(matchFields(obj, parseMatchPath('c.*.zzz')).length, 0);
  t.is(matchFields(obj, parseMatchPath('c.[name=app,image=x].image')).length, 0, 'one key only');
});

test('match paths with create build what is missing', (t) => {
  const obj: any = { spec: { c: [{ name: 'app' }], ports: [{ port: 80 }] } };
  const create = (p: string) => matchFields(obj, parseMatchPath(p), 'scalar');
  t.true(create('spec.c.[name=new].image')[0].created);
  t.deepEqual(obj.spec.c[1], { name: 'new', image: '' });
  create('spec.x.[=zz]');
  t.deepEqual(obj.spec.x, ['zz']);
  create('spec.y.0.z');
  t.deepEqual(obj.spec.y, [{ z: '' }]);
  create('spec.ports.[port=8080].name');
  t.deepEqual(obj.spec.ports[1], { port: 8080, name: '' }, 'the selector value is typed like plain YAML');
  t.throws(() => create('spec.c.5.image'), { message: /index 5 specified but only 2 elements found/ });
  // a list/map value creates an empty list/map leaf, replaced afterwards
  const m = matchFields(obj, parseMatchPath('spec.l'), 'list');
  t.deepEqual(obj.spec.l, []);
  t.false(m[0].created);
});

test('match paths through null: an error, or with create a write that goes nowhere', (t) => {
  const obj: any = { spec: { nul: null } };
  t.is(matchFields(obj, parseMatchPath('spec.nul.x')).length, 0);
  t.is(matchFields(obj, parseMatchPath('spec.nul.*')).length, 0);
  t.throws(() => matchFields(obj, parseMatchPath('spec.nul.0')), { message: /index 0 specified but only 0/ });
  for (const p of ['spec.nul.x', 'spec.nul.[name=a]', 'spec.nul.0.x']) {
    t.is(set(matchFields(obj, parseMatchPath(p), 'scalar'), 'v'), 1, p);
  }
  t.deepEqual(obj, { spec: { nul: null } });
  t.is(matchFields(obj, parseMatchPath('spec.nul')).length, 1, 'a null leaf is a match');
});

test('match paths: wrong node kinds are errors', (t) => {
  const obj: any = { spec: { replicas: 1, c: [{ image: 'x' }] }, metadata: { name: 'a' } };
  t.throws(() => matchFields(obj, parseMatchPath('spec.replicas.x')), {
    message: /expects a map but found the scalar 1/,
  });
  t.throws(() => matchFields(obj, parseMatchPath('spec.c.image')), {
    message: /expects a map but found a list/,
  });
  t.throws(() => matchFields(obj, parseMatchPath('metadata.[name=x]')), {
    message: /expects a list but found a map/,
  });
  t.throws(() => matchFields(obj, parseMatchPath('metadata.0')), { message: /expects a list/ });
  t.throws(() => matchFields(obj, parseMatchPath('spec.c.-.image')), { message: /field "-"/ });
  t.throws(() => parseMatchPath('spec.c.[name=(].image'), { message: /invalid regular expression/ });
});
