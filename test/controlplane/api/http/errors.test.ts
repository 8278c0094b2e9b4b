import test from 'ava';
import { ApiError } from '../../../../src/controlplane/api/errors.js';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
test.before(async () => {
  h = await startHarness({ maxBodyBytes: 1024 });
});
test.after.always(() => h.close());

const cms = '/api/v1/namespaces/default/configmaps';
const json = { 'Content-Type': 'application/json' };

async function status(res: Response) {
  if (res.headers.get('content-type') !== 'application/json') throw new Error('a Status must be JSON');
  return (await res.json()) as { kind: string; reason: string; code: number; message: string };
}

/** After any error the server must still answer. */
async function stillServing(t: { is: (a: unknown, b: unknown) => void }) {
  t.is((await h.fetch(cms)).status, 200);
}

test.serial('an ApiError from the Api keeps its code and Status', async (t) => {
  const res = await h.fetch(`${cms}/missing`);
  t.is(res.status, 404);
  t.like(await status(res), {
    kind: 'Status',
    reason: 'NotFound',
    message: 'configmaps "missing" not found',
    details: { name: 'missing', kind: 'configmaps' },
  });
  h.api.failNext = new ApiError(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 3 });
  const busy = await h.fetch(cms);
  t.is(busy.status, 429);
  t.is(busy.headers.get('retry-after'), '3');
});

test('an unknown resource is a 404 Status', async (t) => {
  for (const path of [
    '/api/v1/nothings',
    '/apis/nope/v1/things',
    '/api/v1/namespaces/default/pods/p/logs',
    '/foo',
  ]) {
    const res = await h.fetch(path);
    t.is(res.status, 404, path);
    t.is((await status(res)).message, 'the server could not find the requested resource');
  }
});

test('malformed JSON and YAML bodies are 400 BadRequest', async (t) => {
  const bad = await h.fetch(cms, { method: 'POST', headers: json, body: '{"metadata": ' });
  t.is(bad.status, 400);
  t.is((await status(bad)).reason, 'BadRequest');
  const yaml = await h.fetch(`${cms}/x`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
    body: 'a: [b\nc: }',
  });
  t.is(yaml.status, 400);
  t.regex((await status(yaml)).message, /invalid YAML/);
  const notObject = await h.fetch(cms, { method: 'POST', headers: json, body: '[1]' });
  t.is(notObject.status, 400);
  await stillServing(t);
});

test('a body over maxBodyBytes is 413 RequestEntityTooLarge', async (t) => {
  const body = JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(4096) } });
  const res = await h.fetch(cms, { method: 'POST', headers: json, body });
  t.is(res.status, 413);
  t.like(await status(res), {
    reason: 'RequestEntityTooLarge',
    message: 'Request entity too large: limit is 1024',
  });
  // the same without a Content-Length: a streamed upload
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode(body));
      c.close();
    },
  });
  const chunked = await h.fetch(cms, {
    method: 'POST',
    headers: json,
    body: stream,
    duplex: 'half',
  } as RequestInit);
  t.is(chunked.status, 413);
  await stillServing(t);
});

test('an unsupported body media type is 415', async (t) => {
  const res = await h.fetch(`${cms}/x`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'text/plain' },
    body: '{}',
  });
  t.is(res.status, 415);
  t.is((await status(res)).reason, 'UnsupportedMediaType');
  const noType = await h.fetch(`${cms}/x`, { method: 'PATCH', body: '{}' });
  t.is(noType.status, 415);
  const post = await h.fetch(cms, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
    body: 'x',
  });
  t.is(post.status, 400, 'a protobuf body without the k8s envelope cannot be decoded');
});

test('an unknown method, or a verb the path does not take, is 405', async (t) => {
  for (const [method, path] of [
    ['OPTIONS', cms],
    ['POST', `${cms}/x`],
    ['PUT', cms],
    ['POST', '/api/v1/configmaps'],
    ['DELETE', '/api/v1/configmaps'],
    ['DELETE', '/api/v1/namespaces/default/pods/p/status'],
    ['DELETE', '/api/v1/namespaces'],
  ]) {
    const res = await h.fetch(path, { method, headers: json, body: method === 'OPTIONS' ? undefined : '{}' });
    t.is(res.status, 405, `${method} ${path}`);
    t.is((await status(res)).reason, 'MethodNotAllowed');
  }
});

test('an Accept header we cannot satisfy is 406', async (t) => {
  const res = await h.fetch(cms, { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
  t.is(res.status, 406);
  t.is((await status(res)).reason, 'NotAcceptable');
});

test('invalid query parameters are 400', async (t) => {
  const table = 'application/json;as=Table;v=v1;g=meta.k8s.io';
  const cases: [string, RequestInit][] = [
    ['limit=abc', {}],
    ['watch=maybe', {}],
    ['includeObject=All', { headers: { Accept: table } }],
    ['dryRun=Some', { method: 'POST', headers: json, body: '{"metadata":{"name":"q"}}' }],
    ['fieldValidation=Loose', { method: 'POST', headers: json, body: '{"metadata":{"name":"q"}}' }],
    ['propagationPolicy=Later', { method: 'DELETE' }],
  ];
  for (const [q, init] of cases) {
    const res = await h.fetch(`${cms}?${q}`, init);
    t.is(res.status, 400, q);
    t.is((await status(res)).reason, 'BadRequest');
  }
});

test.serial('an unexpected exception is a generic 500 whose detail only reaches the log', async (t) => {
  h.api.failNext = new Error('secret detail at /var/lib/thing');
  const res = await h.fetch(`${cms}/x`);
  t.is(res.status, 500);
  const body = await res.text();
  t.notRegex(body, /secret detail|at .*\.ts/);
  t.is(JSON.parse(body).reason, 'InternalError');
  const entry = h.logged.find((l) => (l.fields.err as Error)?.message === 'secret detail at /var/lib/thing');
  t.truthy(entry);
  t.is(entry!.fields.path, `${cms}/x`);
  await stillServing(t);
});
