import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { createHttpClient, requestThinPack } from '../../src/git/http.js';
import { gitFixture } from './fixture.js';

const pkt = (line: string) => (line.length + 4).toString(16).padStart(4, '0') + line;

test('thin-pack is added to the first want line, with the pkt-line length fixed', (t) => {
  const sha = 'a'.repeat(40);
  const rest = pkt(`want ${'b'.repeat(40)}\n`) + '0000' + pkt('done\n');
  const body = Buffer.from(pkt(`want ${sha} multi_ack_detailed ofs-delta agent=x\n`) + rest, 'latin1');
  t.is(
    requestThinPack(body).toString('latin1'),
    pkt(`want ${sha} multi_ack_detailed ofs-delta agent=x thin-pack\n`) + rest,
  );
  const already = Buffer.from(pkt(`want ${sha} thin-pack ofs-delta\n`), 'latin1');
  t.is(requestThinPack(already), already);
  const notWant = Buffer.from(pkt('command=ls-refs\n'), 'latin1');
  t.is(requestThinPack(notWant), notWant);
  const garbage = Buffer.from('zz', 'latin1');
  t.is(requestThinPack(garbage), garbage);
});

/** The mirror's packs, largest first, in bytes. */
function packSizes(cacheDir: string): number[] {
  const [repo] = readdirSync(cacheDir);
  const dir = path.join(cacheDir, repo, 'objects/pack');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.pack'))
    .map((n) => statSync(path.join(dir, n)).size)
    .sort((a, b) => b - a);
}

test('an incremental shallow fetch transfers only what changed (thin pack), not the tree again', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`apps/app-${i % 10}/cm-${i}.yaml`] = `data: ${'x'.repeat(200)} ${i}\n`;
  f.work.commit(files, 'many files');
  f.work.push();
  const cacheDir = path.join(f.tmp, 'cache');
  const source = f.source({ cacheDir });
  await (await source.sync()).snapshot.release();
  f.work.commit({ 'apps/app-3/cm-3.yaml': 'data: changed\n' }, 'one file');
  f.work.push();
  const synced = await source.sync();
  t.true(synced.fetched);
  const [first, second] = packSizes(cacheDir);
  t.true(second * 10 < first, `incremental pack ${second} bytes, first ${first} bytes`);
  await synced.snapshot.release();
});

test('a mirror with too many packs is fetched afresh, and syncs go on', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const cacheDir = path.join(f.tmp, 'cache');
  const source = f.source({ cacheDir, maxPacks: 2 });
  for (let i = 0; i < 4; i++) {
    const head = f.work.commit({ 'n.txt': `${i}\n` });
    f.work.push();
    const synced = await source.sync();
    t.is(synced.commit, head);
    await synced.snapshot.release();
    t.true(packSizes(cacheDir).length <= 3);
  }
});

test('a server that accepts connections and never answers times out as GIT_UNREACHABLE', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => {
    sockets.forEach((s) => s.destroy());
    silent.close();
  });
  const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/app.git`;
  const started = Date.now();
  const e = await t.throwsAsync(f.source({ url, timeoutMs: 300 }).check(), { instanceOf: CapstanError });
  t.is(e.code, 'GIT_UNREACHABLE');
  t.true(e.data.transient as boolean);
  t.true(Date.now() - started < 5_000);
});

/** A server that drops the first request of each kind without an answer, as a server closing a kept-alive socket does. */
async function resetsFirstRequest(): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    const first = !seen.includes(key);
    seen.push(key);
    if (first) return void req.socket.destroy();
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function bodyText(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const c of body ?? []) chunks.push(c);
  return Buffer.concat(chunks).toString();
}

test('a refs GET or an upload-pack POST reset before any answer (a stale kept-alive socket) is sent once more', async (t) => {
  const server = await resetsFirstRequest();
  t.teardown(() => server.close());
  const client = createHttpClient();
  const refs = await client.request({
    url: `${server.url}/r.git/info/refs?service=git-upload-pack`,
    headers: {},
  });
  t.is(refs.statusCode, 200);
  t.is(await bodyText(refs.body), 'ok');
  const pack = await client.request({
    url: `${server.url}/r.git/git-upload-pack`,
    method: 'POST',
    headers: {},
    body: [Buffer.from('0000')][Symbol.iterator]() as unknown as AsyncIterableIterator<Uint8Array>,
  });
  t.is(pack.statusCode, 200);
  t.is(await bodyText(pack.body), 'ok');
  t.is(server.seen.length, 4);
});
