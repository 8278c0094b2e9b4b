// Watchers that never read (issue 10, item 4): N TLS watches on ConfigMaps whose clients
// stop reading after the response headers, then W writes of 8 KiB ConfigMaps. Prints the
// API server process's RSS before the watches, with them open, at its peak during the
// writes, and after the clients went; how many watches were admitted, refused (429) and
// dropped by the server (for falling behind by more than their budget). A script that prints figures, never a test.
//
//   node --expose-gc --import tsx bench/hostile/watchers.mjs [--watches=10000] [--writes=75]
//        [--addresses=10] [--budget=BYTES] [--per-client=N] [--rounds=1]
//
// The clients run in a child process (so the RSS is the server's alone) and spread over
// `--addresses` loopback source addresses (127.0.0.1, .2, …): the per-client watch limit
// counts per address. Check `ulimit -n`: each process holds one descriptor per watch.
// A second round (`--rounds=2`) shows whether what the first left behind is reused or leaked.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const arg = (name, dflt) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? dflt : Number(hit.split('=')[1]);
};

if (process.argv[2] === 'client') await client();
else await server();

/** The child: opens the watches, pauses each socket after the headers, reports what it saw. */
async function client() {
  const { port, token, watches, addresses } = JSON.parse(process.argv[3]);
  const counts = { admitted: 0, refused: 0, failed: 0 };
  const sockets = [];
  const open = (i) =>
    new Promise((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        localAddress: `127.0.0.${(i % addresses) + 1}`,
        rejectUnauthorized: false,
      });
      sockets.push(socket);
      let head = '';
      const onData = (d) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n')) return;
        socket.off('data', onData);
        if (head.startsWith('HTTP/1.1 200')) {
          counts.admitted++;
          // a client that never reads again: the kernel's buffers fill, then the server's
          socket.pause();
        } else {
          if (head.startsWith('HTTP/1.1 429')) counts.refused++;
          else counts.failed++;
          socket.destroy();
        }
        resolve();
      };
      socket.on('data', onData);
      socket.on('error', () => {});
      socket.on('close', resolve);
      socket.write(
        `GET /api/v1/namespaces/bench/configmaps?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
    });
  for (let i = 0; i < watches; i += 200) {
    const batch = [];
    for (let j = i; j < Math.min(watches, i + 200); j++) batch.push(open(j));
    await Promise.all(batch);
  }
  process.send({ opened: counts });
  process.on('message', (m) => {
    if (m === 'close') {
      for (const s of sockets) s.destroy();
      process.send({ closed: true });
    }
  });
}

async function server() {
  const watches = arg('watches', 10_000);
  const writes = arg('writes', 75);
  const addresses = arg('addresses', 10);
  const budget = arg('budget', undefined);
  const perClient = arg('per-client', undefined);
  const rounds = arg('rounds', 1);
  const { startControlPlane } = await import('../../src/controlplane/index.ts');
  const { startApiServer } = await import('../../src/controlplane/api/http/index.ts');
  const { loadOrCreateServingCert } = await import('../../src/controlplane/tls.ts');

  const mb = (n) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  const gc = () => globalThis.gc?.();
  const rss = () => process.memoryUsage().rss;
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-watchers-'));
  const cp = await startControlPlane({ dataDir, http: false, controllers: false });
  // counts the Api watches the HTTP layer holds: all of them must stop when clients go
  let apiWatches = 0;
  const api = new Proxy(cp.api, {
    get(target, prop) {
      if (prop === 'watch')
        return (...args) => {
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
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const token = 'bench-token';
  const httpServer = await startApiServer({
    api,
    token,
    tls: await loadOrCreateServingCert(dataDir, ['127.0.0.1']),
    ...(budget !== undefined ? { watchBufferBytes: budget } : {}),
    ...(perClient !== undefined ? { maxWatchesPerClient: perClient } : {}),
  });
  const NS = { group: '', version: 'v1', resource: 'namespaces' };
  const CM = { group: '', version: 'v1', resource: 'configmaps' };
  await cp.api.create(NS, undefined, { metadata: { name: 'bench' } });

  /** one round: open the watches, write, let the clients go; the figures of each step */
  async function round(r) {
    await settle();
    const base = process.memoryUsage();
    const child = fork(fileURLToPath(import.meta.url), [
      'client',
      JSON.stringify({ port: httpServer.port, token, watches, addresses }),
    ]);
    const next = () => new Promise((resolve) => child.once('message', resolve));
    const { opened } = await next();
    await settle();
    const withWatches = process.memoryUsage();

    let peak = rss();
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 5);
    const data = { blob: 'x'.repeat(8 * 1024) };
    const started = performance.now();
    for (let i = 0; i < writes; i++) {
      await cp.api.create(CM, 'bench', { metadata: { name: `cm-${r}-${i}` }, data });
      peak = Math.max(peak, rss());
      await new Promise((resolve) => setImmediate(resolve));
    }
    const writeMs = performance.now() - started;
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      peak = Math.max(peak, rss());
    }
    clearInterval(sampler);
    const afterWrites = process.memoryUsage();
    // a paused client never sees the server's close: count on the server's side
    const stillServed = apiWatches;

    child.send('close');
    await next();
    const deadline = Date.now() + 60_000;
    while (apiWatches > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
    const after = process.memoryUsage();
    child.kill();
    // the next round starts from the same store
    await cp.api.deleteCollection(CM, 'bench', {});
    // RSS, then the JavaScript heap (used of committed) and Buffers: the rest is native memory
    const both = (m) =>
      `${mb(m.rss)} (heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, buffers ${mb(m.external)})`;
    return [
      [`round ${r}`, ''],
      ['  admitted (200)', opened.admitted],
      ['  refused (429)', opened.refused],
      ['  other failures', opened.failed],
      ['  dropped by the server during the writes', opened.admitted - stillServed],
      [`  writes of 8 KiB`, `${writes} in ${writeMs.toFixed(0)} ms`],
      ['  RSS before the watches', both(base)],
      ['  RSS with the watches open', both(withWatches)],
      ['  RSS peak during the writes', mb(peak)],
      ['  RSS after the writes', both(afterWrites)],
      ['  RSS after the clients went (gc)', both(after)],
      ['  Api watches left open', apiWatches],
    ];
  }

  const rows = [
    ['watches asked', watches],
    ['source addresses', addresses],
  ];
  for (let r = 1; r <= rounds; r++) rows.push(...(await round(r)));
  await httpServer.close();
  await cp.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const [what, value] of rows) console.log(`${what.padEnd(44)} ${value}`);
}
