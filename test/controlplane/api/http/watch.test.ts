import test from 'ava';
import { Watch } from '@kubernetes/client-node';
import { ApiError } from '../../../../src/controlplane/api/errors.js';
import { eventually, lines, startHarness, type Harness } from './helpers.js';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h.close());

const json = { 'Content-Type': 'application/json' };
const create = (ns: string, name: string) =>
  h.fetch(`/api/v1/namespaces/${ns}/configmaps`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ metadata: { name } }),
  });

test('a watch streams one JSON event per line, initial state first', async (t) => {
  await create('w1', 'before');
  const controller = new AbortController();
  const res = await h.fetch('/api/v1/namespaces/w1/configmaps?watch=true', { signal: controller.signal });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json');
  t.is(res.headers.get('transfer-encoding'), 'chunked');
  const events = lines(res);
  const first = (await events.next()).value!;
  t.is(first.type, 'ADDED');
  t.is(first.object.metadata.name, 'before');
  await create('w1', 'after');
  const second = (await events.next()).value!;
  t.deepEqual([second.type, second.object.metadata.name], ['ADDED', 'after']);
  await h.fetch('/api/v1/namespaces/w1/configmaps/after', { method: 'DELETE' });
  t.is((await events.next()).value!.type, 'DELETED');
  controller.abort();
});

test('watch options reach the Api; a disconnect stops its watch', async (t) => {
  const before = h.api.activeWatches;
  const controller = new AbortController();
  const res = await h.fetch(
    '/api/v1/namespaces/w2/configmaps?watch=1&resourceVersion=5&labelSelector=a%3Db&allowWatchBookmarks=true&sendInitialEvents=false&timeoutSeconds=300',
    { signal: controller.signal },
  );
  t.is(res.status, 200);
  const call = h.api.calls.findLast((c) => c.method === 'watch' && c.args[1] === 'w2')!;
  t.deepEqual(call.args[2], {
    resourceVersion: '5',
    labelSelector: 'a=b',
    allowWatchBookmarks: true,
    sendInitialEvents: false,
    timeoutSeconds: 300,
  });
  t.true(h.api.activeWatches > before);
  controller.abort();
  await eventually(() => h.api.activeWatches === before);
  t.pass();
});

test('timeoutSeconds ends the stream', async (t) => {
  const res = await h.fetch('/api/v1/namespaces/w3/configmaps?watch=true&timeoutSeconds=1');
  const events: unknown[] = [];
  for await (const e of lines(res)) events.push(e);
  t.deepEqual(events, []);
});

test('an error when the watch starts is answered with its Status and code', async (t) => {
  const res = await h.fetch('/api/v1/namespaces/w4/configmaps?watch=true&resourceVersion=expired');
  t.is(res.status, 410);
  t.like(await res.json(), { kind: 'Status', reason: 'Expired', code: 410 });
});

test('an ERROR event carries a Status and ends the stream', async (t) => {
  const res = await h.fetch('/api/v1/namespaces/w5/configmaps?watch=true&resourceVersion=7');
  const events = lines(res);
  const done = (async () => {
    const all = [];
    for await (const e of events) all.push(e);
    return all;
  })();
  await eventually(() => h.api.calls.some((c) => c.method === 'watch' && c.args[1] === 'w5'));
  h.api.failWatches('w5', new ApiError(410, 'Expired', 'too old resource version'));
  const all = await done;
  t.like(all.at(-1), { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
});

test('watching one object by name restricts the watch to it', async (t) => {
  const controller = new AbortController();
  await h.fetch('/api/v1/namespaces/w6/configmaps/one?watch=true&fieldSelector=metadata.namespace%3Dw6', {
    signal: controller.signal,
  });
  const call = h.api.calls.findLast((c) => c.method === 'watch' && c.args[1] === 'w6')!;
  t.is((call.args[2] as { fieldSelector: string }).fieldSelector, 'metadata.namespace=w6,metadata.name=one');
  await h.fetch('/api/v1/watch/namespaces/w6/configmaps', { signal: controller.signal });
  t.is(h.api.calls.filter((c) => c.method === 'watch' && c.args[1] === 'w6').length, 2);
  controller.abort();
});

test('client-node Watch receives events', async (t) => {
  const seen: string[] = [];
  const req = await new Watch(h.kubeConfig()).watch(
    '/api/v1/namespaces/w7/configmaps',
    {},
    (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
    () => {},
  );
  await create('w7', 'cn');
  await eventually(() => seen.length === 1);
  t.deepEqual(seen, ['ADDED cn']);
  req.abort();
});

test('closing the server ends open watches', async (t) => {
  const own = await startHarness();
  const res = await own.fetch('/api/v1/namespaces/w8/configmaps?watch=true');
  const drained = (async () => {
    for await (const _ of lines(res));
  })();
  await own.close();
  await drained;
  t.is(own.api.activeWatches, 0);
});
