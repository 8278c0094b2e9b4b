/**
 * `npm start`'s job, as a real process: `capstan serve --config manifests/capstan.yaml`
 * deploys the example application to its embedded control plane, and the app answers
 * through its Service.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { eventually } from '../helpers/eventually.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let child: ChildProcess;
let dataDir: string;
let api = '';
let token = '';
let log = '';

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-start-'));
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'src/cli/main.ts'),
      'serve',
      '--config',
      'manifests/capstan.yaml',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--api-port',
      '0',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  api = await eventually(() => {
    if (child.exitCode !== null) throw new Error(log);
    return /API and webhooks at (\S+)/.exec(log)?.[1];
  }, 60_000);
  token = fs.readFileSync(path.join(dataDir, 'controlplane', 'token'), 'utf8').trim();
});

test.after.always(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function application(): Promise<any> {
  const res = await fetch(`${api}/api/v1/applications/hello-dev`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.json();
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

test('the example application is deployed, healthy, and answers through its Service', async (t) => {
  const app = await eventually(
    async () => {
      const a = await application();
      return a.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')
        ? a
        : undefined;
    },
    90_000,
    200,
  );
  t.like(app.status, { sync: { status: 'Synced' }, health: { status: 'Healthy' } });
  t.like(app.status.operationState, { phase: 'Succeeded', reason: 'startup' });
  t.true(app.status.resources.every((r: any) => r.status === 'Synced'));
  // the Service's host port is published on its Endpoints
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path.join(dataDir, 'controlplane', 'kubeconfig'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const endpoints = await core.readNamespacedEndpoints({ name: 'hello', namespace: 'hello-dev' });
  const port = Number(
    /http=(\d+)/.exec(endpoints.metadata?.annotations?.['capstan.dev/proxy-ports'] ?? '')?.[1],
  );
  t.true(port > 0);
  const answer = JSON.parse(await eventually(() => get(port), 30_000, 200));
  t.like(answer, { name: 'hello', version: 'latest', greeting: 'Hello from Capstan' });
});
