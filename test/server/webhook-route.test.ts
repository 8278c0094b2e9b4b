/**
 * The webhook route over real HTTP, with the real receiver behind it: the body limit (413
 * before any verification), the method, and each refusal's status through the error table.
 */
import test from 'ava';
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PushTarget as Application } from '../../src/daemon/webhooks/index.js';
import {
  MemoryReplayGuard,
  WebhookReceiver,
  type WebhookSyncRequest,
} from '../../src/daemon/webhooks/index.js';
import { serveWebhook, webhookPathProvider } from '../../src/server/webhook-route.js';

const SECRET = 'route-secret';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const apps: Application[] = [
  {
    name: 'shop',
    source: { repoURL: 'https://git.example.com/acme/shop.git', targetRevision: 'main', path: 'k8s' },
  },
];

const queued: WebhookSyncRequest[] = [];
const receiver = new WebhookReceiver({
  secrets: { github: SECRET },
  applications: () => apps,
  enqueue: async (r) => void queued.push(r),
  replay: new MemoryReplayGuard(),
  rateLimit: { perSecond: 0.001, burst: 4 },
});
let server: http.Server;
let base: string;

test.before(async () => {
  server = http.createServer((req, res) => {
    const provider = webhookPathProvider(req.url ?? '');
    if (provider === undefined) return void res.writeHead(404).end();
    void serveWebhook(req, res, provider, {
      receive: (p, h, b) => receiver.receive(p, h, b),
      maxBodyBytes: 1024,
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks`;
});

test.after.always(() => new Promise<void>((r) => server.close(() => r())));

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');
const pushBody = (ref = 'refs/heads/main') =>
  JSON.stringify({ ref, after: SHA, repository: { clone_url: 'https://git.example.com/acme/shop.git' } });

async function post(provider: string, headers: Record<string, string>, body: string) {
  const res = await fetch(`${base}/${provider}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const signed = (body: string, event = 'push') => ({
  'x-github-event': event,
  'x-github-delivery': randomUUID(),
  'x-hub-signature-256': `sha256=${sign(body)}`,
});

test.serial('a push: 202 with the event, the commit and what was queued', async (t) => {
  const body = pushBody();
  const res = await post('github', signed(body), body);
  t.is(res.status, 202);
  t.deepEqual(res.body, { event: 'push', revision: SHA, queued: ['shop'] });
});

test.serial('a ping: 200, ignored, with the reason', async (t) => {
  const res = await post('github', signed('{}', 'ping'), '{}');
  t.is(res.status, 200);
  t.deepEqual(res.body, { queued: [], ignored: true, reason: 'not an event Capstan acts on' });
});

test.serial('refusals answer with their status, message and code', async (t) => {
  const body = pushBody();
  const unknown = await post('sourcehut', {}, '{}');
  t.is(unknown.status, 404);
  t.is(unknown.body.code, 'WEBHOOK_PROVIDER_UNKNOWN');
  const unconfigured = await post('gitlab', {}, '{}');
  t.like(unconfigured, { status: 404, body: { code: 'WEBHOOK_NOT_CONFIGURED' } });
  t.regex(String(unconfigured.body.error), /no webhook is configured for provider "gitlab"/);
  t.like(await post('github', { 'x-github-event': 'push' }, body), {
    status: 401,
    body: { code: 'WEBHOOK_SIGNATURE_MISSING' },
  });
  const forged = await post(
    'github',
    { ...signed(body), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
    body,
  );
  t.like(forged, { status: 401, body: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
  t.like(await post('github', signed('nope'), 'nope'), {
    status: 400,
    body: { code: 'WEBHOOK_PAYLOAD_INVALID' },
  });
  const headers = signed(body);
  t.is((await post('github', headers, body)).status, 202);
  const replayed = await post('github', headers, body);
  t.like(replayed, { status: 409, body: { code: 'WEBHOOK_REPLAYED' } });
  t.regex(String(replayed.body.error), /was already received/);
});

test.serial('over the rate: 429 with Retry-After', async (t) => {
  let res;
  do {
    const body = pushBody();
    res = await post('github', signed(body), body);
  } while (res.status === 202);
  t.is(res.status, 429);
  t.is(res.body.code, 'WEBHOOK_RATE_LIMITED');
  t.true(Number(res.headers.get('retry-after')) > 0);
});

test('not POST: 405 with Allow', async (t) => {
  const res = await fetch(`${base}/github`);
  t.is(res.status, 405);
  t.is(res.headers.get('allow'), 'POST');
  t.like(await res.json(), { code: 'API_METHOD_NOT_ALLOWED' });
});

test('a body over the limit is 413 before any verification, declared or streamed', async (t) => {
  const before = queued.length;
  const big = JSON.stringify({ padding: 'x'.repeat(2048) });
  const declared = await post('github', signed(big), big);
  t.is(declared.status, 413);
  t.like(declared.body, { code: 'API_BODY_TOO_LARGE' });
  t.regex(String(declared.body.error), /over the limit of 1024/);
  // chunked: no Content-Length, so the limit is found while reading
  const streamed = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), text }));
    socket.on('error', reject);
    socket.write('POST /api/webhooks/github HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let i = 0; i < 4; i++) socket.write(`200\r\n${'y'.repeat(512)}\r\n`);
    socket.write('0\r\n\r\n');
  });
  t.is(streamed.status, 413);
  t.regex(streamed.text, /payload is over the limit of 1024 bytes/);
  t.is(queued.length, before);
});
