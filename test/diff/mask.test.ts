/** Secret values are masked in every output, the same value the same way, and never leak. */
import test from 'ava';
import type { KubeObject } from '../../src/core/index.js';
import { compare, comparison, jsonPatch, maskSecretValues, unifiedDiff } from '../../src/diff/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const SECRETS = ['hunter2-live-password', 'correct-horse-battery', 'api-token-0123456789', 'old-api-token'];

function secrets(): { desired: KubeObject; live: KubeObject } {
  const desired: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    type: 'Opaque',
    // the new password, the same token, written the two ways a manifest can
    stringData: { password: 'correct-horse-battery' },
    data: { token: b64('api-token-0123456789'), user: b64('admin') },
  };
  const live: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'db',
      namespace: 'shop',
      resourceVersion: '9',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          data: { password: b64('hunter2-live-password'), old: b64('old-api-token') },
        }),
      },
      managedFields: [
        {
          manager: 'capstan',
          operation: 'Apply',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:password': {}, 'f:token': {}, 'f:user': {}, 'f:old': {} } },
        },
      ],
    },
    type: 'Opaque',
    data: {
      password: b64('hunter2-live-password'),
      token: b64('api-token-0123456789'),
      user: b64('admin'),
      old: b64('old-api-token'),
    },
  };
  return { desired, live };
}

/** Every form a value could leak in: clear, base64, JSON-escaped. */
const leaks = (text: string) =>
  SECRETS.flatMap((s) => [s, b64(s), JSON.stringify(b64(s)).slice(1, -1)]).filter((s) => text.includes(s));

test('no Secret value appears in any output: comparison, unified diff (plain and coloured), JSON patch', (t) => {
  const { desired, live } = secrets();
  const outputs = [
    JSON.stringify(compare(desired, live)),
    JSON.stringify(comparison(desired, live)),
    unifiedDiff(desired, live),
    unifiedDiff(desired, live, { color: true }),
    unifiedDiff(desired, undefined),
    unifiedDiff(undefined, live),
    JSON.stringify(jsonPatch(live, desired)),
    JSON.stringify(jsonPatch(undefined, desired)),
    JSON.stringify(jsonPatch(live, undefined)),
    JSON.stringify(compare(desired, undefined)),
  ];
  for (const out of outputs) t.deepEqual(leaks(out), [], out);
  t.false(unifiedDiff(desired, live).includes(b64('admin')));
});

test('a changed value still shows as a change, an unchanged one does not, keys stay visible', (t) => {
  const { desired, live } = secrets();
  const r = compare(desired, live);
  t.deepEqual(r.changed, [
    { path: '.data.password', pointer: '/data/password', live: '++++++++', desired: '+++++++++' },
  ]);
  t.deepEqual(r.removed, [{ path: '.data.old', pointer: '/data/old', live: '++++++++' }]);
  const diff = unifiedDiff(desired, live);
  t.true(diff.includes('-  password: ++++++++\n'));
  t.true(diff.includes('+  password: +++++++++\n'));
  t.true(diff.includes('-  old: ++++++++\n'));
  t.false(/[-+] {2}token:/.test(diff), 'the same token is no change');
  t.deepEqual(
    jsonPatch(live, desired).sort((a, b) => a.path.localeCompare(b.path)),
    [
      { op: 'remove', path: '/data/old' },
      { op: 'replace', path: '/data/password', value: '+++++++++' },
    ],
  );
});

test('an unchanged Secret is in sync (stringData compared with the data the server stored)', (t) => {
  const { live } = secrets();
  const desired: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    stringData: { password: 'hunter2-live-password', old: 'old-api-token' },
    data: { token: b64('api-token-0123456789'), user: b64('admin') },
  };
  t.true(compare(desired, live).inSync);
});

test('maskSecretValues: per key, by order of first appearance; stringData and data alike; other kinds untouched', (t) => {
  const a: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { k: b64('x'), j: b64('x') },
  };
  const b: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    stringData: { k: 'y', j: 'x' },
  };
  const c: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { k: b64('z'), j: null },
  };
  const [ma, mb, mc, none] = maskSecretValues([a, b, c, undefined]);
  t.deepEqual(ma!.data, { k: '++++++++', j: '++++++++' }, 'two keys with one value do not tell so');
  t.deepEqual(mb!.stringData, { k: '+++++++++', j: '++++++++' });
  t.deepEqual(mc!.data, { k: '++++++++++', j: null });
  t.is(none, undefined);
  t.deepEqual(a.data, { k: b64('x'), j: b64('x') }, 'inputs are left alone');
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } };
  t.is(maskSecretValues([cm])[0], cm);
  const custom: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Secret',
    metadata: { name: 'c' },
    data: { k: 'v' },
  };
  t.is(maskSecretValues([custom])[0], custom, 'only core v1 Secrets');
});

test('maskSecretValues masks the last-applied annotation of a Secret', (t) => {
  const { live } = secrets();
  const [masked] = maskSecretValues([live]);
  t.is(masked!.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'], '++++++++');
  t.deepEqual(leaks(JSON.stringify(masked)), []);
});
