/**
 * Issue 10: a doubling-diamond kustomization (a few KB of YAML, thousands of objects) took
 * the daemon's only thread for seconds, and neither the daemon's API nor the embedded
 * Kubernetes API answered meanwhile. Renders now run in worker threads.
 *
 * The proof is by ordering, never by time. The revision renders the whole diamond and then
 * fails on its last step (a patch for an object that does not exist), so its failed sync
 * is recorded when the render ends. Its snapshot is renamed into place just before the
 * render starts; from then on, every request must be answered while no sync is recorded
 * finished yet. On the main thread, no request is answered before the render ends.
 */
import test from 'ava';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../src/boot/index.js';
import type { DaemonConfig } from '../../src/core/index.js';
import type { SyncRecord } from '../../src/daemon/index.js';
import { diamondFiles } from '../helpers/diamond-kustomization.js';
import { eventually } from '../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../helpers/git-server.js';

const TOKEN = 'api-token';
const LEVELS = 9; // 512 ConfigMaps: seconds of CPU, well under the render limits
const ROUNDS = 10;

let root: string;
let gitServer: GitServer;
let work: WorkTree;
let capstan: Capstan;
let badCommit: string;

const MISSING_TARGET_PATCH =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-in-the-build\ndata:\n  key: patched\n';

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-render-off-thread-'));
  gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  work = new WorkTree(createBareRepo(gitServer.root, 'diamond.git'));
  const diamond = Object.entries(diamondFiles(LEVELS)).map(([file, text]) => [`diamond/${file}`, text]);
  badCommit = work.commit({
    ...Object.fromEntries(diamond),
    'missing.yaml': MISSING_TARGET_PATCH,
    'kustomization.yaml': 'resources: [diamond]\npatches: [{ path: missing.yaml }]\n',
  });
  work.push();
  const config: DaemonConfig = {
    server: {},
    queue: {},
    webhooks: { secrets: {} },
    // the good commit of the second test is found by polling
    pollIntervalMs: 300,
    applications: [
      {
        name: 'diamond',
        source: { repoURL: gitServer.repoUrl('diamond.git'), targetRevision: 'main', path: '.' },
        syncPolicy: { prune: true, selfHeal: false, autoRollback: false },
      },
    ],
  };
  // the first sync (of badCommit) starts here
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: TOKEN,
    runtime: 'simulated',
    server: { port: 0 },
    config,
  });
});

test.after.always(async () => {
  await capstan?.close();
  await gitServer?.stop();
  work?.remove();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const syncs = (): SyncRecord[] => capstan.daemon!.state.syncs('diamond', 1000);
/** The reconciler records a sync once its render is done: none finished means still rendering. */
const rendering = () => !syncs().some((s) => s.finishedAt !== undefined);

async function daemonHealth(): Promise<number> {
  const res = await fetch(`${capstan.server!.url}/healthz`);
  await res.arrayBuffer();
  return res.status;
}

/** GET on the embedded Kubernetes API over its TLS port. */
function kubeApi(urlPath: string): Promise<{ status: number; body: any }> {
  const { url, caCert } = capstan.controlPlane;
  return new Promise((resolve, reject) => {
    const req = https.get(
      new URL(urlPath, url),
      { ca: caCert, headers: { authorization: `Bearer ${TOKEN}` } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
  });
}

test.serial('both APIs answer while a heavy render runs; its error arrives with its code', async (t) => {
  const snapshot = path.join(capstan.dataDir, 'git', 'snapshots', badCommit);
  // the sync's files are in place: its render starts next
  await eventually(() => fs.existsSync(snapshot), 30_000);
  t.true(rendering(), 'the render of the first revision has not ended yet');
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  let answeredDuringRender = 0;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      t.is(await daemonHealth(), 200);
      t.is((await kubeApi('/version')).status, 200);
      t.is((await kubeApi('/api')).status, 200);
      if (rendering()) answeredDuringRender++;
    }
    t.true(ticks > 0, 'timers fired during the render');
  } finally {
    clearInterval(ticker);
  }
  t.is(answeredDuringRender, ROUNDS, 'every round was answered before the render ended');

  const failed = await eventually(() => syncs().find((s) => s.finishedAt !== undefined), 60_000);
  t.like(failed, { result: 'Failed', revision: badCommit, attempt: 1 });
  // the sync worker names the code only for a CapstanError: the worker's error was rebuilt
  t.regex(
    failed.message ?? '',
    /not-in-the-build matches no resource in the build \[RENDER_PATCH_NO_TARGET\]$/,
  );
});

test.serial('a heavy valid render comes back whole from the worker and is applied', async (t) => {
  const good = work.commit({ 'kustomization.yaml': 'resources: [diamond]\n', 'missing.yaml': null });
  work.push();
  // a failed revision is not retried, but a newer commit is, without being asked
  const synced = await eventually(() => syncs().find((s) => s.result === 'Succeeded'), 120_000, 100);
  t.like(synced, { revision: good, objects: 2 ** LEVELS });
  const list = await kubeApi('/api/v1/namespaces/default/configmaps');
  const names = new Set((list.body.items as { metadata: { name: string } }[]).map((o) => o.metadata.name));
  t.true(names.has(`leaf${'-a'.repeat(LEVELS)}`));
  t.true(names.has(`leaf${'-b'.repeat(LEVELS)}`));
});
