/**
 * Issue 10, item 2, through the daemon: a repository pushed to a real Git server holds
 * `deploy -> <host dir>` (Git stores the symlink as such) and the host directory holds a
 * Secret. Applications whose source.path is that link — a plain directory, a kustomization —
 * must fail their sync with RENDER_FILE_OUTSIDE_ROOT and apply nothing — their Application
 * stalled on that revision, saying why without the Secret — while an ordinary application
 * of the same repository syncs.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../src/boot/index.js';
import type { Application, DaemonConfig, KubeObject } from '../../src/core/index.js';
import type { SyncRecord } from '../../src/daemon/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../helpers/git-server.js';

const SECRET = 'aG9zdC1wYXNzd29yZA==';
const manifests = (name: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}-secret\ndata:\n  password: ${SECRET}\n---\n` +
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config\n`;

let root: string;
let gitServer: GitServer;
let work: WorkTree;
let capstan: Capstan;

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-hostile-daemon-'));
  // the host directories the links point at: outside the repository and its snapshots
  const plainOutside = path.join(root, 'host', 'plain');
  const kustomizedOutside = path.join(root, 'host', 'kustomized');
  fs.mkdirSync(plainOutside, { recursive: true });
  fs.mkdirSync(kustomizedOutside, { recursive: true });
  fs.writeFileSync(path.join(plainOutside, 'secret.yaml'), manifests('plain'));
  fs.writeFileSync(path.join(kustomizedOutside, 'secret.yaml'), manifests('kustomized'));
  fs.writeFileSync(path.join(kustomizedOutside, 'kustomization.yaml'), 'resources: [secret.yaml]\n');

  gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  work = new WorkTree(createBareRepo(gitServer.root, 'app.git'));
  fs.symlinkSync(plainOutside, path.join(work.dir, 'deploy'));
  fs.symlinkSync(kustomizedOutside, path.join(work.dir, 'kdeploy'));
  work.commit({ 'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: honest\n' }, 'links');
  work.push();

  const repoURL = gitServer.repoUrl('app.git');
  const syncPolicy = { prune: true, selfHeal: false, autoRollback: false };
  const app = (name: string, sourcePath: string) => ({
    name,
    source: { repoURL, targetRevision: 'main', path: sourcePath },
    namespace: 'default',
    syncPolicy,
  });
  const config: DaemonConfig = {
    server: {},
    queue: {},
    webhooks: { secrets: {} },
    applications: [app('plain', 'deploy'), app('kustomized', 'kdeploy'), app('honest', 'app')],
  };
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    runtime: 'simulated',
    server: false,
    config,
  });
});

test.after.always(async () => {
  await capstan?.close();
  await gitServer?.stop();
  work?.remove();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const finished = (app: string): SyncRecord[] =>
  capstan.daemon!.state.syncs(app, 1000).filter((s) => s.finishedAt !== undefined);

const application = (name: string) =>
  capstan.controlPlane.api.get(
    { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' },
    undefined,
    name,
  ) as unknown as Application;

const names = (resource: string): string[] =>
  (
    capstan.controlPlane.api.list({ group: '', version: 'v1', resource }, 'default').items as KubeObject[]
  ).map((o) => String(o.metadata.name));

test('a source.path symlinked out of the repository fails the sync and applies nothing', async (t) => {
  const honest = await eventually(() => finished('honest')[0], 60_000, 100);
  t.is(honest.result, 'Succeeded', honest.message);
  for (const app of ['plain', 'kustomized']) {
    const sync = await eventually(() => finished(app)[0], 60_000, 100);
    t.is(sync.result, 'Failed', `${app}: ${sync.message}`);
    t.regex(sync.message ?? '', /RENDER_FILE_OUTSIDE_ROOT/, app);
    t.regex(sync.message ?? '', /through a symlink/, app);
    t.false(JSON.stringify(sync).includes(SECRET), app);
    // the Application is stalled on that revision and says why
    const status = (await eventually(
      () => application(app).status?.failedRevision && application(app).status,
      60_000,
      100,
    ))!;
    t.regex(status.failedRevision!.reason, /RENDER_FILE_OUTSIDE_ROOT/, app);
    t.like(
      status.conditions?.find((c) => c.type === 'Stalled'),
      { status: 'True', reason: 'RenderFailed' },
      app,
    );
    t.false(JSON.stringify(status).includes(SECRET), app);
  }
  // the honest application's ConfigMap is there; nothing from the host directories is
  t.true(names('configmaps').includes('honest'));
  t.deepEqual(
    names('secrets').filter((n) => n.startsWith('plain') || n.startsWith('kustomized')),
    [],
  );
  t.deepEqual(
    names('configmaps').filter((n) => n.startsWith('plain') || n.startsWith('kustomized')),
    [],
  );
});
