/**
 * `capstan serve --config FILE`: a bad file stops the command before anything starts, with
 * the file, field and cause on one line; a good one gives the nodes it lists; flags win
 * over the file, the file over the defaults.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveOptions } from '../../src/cli/serve-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];
const HEAD = 'apiVersion: capstan.dev/v1alpha1\nkind: CapstanConfig\n';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-serve-config-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Run {
  code: number | null;
  stderr: string;
}

/** Runs `capstan serve …` until it exits, or until `until` matches its log (then SIGTERM). */
function run(args: string[], env: NodeJS.ProcessEnv = {}, until?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cli, 'serve', '--api-port', '0', ...args], {
      cwd: root,
      env: { ...process.env, CAPSTAN_CONFIG: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let stopping = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (until?.test(stderr) && !stopping) {
        stopping = true;
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('a bad file: exit 1 and one line naming the file, the field and the cause', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'capstan.yaml');
  fs.writeFileSync(
    file,
    `${HEAD}controlPlane:\n  nodes:\n    - name: big\n      capacity: { memory: lots }\n`,
  );
  const r = await run(['--config', file, '--data-dir', path.join(dir, 'data'), '--port', '0']);
  t.is(r.code, 1);
  t.is(
    r.stderr,
    `error: ${file}: controlPlane.nodes[0].capacity.memory: quantity "lots": quantities must match the ` +
      `regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'; write a quantity such as 4Gi or 512Mi ` +
      '[CONFIG_INVALID]\n',
  );
  // nothing started
  t.false(fs.existsSync(path.join(dir, 'data')));
});

test('an unknown field, through $CAPSTAN_CONFIG', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'c.yaml');
  fs.writeFileSync(file, `${HEAD}controlPlane:\n  node: []\n`);
  const r = await run(['--data-dir', path.join(dir, 'data'), '--port', '0'], { CAPSTAN_CONFIG: file });
  t.is(r.code, 1);
  t.is(
    r.stderr,
    `error: ${file}: controlPlane: unknown field "node" (known fields: host, port, ingressPort, runtime, nodes, imageCommands) [CONFIG_UNKNOWN_FIELD]\n`,
  );
});

test('a missing file', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'missing.yaml');
  const r = await run(['--config', file, '--port', '0']);
  t.is(r.code, 1);
  t.is(r.stderr, `error: ${file}: cannot read the configuration file: no such file [CONFIG_NOT_FOUND]\n`);
});

test('a good file: the nodes it lists run, the data directory is relative to it, --port wins', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'capstan.yaml');
  fs.writeFileSync(
    file,
    `${HEAD}dataDir: state
controlPlane:
  port: 1
  nodes:
    - { name: sim-1, runtime: simulated, labels: { zone: a } }
    - { name: sim-2, runtime: simulated, readyAfter: 100ms }
`,
  );
  const r = await run(['--config', file, '--port', '0'], {}, /kubeconfig written to/);
  t.is(r.code, 0, r.stderr);
  // JSON lines on a pipe
  const messages = r.stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
  t.true(messages.includes(`configuration read from ${file}`));
  t.true(messages.includes('nodes: sim-1 (simulated), sim-2 (simulated)'));
  t.regex(
    r.stderr,
    new RegExp(`data in ${path.join(dir, 'state').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`),
  );
  t.true(fs.existsSync(path.join(dir, 'state', 'controlplane', 'kubeconfig')));
});

test('precedence: flags, then the environment, then the file, then the defaults', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'capstan.yaml');
  fs.writeFileSync(
    file,
    `${HEAD}dataDir: /from/file
controlPlane:
  host: 0.0.0.0
  port: 7000
  ingressPort: 7001
  runtime: simulated
  nodes: [{ name: n1 }]
  imageCommands: [{ pattern: "a/*", command: [x] }]
`,
  );
  const fromFile = serveOptions(['--config', file], {}).options;
  t.like(fromFile, {
    dataDir: '/from/file',
    host: '0.0.0.0',
    port: 7000,
    ingressPort: 7001,
    runtime: 'simulated',
    nodes: [{ name: 'n1', capacity: {}, labels: {}, taints: [] }],
    imageCommands: [{ pattern: 'a/*', command: ['x'] }],
  });
  const fromEnv = serveOptions([], {
    CAPSTAN_CONFIG: file,
    CAPSTAN_DATA_DIR: '/from/env',
    CAPSTAN_TOKEN: 't',
  });
  t.like(fromEnv.options, { dataDir: '/from/env', token: 't', port: 7000 });
  t.is(fromEnv.config?.file, file);
  const fromFlags = serveOptions(
    [
      '--config',
      file,
      '--data-dir',
      '/from/flag',
      '--host',
      '127.0.0.2',
      '--port',
      '0',
      '--ingress-port',
      '9000',
      '--runtime',
      'process',
    ],
    { CAPSTAN_DATA_DIR: '/from/env' },
  ).options;
  t.like(fromFlags, {
    dataDir: '/from/flag',
    host: '127.0.0.2',
    port: 0,
    ingressPort: 9000,
    runtime: 'process',
  });
  const defaults = serveOptions([], {}).options;
  t.like(defaults, { host: '127.0.0.1', port: 6443, ingressPort: 0, runtime: 'process' });
  t.is(defaults.dataDir, undefined);
  t.is(defaults.nodes, undefined);
  t.throws(() => serveOptions(['--ingress-port', 'x'], {}), {
    message: "serve: --ingress-port must be a port number, got 'x'",
  });
});
