/**
 * Two `capstan serve` processes share one Redis: webhooks land on either, and still no
 * application is ever synced by both at once — each replica takes the application's lock in
 * Redis (src/daemon/app-lock.ts) before it writes and holds it until the sync ends. Each
 * daemon records its syncs (start and end) in its own state database; the test reads both
 * afterwards and checks that, per application, no two runs overlap in time and the newest
 * commit was synced. Webhook delivery ids are shared through Redis too: a replay refused by
 * one replica is refused by the other.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Application } from '../../../src/core/index.js';
import { StateStore, type SyncRecord } from '../../../src/daemon/state/state-store.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';
import {
  REDIS_SKIP_REASON,
  redisServerPath,
  startRedisServer,
  type RedisServer,
} from '../../helpers/redis-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];
const SECRET = 'replica-secret';
const APPS = ['a1', 'a2', 'a3', 'a4'];
const TOKEN = 'replica-token';

/**
 * One application's files at a round: a ConfigMap and a one-replica Deployment whose pod
 * changes every round, so that each sync applies, then waits for the rollout — the time
 * another replica would be tempted to sync the same application.
 */
function appFiles(app: string, round: number): Record<string, string> {
  return {
    [`${app}/cm.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${app}}\ndata: {v: "${round}"}\n`,
    [`${app}/deploy.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}, annotations: {round: "${round}"}}
    spec:
      containers: [{name: web, image: "example/web:${round}"}]
`,
  };
}

interface Replica {
  child: ChildProcess;
  api: string;
  dataDir: string;
}

let redis: RedisServer | undefined;
let dir: string;
let gitServer: GitServer;
let work: WorkTree;
const replicas: Replica[] = [];

function startReplica(name: string, config: string): Promise<Replica> {
  const dataDir = path.join(dir, name);
  const child = spawn(
    process.execPath,
    [
      ...cli,
      'serve',
      '--config',
      config,
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--api-port',
      '0',
      '--runtime',
      'simulated',
      '--token',
      TOKEN,
    ],
    { cwd: root, env: { ...process.env, HOOK_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  return eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${log}`);
      const m = /API and webhooks at (http:\/\/\S+)/.exec(log);
      return m ? { child, api: m[1], dataDir } : undefined;
    },
    60_000,
    50,
  );
}

const maybe = redisServerPath() ? test.serial : test.skip;
if (!redisServerPath()) test(`two daemons on one Redis: ${REDIS_SKIP_REASON}`, (t) => t.pass());

test.before(async () => {
  if (!redisServerPath()) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-replicas-'));
  redis = await startRedisServer();
  gitServer = new GitServer({ root: path.join(dir, 'repos') });
  await gitServer.start();
  work = new WorkTree(createBareRepo(gitServer.root, 'fleet.git'));
  const files: Record<string, string> = {};
  for (const app of APPS) Object.assign(files, appFiles(app, 0));
  work.commit(files);
  work.push();
  const config = path.join(dir, 'capstan.yaml');
  fs.writeFileSync(
    config,
    [
      'apiVersion: capstan.dev/v1alpha1',
      'kind: CapstanConfig',
      `queue: { redisUrl: "${redis.url}", concurrency: 2 }`,
      'webhooks: { github: { secretEnv: HOOK_SECRET } }',
      'applications:',
      ...APPS.map(
        (a) =>
          `  - { name: ${a}, source: { repoURL: "${gitServer.repoUrl('fleet.git')}", targetRevision: main, path: ${a} } }`,
      ),
      '',
    ].join('\n'),
  );
  replicas.push(await startReplica('r1', config), await startReplica('r2', config));
});

test.after.always(async () => {
  for (const r of replicas) r.child.kill('SIGKILL');
  await gitServer?.stop();
  await redis?.stop();
  work?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function webhook(api: string, after: string, delivery = randomUUID()) {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    after,
    repository: { clone_url: gitServer.repoUrl('fleet.git') },
    commits: [{ id: after, modified: APPS.flatMap((a) => [`${a}/cm.yaml`, `${a}/deploy.yaml`]) }],
  });
  const res = await fetch(`${api}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  return res.status;
}

async function applications(api: string): Promise<Application[]> {
  const res = await fetch(`${api}/api/v1/applications`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { items: Application[] }).items;
}

function stop(r: Replica): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null) return resolve();
    r.child.once('exit', () => resolve());
    r.child.kill('SIGTERM');
  });
}

maybe('a delivery taken by one replica is refused as a replay by the other', async (t) => {
  const delivery = randomUUID();
  const [first, second] = replicas;
  t.is(await webhook(first.api, work.head(), delivery), 202);
  t.is(await webhook(second.api, work.head(), delivery), 409);
  t.is(await webhook(second.api, work.head()), 202, 'a new delivery is taken');
});

maybe(
  'webhooks on both replicas: every app synced to the newest commit, never by both at once',
  async (t) => {
    let head = '';
    for (let round = 1; round <= 6; round++) {
      const files: Record<string, string> = {};
      for (const app of APPS) Object.assign(files, appFiles(app, round));
      head = work.commit(files, `round ${round}`);
      work.push();
      const statuses = await Promise.all(
        replicas.flatMap((r) => [webhook(r.api, head), webhook(r.api, head)]),
      );
      t.true(statuses.every((s) => s === 202));
    }
    // wait until every app's newest sync is at head on one replica or the other
    const readAll = () => {
      const all: Array<SyncRecord & { replica: string }> = [];
      for (const r of replicas) {
        const store = new StateStore(path.join(r.dataDir, 'daemon'));
        all.push(...store.syncs(undefined, 10_000).map((s) => ({ ...s, replica: path.basename(r.dataDir) })));
        store.close();
      }
      return all;
    };
    await eventually(
      () =>
        APPS.every((a) =>
          readAll().some((s) => s.app === a && s.revision === head && s.result === 'Succeeded'),
        ),
      90_000,
      200,
    );
    // each replica's Applications (in its own control plane) end Ready at the newest commit
    for (const r of replicas)
      await eventually(
        async () => {
          const apps = (await applications(r.api)).filter((a) => APPS.includes(a.metadata.name));
          return (
            apps.length === APPS.length &&
            apps.every(
              (a) =>
                a.status?.sync?.revision === head &&
                a.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
            )
          );
        },
        90_000,
        200,
      );
    await Promise.all(replicas.map(stop));
    const all = readAll();
    for (const app of APPS) {
      const runs = all
        .filter((s) => s.app === app && s.finishedAt !== undefined)
        .sort((a, b) => a.startedAt - b.startedAt);
      for (let i = 1; i < runs.length; i++) {
        t.true(
          runs[i].startedAt >= runs[i - 1].finishedAt!,
          `${app}: run on ${runs[i].replica} started before the run on ${runs[i - 1].replica} ended`,
        );
      }
      const last = runs[runs.length - 1];
      t.is(last.revision, head, `${app} ends at the newest commit`);
    }
    const byReplica = new Set(all.map((s) => s.replica));
    t.is(byReplica.size, 2, 'both replicas synced');
    t.true(
      all.length < APPS.length * 6 * 4,
      `${all.length} syncs for ${APPS.length * 6 * 4} webhook deliveries`,
    );
  },
);
