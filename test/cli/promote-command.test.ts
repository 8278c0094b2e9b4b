/**
 * `capstan promote` and `capstan promotion list|get` as a user runs them: the real CLI in a
 * child process against the application API on a loopback server over an in-test DaemonApi.
 * The daemon's side (checks, edit, push, pull request) is tested in test/daemon/e2e/promotion.test.ts.
 */
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CAPSTAN_API_VERSION, CapstanError, type Promotion } from '../../src/core/index.js';
import type { PromotionOutcome } from '../../src/daemon/api.js';
import { FakeDaemon, startAppApiServer } from '../helpers/app-api-server.js';
import { runCapstan } from '../helpers/capstan-cli.js';

const TOKEN = 'promote-cli-token';
const REV = 'a1b2c3d'.padEnd(40, '0');

const OUTCOME: PromotionOutcome = {
  promotion: 'shop',
  from: 'staging',
  to: 'prod',
  revision: REV,
  changes: ['image example/web: 1 → 2'],
  file: 'overlays/prod/kustomization.yaml',
  diff: [
    {
      object: 'apps/v1 Deployment shop-prod/web',
      change: 'changed',
      diff: '--- before\n+++ after\n@@ -9 +9 @@\n-        image: example/web:1\n+        image: example/web:2\n',
    },
  ],
  dryRun: false,
  commit: 'f'.repeat(40),
  branch: 'capstan/promote/shop/prod/a1b2c3d',
  pullRequest: { number: 7, url: 'https://git.example/acme/shop/pull/7' },
};

const PROMOTION: Promotion = {
  apiVersion: CAPSTAN_API_VERSION,
  kind: 'Promotion',
  metadata: { name: 'shop', creationTimestamp: new Date(Date.now() - 7_200_000).toISOString() },
  spec: {
    stages: [
      { name: 'staging', application: 'shop-staging', soakTime: '10m' },
      {
        name: 'prod',
        application: 'shop-prod',
        windows: [{ kind: 'deny', schedule: '0 16 * * 5', duration: '64h' }],
      },
    ],
    mode: 'pr',
  },
  status: {
    promotions: [
      {
        from: 'staging',
        to: 'prod',
        revision: REV,
        changes: ['image example/web: 1 → 2'],
        branch: OUTCOME.branch,
        pullRequest: OUTCOME.pullRequest,
        at: '2026-12-05T10:00:00.000Z',
      },
    ],
  },
};

async function setup(t: ExecutionContext) {
  const daemon = new FakeDaemon();
  daemon.promotions.set('shop', PROMOTION);
  daemon.promoteOutcomes.set('shop', OUTCOME);
  const server = await startAppApiServer(daemon, TOKEN);
  t.teardown(() => server.close());
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-promote-cli-'));
  t.teardown(() => fs.rmSync(config, { recursive: true, force: true }));
  const env = { CAPSTAN_SERVER: server.url, CAPSTAN_TOKEN: TOKEN, XDG_CONFIG_HOME: config };
  return { daemon, run: (...args: string[]) => runCapstan(env, ...args) };
}

test('promote prints the changes, the rendered diff and the pull request; the request carries the flags', async (t) => {
  const { daemon, run } = await setup(t);
  const r = await run('promote', 'shop', '--from', 'staging', '--to', 'prod');
  t.is(r.status, 0, r.stderr);
  t.is(
    r.stdout,
    [
      'promotion shop: staging (a1b2c3d) → prod',
      'changes to overlays/prod/kustomization.yaml:',
      '  image example/web: 1 → 2',
      '',
      '===== apps/v1 Deployment shop-prod/web (changed) =====',
      '--- before',
      '+++ after',
      '@@ -9 +9 @@',
      '-        image: example/web:1',
      '+        image: example/web:2',
      '',
      'pushed fffffff to capstan/promote/shop/prod/a1b2c3d',
      'pull request #7: https://git.example/acme/shop/pull/7',
      '',
    ].join('\n'),
  );
  const dry = await run('promote', 'shop', '--from', 'staging', '--to', 'prod', '--dry-run', '--direct');
  t.is(dry.status, 0, dry.stderr);
  const calls = daemon.calls.filter((c) => c.method === 'promote').map((c) => c.args);
  t.deepEqual(calls, [
    ['shop', { from: 'staging', to: 'prod' }],
    ['shop', { from: 'staging', to: 'prod', dryRun: true, direct: true }],
  ]);
});

test('promote -o json prints the outcome as the API gives it', async (t) => {
  const { run } = await setup(t);
  const r = await run('promote', 'shop', '--from', 'staging', '--to', 'prod', '-o', 'json');
  t.is(r.status, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), OUTCOME);
});

test('nothing to promote says so and exits 0', async (t) => {
  const { daemon, run } = await setup(t);
  daemon.promoteOutcomes.set('shop', {
    ...OUTCOME,
    changes: [],
    diff: [],
    commit: undefined,
    branch: undefined,
    pullRequest: undefined,
  });
  const r = await run('promote', 'shop', '--from', 'staging', '--to', 'prod');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /prod already runs what staging runs: nothing to promote/);
});

test("a refusal exits 1 with the daemon's reason; a missing flag exits 2", async (t) => {
  const { daemon, run } = await setup(t);
  daemon.promoteOutcomes.set(
    'shop',
    new CapstanError(
      'PROMOTION_SOAKING',
      'promotion shop: staging has been Healthy at a1b2c3d for 2m; its soak time is 10m',
    ),
  );
  const refused = await run('promote', 'shop', '--from', 'staging', '--to', 'prod');
  t.is(refused.status, 1);
  t.regex(refused.stderr, /its soak time is 10m/);
  const missing = await run('promote', 'shop', '--from', 'staging');
  t.is(missing.status, 2);
  t.regex(missing.stderr, /give --from STAGE and --to STAGE/);
  const unknown = await run('promote', 'nope', '--from', 'a', '--to', 'b');
  t.is(unknown.status, 1);
  t.regex(unknown.stderr, /promotion "nope" not found/);
});

test('promotion list and get show the stages, gates and the last promotions', async (t) => {
  const { run } = await setup(t);
  const list = await run('promotion', 'list');
  t.is(list.status, 0, list.stderr);
  t.regex(list.stdout, /^NAME\s+STAGES\s+MODE\s+LAST\s+AGE\n/);
  t.regex(list.stdout, /shop\s+staging → prod\s+pr\s+staging → prod a1b2c3d\s+120m\n/);
  const get = await run('promotion', 'get', 'shop');
  t.is(get.status, 0, get.stderr);
  t.regex(get.stdout, /staging\s+shop-staging {2}\(soak 10m\)/);
  t.regex(get.stdout, /prod\s+shop-prod {2}\(deny 0 16 \* \* 5 for 64h\)/);
  t.regex(
    get.stdout,
    /staging → prod a1b2c3d: image example\/web: 1 → 2 {2}https:\/\/git.example\/acme\/shop\/pull\/7/,
  );
});
