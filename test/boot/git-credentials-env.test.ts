/**
 * `startCapstan({ env })` is the environment the configuration's secrets are read from —
 * Git credentials naming variables too, not only webhook secrets and cluster tokens. The
 * variables here are set in `env` alone, never in process.env.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan } from '../../src/boot/index.js';
import type { Application, DaemonConfig, JsonObject } from '../../src/core/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../helpers/git-server.js';

const AUTH = { username: 'env-user', password: 'env-Pa55word' };
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

test('Git credentials named by environment variables are read from startCapstan’s env', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-git-env-'));
  const gitServer = new GitServer({ root: path.join(root, 'repos'), auth: AUTH });
  await gitServer.start();
  t.teardown(async () => {
    await gitServer.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const work = new WorkTree(createBareRepo(gitServer.root, 'shop.git'));
  work.commit({
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-env}\ndata: {value: "1"}\n',
  });
  work.push();
  t.is(process.env.CAPSTAN_ENV_TEST_GIT_USER, undefined);
  const config: DaemonConfig = {
    server: {},
    queue: {},
    webhooks: { secrets: {} },
    applications: [
      {
        name: 'shop',
        source: { repoURL: gitServer.repoUrl('shop.git'), targetRevision: 'main', path: '.' },
        credentials: {
          env: { username: 'CAPSTAN_ENV_TEST_GIT_USER', password: 'CAPSTAN_ENV_TEST_GIT_PASSWORD' },
        },
        syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
      },
    ],
  };
  const capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    runtime: 'simulated',
    server: false,
    config,
    env: { CAPSTAN_ENV_TEST_GIT_USER: AUTH.username, CAPSTAN_ENV_TEST_GIT_PASSWORD: AUTH.password },
  });
  t.teardown(() => capstan.close());
  const api = capstan.controlPlane.api;
  const app = () => api.get(APPS, undefined, 'shop') as unknown as Application;
  await eventually(() => app().status?.sync?.revision === work.head(), 30_000).catch(() =>
    t.fail(`not synced: ${JSON.stringify(app().status?.conditions)}`),
  );
  t.is((api.get(CONFIGMAPS, 'default', 'from-env').data as JsonObject).value, '1');
  t.true(gitServer.requests.some((r) => r.user === AUTH.username));
});
