import test from 'ava';
import { idString, parseApiVersion } from '../../src/core/index.js';

test('parseApiVersion splits group and version', (t) => {
  t.deepEqual(parseApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
  t.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
});

test('idString names cluster-scoped objects with ~X', (t) => {
  t.is(idString({ group: '', version: 'v1', kind: 'Namespace', name: 'a' }), 'v1_Namespace|~X|a');
});
