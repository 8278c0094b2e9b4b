/**
 * Hostile and careless clients against both HTTP servers, started for real: the daemon's
 * API (plain HTTP) and the embedded Kubernetes API (TLS, kubectl's way in). Request
 * targets no URL parser accepts, a 64 KiB selector, malformed HTTP, bodies at a byte a
 * tick, more connections than one address may hold, and a handler that throws: each gets
 * an answer with a body ({error} or a meta/v1 Status), and the server goes on serving.
 * (issue 10, items 1, 11 and 12)
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { httpGuard, type HttpLimits } from '../../src/core/index.js';
import { startCapstan, type Capstan } from '../../src/boot/index.js';
import { startServer, type Server } from '../../src/server/index.js';
import { startHarness, token as harnessToken, type Harness } from '../controlplane/api/http/helpers.js';
import { hasKubectl } from '../controlplane/helpers.js';
import { eventually } from '../helpers/eventually.js';
import { connect, dribble, endpointOf, exchange, type Endpoint, type RawAnswer } from './raw-http.js';

const TOKEN = 'hostile-token';
/** small enough for a test to see them act; nothing below asserts how long they took */
const tight: HttpLimits = { headersTimeoutMs: 1000, requestTimeoutMs: 1000, maxConnectionsPerIp: 3 };

let root: string;
let capstan: Capstan;
let server: Server;
let tightServer: Server;
let tightApi: Harness;
let daemonPort: Endpoint;
let apiPort: Endpoint;

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-hostile-http-'));
  // a webhook secret, so that webhook requests read their body (the slow-body test)
  process.env.HOSTILE_HOOK_SECRET = 'hook-secret';
  capstan = await startCapstan({
    dataDir: root,
    port: 0,
    token: TOKEN,
    runtime: 'simulated',
    server: { port: 0 },
    config: {
      server: {},
      queue: {},
      webhooks: { secrets: { github: { env: 'HOSTILE_HOOK_SECRET' } } },
      applications: [],
    },
  });
  server = capstan.server!;
  // a second server over the same daemon, with limits small enough to see them act
  tightServer = await startServer({ daemon: capstan.daemon!, token: TOKEN, port: 0, limits: tight });
  tightApi = await startHarness({ limits: tight });
  daemonPort = endpointOf(server.url);
  apiPort = endpointOf(capstan.controlPlane.url!, capstan.controlPlane.caCert);
});

