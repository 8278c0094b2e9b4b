// Runs the example app (manifests/example/app/server.mjs) as the embedded kubelet would:
// `node app/server.mjs` from the example repository root, with PORT set.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const exampleRoot = fileURLToPath(new URL('../../manifests/example/', import.meta.url));

interface Server {
  child: ChildProcess;
  url: string;
}

/** A port that was free a moment ago: bind port 0, read it, release it. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Polls until fn() returns true; the deadline is a safety net, not an assertion on timing. */
async function eventually(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return true;
    await sleep(50);
  }
  return false;
}

async function start(env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['app/server.mjs'], {
    cwd: exampleRoot,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume(); // request logs: drain them so the pipe never fills
  const url = `http://127.0.0.1:${port}`;
  if (!(await eventually(async () => (await fetch(`${url}/healthz`)).ok))) {
    child.kill('SIGKILL');
    throw new Error(`server did not start on ${url}`);
  }
  return { child, url };
}

function stop(server: Server): void {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
}

test('GET /healthz and /ready answer 200', async (t) => {
  const server = await start();
  t.teardown(() => stop(server));
  const health = await fetch(`${server.url}/healthz`);
  t.is(health.status, 200);
  t.is((await health.text()).trim(), 'ok');
  t.is((await fetch(`${server.url}/ready`)).status, 200);
});

test('GET / reports name, version, greeting, hostname and pid', async (t) => {
  const server = await start({ APP_VERSION: '9.9.9', GREETING: 'Hi there' });
  t.teardown(() => stop(server));
  const res = await fetch(`${server.url}/`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /application\/json/);
  const body = (await res.json()) as Record<string, unknown>;
  t.like(body, { name: 'hello', version: '9.9.9', greeting: 'Hi there', pid: server.child.pid });
  t.is(typeof body.hostname, 'string');
});

test('FAIL_READINESS=true keeps /ready at 503 while /healthz stays 200', async (t) => {
  const server = await start({ FAIL_READINESS: 'true' });
  t.teardown(() => stop(server));
  t.is((await fetch(`${server.url}/ready`)).status, 503);
  t.is((await fetch(`${server.url}/healthz`)).status, 200);
});

test('READY_DELAY_MS delays readiness, then /ready turns 200', async (t) => {
  const server = await start({ READY_DELAY_MS: '3000' });
  t.teardown(() => stop(server));
  // Startup takes well under 3 s, so the first answer is 503.
  t.is((await fetch(`${server.url}/ready`)).status, 503);
  t.true(await eventually(async () => (await fetch(`${server.url}/ready`)).status === 200));
});

test('SIGTERM exits 0', async (t) => {
  const server = await start();
  t.teardown(() => stop(server));
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  const [code, signal] = await exited;
  t.is(code, 0);
  t.is(signal, null);
});
