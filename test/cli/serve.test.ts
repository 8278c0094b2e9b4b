/**
 * `capstan serve` as a real process: it writes a kubeconfig that `capstan kubeconfig`
 * prints and clients use; SIGTERM stops it cleanly; kill -9 at any moment loses no
 * acknowledged write.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlDocument } from '../../src/core/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];

interface Served {
  child: ChildProcess;
  server: string;
  token: string;
  ca: string;
  kubeconfig: string;
}

/** Starts `capstan serve` on a free port and waits until it says where it serves. */
async function serve(dataDir: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [...cli, 'serve', '--data-dir', dataDir, '--port', '0', '--api-port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 30_000;
  while (!/kubeconfig written to (\S+);/.test(log)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const kubeconfig = /kubeconfig written to (\S+);/.exec(log)![1];
  const cfg = parseYamlDocument(fs.readFileSync(kubeconfig, 'utf8'), kubeconfig) as any;
  return {
    child,
    kubeconfig,
    server: cfg.clusters[0].cluster.server,
    token: cfg.users[0].user.token,
    ca: Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8'),
  };
}

function call(
  s: Served,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(urlPath, s.server),
      {
        method,
        ca: s.ca,
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}

test('serve writes a 0600 kubeconfig that kubeconfig prints; SIGTERM exits 0', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-serve-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const s = await serve(dataDir);
  t.is(fs.statSync(s.kubeconfig).mode & 0o777, 0o600);
  const printed = await new Promise<string>((resolve) => {
    const c = spawn(process.execPath, [...cli, 'kubeconfig', '--data-dir', dataDir], { cwd: root });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', () => resolve(out));
  });
  t.is(printed, fs.readFileSync(s.kubeconfig, 'utf8'));
  const ns = await call(s, 'GET', '/api/v1/namespaces/default');
  t.is(ns.status, 200);
  t.is(ns.body.metadata.name, 'default');
  s.child.kill('SIGTERM');
  t.is(await exited(s.child), 0);
});

test('kill -9 while writing loses no acknowledged write; the restarted server serves them', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-crash-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const s = await serve(dataDir);
  await call(s, 'POST', '/api/v1/namespaces', { metadata: { name: 'crash' } });
  const acked: string[] = [];
  let stop = false;
  const writers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      const name = `w${w}-${i}`;
      try {
        const r = await call(s, 'POST', '/api/v1/namespaces/crash/configmaps', {
          metadata: { name },
          data: { i: String(i) },
        });
        if (r.status === 201) acked.push(name);
      } catch {
        return; // the server is gone
      }
    }
  });
  while (acked.length < 200) await new Promise((r) => setTimeout(r, 5));
  s.child.kill('SIGKILL');
  stop = true;
  await exited(s.child);
  await Promise.all(writers);
  const again = await serve(dataDir);
  t.teardown(() => again.child.kill('SIGKILL'));
  const list = await call(again, 'GET', '/api/v1/namespaces/crash/configmaps');
  const stored = new Set(list.body.items.map((i: any) => i.metadata.name));
  const lost = acked.filter((n) => !stored.has(n));
  t.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes lost`);
  t.true(acked.length >= 200);
});