test.after.always(async () => {
  await tightApi?.close();
  await tightServer?.close();
  await capstan?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const get = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;

/** The server still answers an ordinary request after whatever came before. */
async function stillServing(t: ExecutionContext, ep: Endpoint): Promise<void> {
  const answer = await exchange(ep, get('/healthz'));
  t.is(answer.status, 200, `${ep.port} still serves /healthz`);
}

function assertDaemonError(t: ExecutionContext, answer: RawAnswer, status: number, what: string): void {
  t.false(answer.reset, `${what}: answered, not reset`);
  t.is(answer.status, status, what);
  t.is(answer.headers['content-type'], 'application/json', what);
  t.is(typeof JSON.parse(answer.body).error, 'string', what);
}

function assertStatus(
  t: ExecutionContext,
  answer: RawAnswer,
  code: number,
  reason: string,
  what: string,
): void {
  t.false(answer.reset, `${what}: answered, not reset`);
  t.is(answer.status, code, what);
  t.like(JSON.parse(answer.body), { kind: 'Status', status: 'Failure', code, reason }, what);
}

// `//` made `new URL()` throw in the daemon's listener and ended the process
const badTargets = [
  '//',
  '//evil.example/api/v1/applications',
  '/\\evil',
  'http://[',
  '%',
  '*',
  '/%zz',
  '/api/v1/%E0%A4%A',
];

test('the daemon answers 400 {error} to any request target that is not a path, and serves on', async (t) => {
  for (const target of badTargets) {
    assertDaemonError(t, await exchange(daemonPort, get(target)), 400, target);
    await stillServing(t, daemonPort);
  }
});

test('the Kubernetes API answers 400 BadRequest to any request target that is not a path, and serves on', async (t) => {
  for (const target of badTargets) {
    assertStatus(t, await exchange(apiPort, get(target)), 400, 'BadRequest', target);
    await stillServing(t, apiPort);
  }
});

test('an absolute-form target (as proxies send) is served as its path', async (t) => {
  t.is((await exchange(daemonPort, get('http://capstan.example/healthz'))).status, 200);
  t.is((await exchange(apiPort, get('https://kubernetes.example/healthz'))).status, 200);
});

const selector = Array.from({ length: 8192 }, (_, i) => `k${i}=v`).join(',');

test('a 64 KiB selector or header gets 431 with a body on both ports, read in full, not reset', async (t) => {
  const inUrl = get(`/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`);
  const inHeader = get('/api/v1/namespaces/default/pods', `X-Selector: ${selector}\r\n`);
  for (const request of [inUrl, inHeader]) {
    assertDaemonError(t, await exchange(daemonPort, request), 431, 'daemon');
    await stillServing(t, daemonPort);
    const answer = await exchange(apiPort, request);
    assertStatus(t, answer, 431, 'BadRequest', 'api');
    t.regex(JSON.parse(answer.body).message, /request header fields too large/);
    await stillServing(t, apiPort);
  }
});

test('malformed HTTP and a missing Host get 400 with a body on both ports', async (t) => {
  const requests = [
    'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n',
    'NOT HTTP AT ALL\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n',
  ];
  for (const request of requests) {
    assertDaemonError(t, await exchange(daemonPort, request), 400, JSON.stringify(request));
    await stillServing(t, daemonPort);
    assertStatus(t, await exchange(apiPort, request), 400, 'BadRequest', JSON.stringify(request));
    await stillServing(t, apiPort);
  }
});

test.serial(
  'a body sent a byte at a time is dropped with 408 after the request timeout (daemon)',
  async (t) => {
    const ep = endpointOf(tightServer.url);
    const head =
      'POST /api/webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    assertDaemonError(t, await dribble(ep, head, '{"a":1}'), 408, 'slow body');
    await stillServing(t, ep);
    // and headers that never end
    assertDaemonError(
      t,
      await dribble(ep, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-A: b\r\n'),
      408,
      'slow headers',
    );
    await stillServing(t, ep);
  },
);

test.serial(
  'a slow body is dropped with a 408 Status, while an older watch stream stays open (API)',
  async (t) => {
    const ep = endpointOf(tightApi.url);
    const controller = new AbortController();
    const watch = await tightApi.fetch('/api/v1/namespaces/slow/configmaps?watch=true', {
      signal: controller.signal,
    });
    t.is(watch.status, 200);
    const head = `POST /api/v1/namespaces/slow/configmaps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${harnessToken}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    // dropped after the request timeout, so the watch opened before it is older than that
    assertStatus(t, await dribble(ep, head, '{"a":1}'), 408, 'Timeout', 'slow body');
    const created = await tightApi.fetch('/api/v1/namespaces/slow/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'after-the-timeout' } }),
    });
    t.is(created.status, 201);
    const reader = watch.body!.getReader();
    let seen = '';
    while (created.status === 201 && !seen.includes('after-the-timeout')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    t.regex(seen, /"type":"ADDED".*after-the-timeout/);
    controller.abort();
    await stillServing(t, ep);
  },
);

/** Opens `n` keep-alive connections, each proven served by one answered request. */
async function holdConnections(ep: Endpoint, n: number) {
  const held = [];
  for (let i = 0; i < n; i++) {
    const socket = await connect(ep);
    const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await answered;
    held.push(socket);
  }
  return held;
}

/** `refuse` tries one connection over the cap and checks how it is refused. */
async function assertCapped(t: ExecutionContext, ep: Endpoint, refuse: () => Promise<void>) {
  const held = await holdConnections(ep, tight.maxConnectionsPerIp);
  await refuse();
  // a client that resets while being refused must not take the server down
  for (let i = 0; i < 5; i++) {
    const socket = await connect(ep).catch(() => undefined);
    socket?.write(get('/healthz'));
    socket?.resetAndDestroy();
  }
  // a closed connection counts down: one more is admitted again
  held.pop()!.destroy();
  await eventually(async () => (await exchange(ep, get('/healthz'))).status === 200);
  for (const socket of held) socket.destroy();
  await stillServing(t, ep);
}

test.serial(
  'connections over the per-address cap are refused with 503 and counted down on close (daemon)',
  async (t) => {
    const ep = endpointOf(tightServer.url);
    await assertCapped(t, ep, async () =>
      assertDaemonError(t, await exchange(ep, get('/healthz')), 503, 'over the cap'),
    );
  },
);

test.serial('connections over the per-address cap are refused with a 503 Status (API)', async (t) => {
  const ep = endpointOf(tightApi.url);
  await assertCapped(t, ep, async () =>
    assertStatus(t, await exchange(ep, get('/healthz')), 503, 'ServiceUnavailable', 'over the cap'),
  );
});

test.serial('over TLS, connections over the cap are closed before the handshake (API)', async (t) => {
  const tlsApi = await startHarness({
    limits: tight,
    tls: {
      cert: capstan.controlPlane.caCert!,
      key: fs.readFileSync(path.join(root, 'controlplane', 'tls.key')),
    },
  });
  const ep = endpointOf(tlsApi.url, capstan.controlPlane.caCert);
  await assertCapped(t, ep, async () => {
    await t.throwsAsync(connect(ep));
  });
  await tlsApi.close();
});

test('the guard answers 500 with a body and logs whatever a handler throws, sync or async', async (t) => {
  const logged: string[] = [];
  const guard = httpGuard({
    limits: tight,
    errorBody: (_status, message) => ({ error: message }),
    onError: (e) => logged.push(String(e)),
  });
  const throwing = http.createServer(
    guard.serverOptions,
    guard.listener(async (req, res) => {
      if (req.url === '/sync') throw new Error('thrown at once');
      await Promise.resolve();
      if (req.url === '/async') throw new Error('thrown later');
      if (req.url === '/midway') {
        res.writeHead(200).write('partial');
        throw new Error('thrown mid-response');
      }
      res.writeHead(200).end('ok');
    }),
  );
  guard.install(throwing);
  await new Promise<void>((resolve) => throwing.listen(0, '127.0.0.1', resolve));
  const ep: Endpoint = { host: '127.0.0.1', port: (throwing.address() as AddressInfo).port };
  for (const target of ['/sync', '/async']) {
    assertDaemonError(t, await exchange(ep, get(target)), 500, target);
    t.is((await exchange(ep, get('/fine'))).status, 200);
  }
  // headers already sent: the connection is cut rather than a 500 written into the body
  const cut = await exchange(ep, get('/midway'));
  t.not(cut.status, 500);
  t.is((await exchange(ep, get('/fine'))).status, 200);
  t.deepEqual(logged, ['Error: thrown at once', 'Error: thrown later', 'Error: thrown mid-response']);
  throwing.closeAllConnections();
  await new Promise((resolve) => throwing.close(resolve));
});

test("kubectl with a 64 KiB label selector prints the server's message, not a reset", async (t) => {
  if (!hasKubectl) return t.pass('kubectl is not installed');
  const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', capstan.controlPlane.kubeconfigPath!, 'get', 'pods', '-l', selector],
      { timeout: 60_000, maxBuffer: 1 << 20 },
      (err, _stdout, stderr) => resolve({ code: err ? ((err.code as number) ?? 1) : 0, stderr }),
    );
  });
  t.not(out.code, 0);
  t.regex(out.stderr, /request header fields too large/);
  t.notRegex(out.stderr, /connection reset|EOF/);
  await stillServing(t, apiPort);
});
