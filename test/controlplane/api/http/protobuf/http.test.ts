/** Protobuf bodies through the HTTP layer (body.ts): decoded on create, update and delete. */
import test from 'ava';
import { startHarness, type Harness } from '../helpers.js';
import { envelope, msg } from './encoder.js';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h.close());

const protobuf = { 'Content-Type': 'application/vnd.kubernetes.protobuf' };
const send = (method: string, path: string, body: Buffer) =>
  h.fetch(path, { method, headers: protobuf, body: new Uint8Array(body) });
const configMap = (name: string, value: string) =>
  envelope('v1', 'ConfigMap', msg().msg(1, msg().str(1, name)).strMap(2, { a: value }));

test('a protobuf ConfigMap is created and updated like its JSON form', async (t) => {
  const created = await send('POST', '/api/v1/namespaces/pb/configmaps', configMap('one', '1'));
  t.is(created.status, 201);
  t.like(await created.json(), {
    kind: 'ConfigMap',
    metadata: { name: 'one', namespace: 'pb' },
    data: { a: '1' },
  });
  const updated = await send('PUT', '/api/v1/namespaces/pb/configmaps/one', configMap('one', '2'));
  t.is(updated.status, 200);
  t.like(await updated.json(), { data: { a: '2' } });
});

test('DeleteOptions may come as protobuf', async (t) => {
  t.is((await send('POST', '/api/v1/namespaces/pb/configmaps', configMap('gone', '1'))).status, 201);
  const options = envelope('v1', 'DeleteOptions', msg().str(4, 'Background'));
  t.is((await send('DELETE', '/api/v1/namespaces/pb/configmaps/gone', options)).status, 200);
  const del = h.api.calls.findLast((c) => c.method === 'delete' && c.args.includes('gone'));
  t.like(del?.args.at(-1) as object, { propagationPolicy: 'Background' });
});

test('a kind without a schema is 415, bad bytes 400, a protobuf patch 415', async (t) => {
  const node = envelope('v1', 'Node', msg().msg(1, msg().str(1, 'n')));
  const unsupported = await send('POST', '/api/v1/namespaces/pb/configmaps', node);
  t.is(unsupported.status, 415);
  t.regex((await unsupported.json()).message, /no protobuf decoding for Node in v1/);
  const garbage = await send('POST', '/api/v1/namespaces/pb/configmaps', Buffer.from('k8s\0\x12\x7f'));
  t.is(garbage.status, 400);
  t.regex((await garbage.json()).message, /malformed protobuf body/);
  t.is((await send('PATCH', '/api/v1/namespaces/pb/configmaps/one', configMap('one', '3'))).status, 415);
});
