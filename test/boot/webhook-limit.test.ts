/**
 * Start-up wiring: the configuration's `webhooks.maxBodyBytes` reaches the HTTP server's
 * webhook route (the daemon no longer reads bodies, so nothing else would apply it).
 */
import test from 'ava';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMPTY_DAEMON_CONFIG, startCapstan, type Capstan } from '../../src/boot/index.js';

const SECRET = 'boot-hook-secret';
let root: string;
let capstan: Capstan;

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-boot-hooks-'));
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    runtime: 'simulated',
    server: { port: 0 },
    env: { BOOT_HOOK_SECRET: SECRET },
    config: {
      ...EMPTY_DAEMON_CONFIG,
      webhooks: { secrets: { github: { env: 'BOOT_HOOK_SECRET' } }, maxBodyBytes: 2048 },
    },
  });
});

test.after.always(async () => {
  await capstan?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

async function ping(body: string) {
  const res = await fetch(`${capstan.server!.url}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'x-github-event': 'ping',
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('a body within the configured limit is taken; one over it is 413 naming the limit', async (t) => {
  t.like(await ping(JSON.stringify({ zen: 'x'.repeat(1000) })), { status: 200, body: { ignored: true } });
  const over = await ping(JSON.stringify({ zen: 'x'.repeat(3000) }));
  t.is(over.status, 413);
  t.regex(String(over.body.error), /over the limit of 2048/);
});
