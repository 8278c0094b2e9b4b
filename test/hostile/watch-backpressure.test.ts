/**
 * Issue 10, item 4: watchers that never read. A watch whose client stops reading must not
 * buffer every later event in the server: past its budget the server drops it (as
 * kube-apiserver's cacher does) while watches that read get every event; one client may
 * hold only so many watches (429 with a Status); and every watch the HTTP layer started is
 * stopped once its client goes.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import test from 'ava';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';
import { startApiServer, type ApiServerOptions } from '../../src/controlplane/api/http/index.js';
import { loadOrCreateServingCert, type ServingCert } from '../../src/controlplane/tls.js';
import type { Api } from '../../src/controlplane/api/types.js';
import { eventually } from '../helpers/eventually.js';

const token = 'watch-backpressure-token';
const NS = { group: '', version: 'v1', resource: 'namespaces' };
const CM = { group: '', version: 'v1', resource: 'configmaps' };

let dataDir: string;
let cp: ControlPlane;
let cert: ServingCert;
/** Api watches started and not yet stopped, across every server of this file */
let apiWatches = 0;
let api: Api;

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-watch-bp-'));
  cp = await startControlPlane({ dataDir, http: false, controllers: false });
  cert = await loadOrCreateServingCert(dataDir, ['127.0.0.1']);
  // the same Api, counting the watches the HTTP layer holds on it
  api = new Proxy(cp.api, {
    get(target, prop) {
      if (prop !== 'watch') {
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (...args: Parameters<Api['watch']>) => {
        const w = target.watch(...args);
        apiWatches++;
        let stopped = false;
        return {
          stop() {
            if (!stopped) apiWatches--;
            stopped = true;
            w.stop();
          },
        };
      };
    },
  });
  for (const name of ['stall', 'opening', 'limit'])
    await cp.api.create(NS, undefined, { metadata: { name } });
});

test.after.always(async () => {
  await cp?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function serve(options: Partial<ApiServerOptions>) {
  return startApiServer({ api, token, tls: cert, ...options });
}

interface RawWatch {
  status: number;
  socket: tls.TLSSocket;
  /** everything read after the status line, as latin1 text */
  received: string;
  /** resolves when the connection ends (the server closed it, or it was reset) */
  closed: Promise<void>;
}

/** A watch over its own TLS connection that reads the status line and then stops reading. */
function stalledWatch(port: number, urlPath: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: cert.cert });
    const w: RawWatch = {
      status: 0,
      socket,
      received: '',
      closed: new Promise((r) => socket.once('close', () => r())),
    };
    const onData = (d: Buffer) => {
      w.received += d.toString('latin1');
      if (w.status || !w.received.includes('\r\n')) return;
      w.status = Number(w.received.split(' ')[1]);
      // from here on the kernel's buffers fill up, then the server's
      socket.pause();
      resolve(w);
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  });
}

/** A watch that reads everything, collecting the names of ADDED objects. */
function readingWatch(url: string, urlPath: string) {
  const added: string[] = [];
  let buffered = '';
  const req = https.get(
    url + urlPath,
    { ca: cert.cert, headers: { Authorization: `Bearer ${token}` }, agent: false },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buffered += d;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffered.slice(0, nl)) as { type: string; object: any };
          buffered = buffered.slice(nl + 1);
          if (event.type === 'ADDED') added.push(event.object.metadata.name);
        }
      });
    },
  );
  req.on('error', () => {});
  return { added, close: () => req.destroy() };
}

/** A request answered with its status and headers as soon as they arrive, and its body to read. */
function request(url: string, urlPath: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: () => Promise<string> }>(
    (resolve, reject) => {
      const req = https.get(
        url + urlPath,
        { ca: cert.cert, headers: { Authorization: `Bearer ${token}` }, agent: false },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          const ended = new Promise<string>((r) => res.on('end', () => r(text)));
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: () => ended });
          // a watch answered 200 never ends: this helper is not for reading one
          if (res.statusCode === 200 && urlPath.includes('watch=')) req.destroy();
        },
      );
      req.on('error', reject);
    },
  );
}

const yieldToIo = () => new Promise((r) => setImmediate(r));

