/** go-yaml v3 scalar typing as replacements need it (outputs seen from kubectl kustomize). */
import test from 'ava';
import { decodeAs, resolvePlain } from '../../../src/render/kustomize/replacements/scalar.js';

test('a created field is typed like a plain YAML scalar', (t) => {
  const cases: Array<[string, unknown]> = [
    ['4', 4],
    ['abc', 'abc'],
    ['yes', 'yes'],
    ['True', true],
    ['false', false],
    ['1.50', 1.5],
    ['0x1F', 31],
    ['0644', 420],
    ['0o17', 15],
    ['0b101', 5],
    ['08', 8],
    ['1_000', 1000],
    ['+5', 5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['null', null],
    ['~', null],
    ['', null],
    ['2024-01-01', '2024-01-01T00:00:00Z'],
    ['2024-1-2 3:04:05.120', '2024-01-02T03:04:05.12Z'],
    ['2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00'],
    ['2024-13-45', '2024-13-45'],
    ['1e400', '1e400'],
    ['a.b.c', 'a.b.c'],
  ];
  for (const [text, want] of cases) t.deepEqual(resolvePlain(text), want, text);
  t.throws(() => resolvePlain('.inf'));
});

test('an existing scalar keeps its type; incompatible text is an error', (t) => {
  t.is(decodeAs('str', '4'), '4');
  t.is(decodeAs('int', '4'), 4);
  t.is(decodeAs('int', '0x1F'), 31);
  t.is(decodeAs('float', '0x1F'), 31);
  t.is(decodeAs('float', '1.50'), 1.5);
  t.is(decodeAs('bool', 'True'), true);
  t.is(decodeAs('null', 'null'), null);
  t.is(decodeAs('str', '2024-01-01'), '2024-01-01');
  const fails: Array<[Parameters<typeof decodeAs>[0], string, string]> = [
    ['int', 'abc', 'cannot decode !!str `abc` as a !!int'],
    ['int', '1.50', 'cannot decode !!float `1.50` as a !!int'],
    ['int', 'True', 'cannot decode !!bool `True` as a !!int'],
    ['int', '2024-01-01', 'cannot decode !!str `2024-01-01` as a !!int'],
    ['bool', 'yes', 'cannot decode !!str `yes` as a !!bool'],
    ['bool', '4', 'cannot decode !!int `4` as a !!bool'],
    ['float', 'abc', 'cannot decode !!str `abc` as a !!float'],
    ['float', '', 'cannot decode !!null `` as a !!float'],
    ['null', '4', 'cannot decode !!int `4` as a !!null'],
  ];
  for (const [tag, text, message] of fails)
    t.throws(() => decodeAs(tag, text), { message }, `${tag} ${text}`);
});
