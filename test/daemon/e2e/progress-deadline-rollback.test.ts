/**
 * A revision that fails by its Deployment's progress deadline (not by the health timeout)
 * is rolled back, and the rollback is judged on its own rollout. Kubernetes keeps the
 * `ProgressDeadlineExceeded` condition when the template goes back to an existing
 * ReplicaSet, until the rollout moves again; the status that first observes the rollback's
 * generation still carries it. End to end with real parts: a Git smart-HTTP server, the
 * daemon over its embedded control plane (simulated runtime), the Application created
 * through the control plane's API.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../../src/boot/index.js';
import type { Application, JsonObject } from '../../../src/core/index.js';
import { FAIL_ANNOTATION } from '../../../src/controlplane/kubelet/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';

let root: string;
let gitServer: GitServer;
let capstan: Capstan;

const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const ENDED = new Set(['Succeeded', 'Failed', 'Error']);

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-deadline-'));
  gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    runtime: 'simulated',
    server: false,
    ...(process.env.CAPSTAN_TEST_LOG
      ? { log: (level, fields, msg) => console.error(level, JSON.stringify(fields), msg) }
      : {}),
  });
});

test.after.always(async () => {
  await capstan?.close();
  await gitServer?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Two replicas, a 2 s progress deadline; `failing` pods never turn ready. */
function deployment(version: string, failing = false): string {
  const fail = failing ? `"${FAIL_ANNOTATION}": readiness, ` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  progressDeadlineSeconds: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {${fail}version: "${version}"}
    spec:
      containers: [{name: web, image: "example/web:${version}"}]
`;
}

const api = () => capstan.controlPlane.api;
const appOf = (name: string) => api().get(APPS, undefined, name) as unknown as Application;
const condition = (app: Application, type: string) => app.status?.conditions?.find((c) => c.type === type);

test('a revision past its progress deadline is rolled back, and the rollback ends Healthy and synced to the last good revision', async (t) => {
  const work = new WorkTree(createBareRepo(gitServer.root, 'web.git'));
  work.commit({ 'deploy.yaml': deployment('1') }, 'v1');
  work.push();
  const good = work.head();
  await api().create(APPS, undefined, {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web' },
    spec: {
      source: { repoURL: gitServer.repoUrl('web.git'), targetRevision: 'main', path: '.' },
      destination: { namespace: 'default' },
      pollInterval: '300ms',
      // far longer than the test: only the progress deadline can fail the revision
      healthTimeout: '10m',
    },
  } as unknown as JsonObject);
  await eventually(() => {
    const app = appOf('web');
    return condition(app, 'Ready')?.status === 'True' && app.status?.sync?.revision === good;
  }, 90_000);

  const bad = work.commit({ 'deploy.yaml': deployment('2', true) }, 'v2: never ready');
  work.push();
  const app = await eventually(
    () => {
      const a = appOf('web');
      const op = a.status?.operationState;
      // the automatic rollback's operation, ended (well or not)
      return op?.intent.type === 'rollback' && ENDED.has(op.phase) ? a : undefined;
    },
    90_000,
    50,
  );
  const op = app.status!.operationState!;
  t.is(op.phase, 'Succeeded', op.message);
  t.is(op.rolledBackTo, good);
  t.is(app.status?.health?.status, 'Healthy', JSON.stringify(app.status?.health));
  t.is(app.status?.sync?.revision, good);
  t.deepEqual(
    app.status?.resources?.map((r) => `${r.kind}/${r.name}:${r.status}`),
    ['Deployment/web:Synced'],
  );
  t.is(app.status?.failedRevision?.revision, bad);
  t.regex(app.status!.failedRevision!.reason, /exceeded its progress deadline/);
  const history = app.status!.history!;
  t.like(history.at(-2), { revision: bad, result: 'Failed' });
  t.like(history.at(-1), { revision: good, result: 'Succeeded', rollback: true });

  // the Deployment itself finished rolling back
  const live = await eventually(() => {
    const d = api().get(DEPLOYMENTS, 'default', 'web') as any;
    const progressing = d.status?.conditions?.find((c: any) => c.type === 'Progressing');
    return progressing?.reason === 'NewReplicaSetAvailable' ? d : undefined;
  }, 90_000);
  t.is(live.spec.template.metadata.annotations.version, '1');
});
