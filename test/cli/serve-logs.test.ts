/**
 * `capstan serve` logs: JSON lines on a pipe, a record per line, and `--log-level` drops
 * what is below it. Runs the command as a child process, as a user or a log shipper would.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveOptions } from '../../src/cli/serve-command.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/redis-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];

interface Served {
  code: number | null;
  stderr: string;
  /** every line of standard error, parsed */
  records: Array<Record<string, unknown>>;
}

/**
 * Runs `capstan serve ARGS` until its API answers /healthz (a readiness that does not
 * depend on the log level), then stops it with SIGTERM. The tests using it run serially:
 * two daemons starting at once on a loaded machine took over a minute.
 */
async function serveOnce(t: { teardown(fn: () => void): void }, args: string[], env = {}): Promise<Served> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-serve-logs-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const apiPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...cli,
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--api-port',
      String(apiPort),
      '--runtime',
      'simulated',
      ...args,
    ],
    {
      cwd: root,
      env: { ...process.env, CAPSTAN_CONFIG: '', CAPSTAN_LOG_LEVEL: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  t.teardown(() => child.kill('SIGKILL'));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
    return (await fetch(`http://127.0.0.1:${apiPort}/healthz`)).ok;
  }, 60_000);
  child.kill('SIGTERM');
  const code = await exit;
  const records = stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, stderr, records };
}

test.serial('on a pipe every line is a JSON record; the start-up lines are info records', async (t) => {
  // the flag wins over the environment
  const r = await serveOnce(t, ['--log-level', 'info'], { CAPSTAN_LOG_LEVEL: 'error' });
  t.is(r.code, 0, r.stderr);
  const info = r.records.filter((x) => x.level === 'info').map((x) => String(x.msg));
  for (const words of [
    'control plane serving at',
    'kubeconfig written to',
    'API and webhooks at',
    'shutting down',
  ])
    t.true(
      info.some((m) => m.startsWith(words)),
      `${words}: ${r.stderr}`,
    );
  for (const record of r.records) {
    t.is(typeof record.msg, 'string');
    t.is(new Date(String(record.time)).toISOString(), String(record.time));
  }
});

test.serial('--log-level warn: no info line, and what remains is JSON', async (t) => {
  const r = await serveOnce(t, ['--log-level', 'warn']);
  t.is(r.code, 0, r.stderr);
  t.false(r.stderr.includes('control plane serving at'));
  t.false(r.stderr.includes('API and webhooks at'));
  t.deepEqual(
    r.records.filter((x) => x.level !== 'warn' && x.level !== 'error'),
    [],
  );
});

test('the level: --log-level, else $CAPSTAN_LOG_LEVEL, else info', (t) => {
  t.is(serveOptions([], {}).logLevel, 'info');
  t.throws(() => serveOptions(['--log-level', 'verbose'], {}), {
    message: "serve: --log-level must be one of debug, info, warn, error, got 'verbose'",
  });
  t.is(serveOptions([], { CAPSTAN_LOG_LEVEL: 'debug' }).logLevel, 'debug');
  t.is(serveOptions(['--log-level', 'error'], { CAPSTAN_LOG_LEVEL: 'debug' }).logLevel, 'error');
  t.throws(() => serveOptions([], { CAPSTAN_LOG_LEVEL: 'loud' }), {
    message: "serve: $CAPSTAN_LOG_LEVEL must be one of debug, info, warn, error, got 'loud'",
  });
});