test.serial('a watch whose client stops reading is dropped; a reading watch gets every event', async (t) => {
  const server = await serve({ watchBufferBytes: 64 * 1024 });
  t.teardown(() => server.close());
  const watchPath = '/api/v1/namespaces/stall/configmaps?watch=true';
  const reader = readingWatch(server.url, watchPath);
  const stalled = await Promise.all([1, 2, 3].map(() => stalledWatch(server.port, watchPath)));
  t.deepEqual(
    stalled.map((w) => w.status),
    [200, 200, 200],
  );
  await eventually(() => apiWatches === 4);

  // 32 KiB each: the stalled connections' kernel buffers take the first few MiB, then the
  // server queues the rest up to its 64 KiB budget and drops them (stopping their Api watches)
  const data = { blob: 'x'.repeat(32 * 1024) };
  let writes = 0;
  while (apiWatches > 1 && writes < 1000) {
    await cp.api.create(CM, 'stall', { metadata: { name: `cm-${writes}` }, data });
    writes++;
    await yieldToIo();
  }
  t.is(apiWatches, 1, `the stalled watches are still served after ${writes} writes of 32 KiB`);
  // reading again, each stalled client finds what its kernel held, then the server's close:
  // a cut stream (no last chunk), short of the events written, so it would watch again
  for (const w of stalled) {
    w.socket.resume();
    await w.closed;
    const events = w.received.split('{"type":"ADDED"').length - 1;
    t.true(events < writes, `a stalled watch got ${events} of ${writes} events`);
    t.false(w.received.endsWith('\r\n0\r\n\r\n'));
  }
  await eventually(() => reader.added.length === writes);
  t.deepEqual(
    reader.added,
    Array.from({ length: writes }, (_, i) => `cm-${i}`),
  );
  t.is((await request(server.url, '/version')).status, 200);
  const list = await request(server.url, '/api/v1/namespaces/stall/configmaps');
  t.is(JSON.parse(await list.body()).items.length, writes);

  reader.close();
  await eventually(() => apiWatches === 0);
});

test.serial('the initial list is not held against the budget: only events after it are', async (t) => {
  const server = await serve({ watchBufferBytes: 64 * 1024 });
  t.teardown(() => server.close());
  const data = { blob: 'x'.repeat(32 * 1024) };
  // about 10 MiB: more than the connection's kernel buffers take
  for (let i = 0; i < 300; i++) await cp.api.create(CM, 'opening', { metadata: { name: `big-${i}` }, data });
  const w = await stalledWatch(server.port, '/api/v1/namespaces/opening/configmaps?watch=true');
  t.is(w.status, 200);
  await eventually(() => apiWatches === 1);
  // live events after the list: small ones, well within the budget
  for (let i = 0; i < 3; i++) {
    await yieldToIo();
    await cp.api.create(CM, 'opening', { metadata: { name: `small-${i}` }, data: { a: 'b' } });
  }
  w.socket.resume();
  const added = () => w.received.split('{"type":"ADDED"').length - 1;
  await eventually(() => added() === 303);
  t.true(w.received.includes('"name":"small-2"'));
  t.is(apiWatches, 1);
  w.socket.destroy();
  await eventually(() => apiWatches === 0);
});

test.serial(
  'a client over its watch limit gets 429 with a Status; in-process watches are not counted',
  async (t) => {
    const server = await serve({ maxWatchesPerClient: 2 });
    t.teardown(() => server.close());
    const watchPath = '/api/v1/namespaces/limit/configmaps?watch=true';
    const held = [await stalledWatch(server.port, watchPath), await stalledWatch(server.port, watchPath)];
    t.deepEqual(
      held.map((w) => w.status),
      [200, 200],
    );

    const refused = await request(server.url, watchPath);
    t.is(refused.status, 429);
    t.is(refused.headers['retry-after'], '1');
    t.like(JSON.parse(await refused.body()), {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 1 },
    });
    // a refused watch never started
    t.is(apiWatches, 2);
    // other requests of the same client are still served
    t.is((await request(server.url, '/api/v1/namespaces/limit/configmaps')).status, 200);
    // the control plane's own watchers use the Api in process, without any limit
    const inProcess = [1, 2, 3].map(() => cp.api.watch(CM, 'limit', {}, () => {}));
    for (const w of inProcess) w.stop();

    // a watch that ends gives its place back
    held[0].socket.destroy();
    await eventually(() => apiWatches === 1);
    const again = await stalledWatch(server.port, watchPath);
    t.is(again.status, 200);

    held[1].socket.destroy();
    again.socket.destroy();
    await eventually(() => apiWatches === 0);
  },
);
