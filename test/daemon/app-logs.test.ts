/**
 * `DaemonApi.logs` with real parts: a Git smart-HTTP server, a daemon over its embedded
 * control plane running pods as processes that print lines, and the `capstan app logs`
 * CLI in a child process over the daemon's HTTP API.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCapstan, type Capstan } from '../../src/boot/index.js';
import type { Application, DaemonConfig } from '../../src/core/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../helpers/git-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../..');
const printer = path.join(here, 'fixtures/print-lines.mjs');
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };

let root: string;
let gitServer: GitServer;
let capstan: Capstan;

const container = (name: string, count: number) =>
  `{name: ${name}, image: capstan.dev/test/printer:1, command: ["${process.execPath}", "${printer}"], ` +
  `env: [{name: COUNT, value: "${count}"}, {name: PREFIX, value: "${name} "}]}`;

/** A Deployment of one pod with two containers, a bare Pod, and a ConfigMap (no pods). */
const FILES = {
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: printer}
spec:
  replicas: 1
  selector: {matchLabels: {app: printer}}
  template:
    metadata: {labels: {app: printer}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - ${container('main', 150)}
        - ${container('side', 3)}
`,
  'pod.yaml': `apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - ${container('only', 2)}
`,
  'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: printer-config}\ndata: {a: b}\n',
};

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-app-logs-'));
  gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  const work = new WorkTree(createBareRepo(gitServer.root, 'printer.git'));
  work.commit(FILES, 'printer');
  work.push();
  const config: DaemonConfig = {
    server: {},
    queue: {},
    webhooks: { secrets: {} },
    applications: [
      {
        name: 'printer',
        source: { repoURL: gitServer.repoUrl('printer.git'), targetRevision: 'main', path: '.' },
        namespace: 'default',
        syncPolicy: { prune: true, selfHeal: true, autoRollback: false },
        pollIntervalMs: 1_000,
      },
    ],
  };
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    runtime: 'process',
    config,
    server: { port: 0 },
  });
});

test.after.always(async () => {
  await capstan?.close();
  await gitServer?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const lines = (from: number, to: number, prefix: string) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix} line ${from + i}`);

/** The application's logs once every container has printed all it prints. */
async function settledLogs(tail?: number) {
  await eventually(
    () => {
      const app = capstan.controlPlane.api.get(APPS, undefined, 'printer') as unknown as Application;
      return app.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    },
    90_000,
    100,
  );
  const want = tail ?? 100;
  return eventually(
    async () => {
      const logs = await capstan.daemon!.logs('printer', tail === undefined ? {} : { tail });
      const ends = logs.map((l) => l.lines.at(-1));
      return logs.length === 3 &&
        ends.every((end) => /line (150|3|2)$/.test(end ?? '')) &&
        logs.every((l) => l.lines.length === Math.min(want, { main: 150, side: 3, only: 2 }[l.container]!))
        ? logs
        : undefined;
    },
    60_000,
    200,
  );
}

test('logs() returns the last lines of every container of the application’s pods, 100 by default', async (t) => {
  const logs = await settledLogs();
  // sorted by pod: the bare Pod, then the Deployment's pod (found by its selector), containers in spec order
  t.deepEqual(
    logs.map((l) => [l.pod.replace(/^printer-.*/, 'printer-*'), l.container]),
    [
      ['bare', 'only'],
      ['printer-*', 'main'],
      ['printer-*', 'side'],
    ],
  );
  t.regex(logs[1].pod, /^printer-[a-z0-9]+-[a-z0-9]+$/);
  t.deepEqual(logs[0].lines, lines(1, 2, 'only'));
  t.deepEqual(logs[1].lines, lines(51, 150, 'main'));
  t.deepEqual(logs[2].lines, lines(1, 3, 'side'));
});

test('logs() with tail keeps that many lines per container', async (t) => {
  const logs = await settledLogs(2);
  t.deepEqual(
    logs.map((l) => l.lines),
    [lines(1, 2, 'only'), lines(149, 150, 'main'), lines(2, 3, 'side')],
  );
});

test('logs() of an unknown application is APP_NOT_FOUND', async (t) => {
  await t.throwsAsync(capstan.daemon!.logs('no-such-app'), { code: 'APP_NOT_FOUND' } as never);
});

test('`capstan app logs NAME --tail 1` prints each container’s lines after [pod/container]', async (t) => {
  await settledLogs(1);
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'app', 'logs', 'printer', '--tail', '1'],
        {
          cwd: projectRoot,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: root,
            CAPSTAN_SERVER: capstan.server!.url,
            CAPSTAN_TOKEN: 't',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    },
  );
  t.is(run.status, 0, run.stderr);
  const printed = run.stdout.trimEnd().split('\n');
  t.is(printed.length, 3, run.stdout);
  t.is(printed[0], '[bare/only] only line 2');
  t.regex(printed[1], /^\[printer-[a-z0-9-]+\/main\] main line 150$/);
  t.regex(printed[2], /^\[printer-[a-z0-9-]+\/side\] side line 3$/);
});
