/**
 * The reconciler end to end, with real process pods, through both cluster drivers: the
 * embedded one in process, and the kube one over HTTPS (pointed at the same daemon's
 * embedded API server, so the code path that serves real clusters runs here).
 * A new revision rolls out gated on readiness; a revision whose pods never become ready is
 * rolled back to the last healthy one, and ready replicas never fall below
 * replicas − maxUnavailable meanwhile; the failed revision is not retried; drift is healed;
 * what Git drops is pruned.
 */
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DaemonConfig, JsonObject } from '../../../src/core/index.js';
import { kubeconfigPathFor, startDaemon, type Daemon, type SyncRecord } from '../../../src/daemon/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';

const web = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../controlplane/e2e/fixtures/web.mjs',
);
const REPLICAS = 3;
const MAX_UNAVAILABLE = 0;
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

function files(
  version: string,
  opts: { notReady?: boolean; withConfig?: boolean } = {},
): Record<string, string | null> {
  const env = [
    `{name: VERSION, value: "${version}"}`,
    ...(opts.notReady ? ['{name: NOT_READY, value: "1"}'] : []),
  ];
  return {
    'app/kustomization.yaml': `resources: [deployment.yaml${opts.withConfig === false ? '' : ', config.yaml'}]\n`,
    'app/config.yaml':
      opts.withConfig === false
        ? null
        : 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\ndata: {greeting: hello}\n',
    'app/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${REPLICAS}
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: ${MAX_UNAVAILABLE}}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 3
      containers:
        - name: web
          image: capstan.dev/test/web:1
          command: ["${process.execPath}", "${web}"]
          env: [${env.join(', ')}]
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 1}
`,
  };
}

async function scenario(t: ExecutionContext, driver: 'embedded' | 'kube') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `capstan-rollback-${driver}-`));
  const gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  const work = new WorkTree(createBareRepo(gitServer.root, 'app.git'));
  const v1 = work.commit(files('v1'), 'v1');
  work.push();
  const dataDir = path.join(root, 'data');
  const config: DaemonConfig = {
    ...(driver === 'kube' ? { cluster: { kubeconfig: kubeconfigPathFor(dataDir) } } : {}),
    server: {},
    queue: {},
    webhooks: { secrets: {} },
    applications: [
      {
        name: 'web',
        source: { repoURL: gitServer.repoUrl('app.git'), targetRevision: 'main', path: 'app' },
        namespace: 'default',
        syncPolicy: { prune: true, selfHeal: true, autoRollback: true },
        healthTimeoutMs: 10_000,
      },
    ],
  };
  let daemon: Daemon | undefined;
  let stopWatch: (() => void) | undefined;
  try {
    daemon = await startDaemon({ dataDir, port: 0, token: 't', config, pollMs: 200 });
    const d = daemon;
    const syncs = (): SyncRecord[] =>
      d.sync.state.syncs('web', 1000).filter((s) => s.finishedAt !== undefined);
    // the first finished sync of a revision
    const syncOf = (rev: string) =>
      eventually(() => [...syncs()].reverse().find((s) => s.revision === rev), 90_000, 100);
    const syncNow = () => d.sync.enqueue('web', 'main', 'manual', 'test');

    const first = await syncOf(v1);
    t.like(first, { result: 'Succeeded', health: 'Healthy' }, first.message);

    // from here on, every pod change is checked: ready replicas never below replicas − maxUnavailable
    let minReady = Infinity;
    const readyPods = () =>
      (
        d.controlPlane.api.list({ group: '', version: 'v1', resource: 'pods' }, 'default', {
          labelSelector: 'app=web',
        }).items as JsonObject[]
      ).filter(
        (p: any) =>
          !p.metadata.deletionTimestamp &&
          p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      ).length;
    const watch = d.controlPlane.api.watch(
      { group: '', version: 'v1', resource: 'pods' },
      'default',
      { resourceVersion: '0' },
      () => {
        minReady = Math.min(minReady, readyPods());
      },
    );
    stopWatch = () => watch.stop();

    // a new revision rolls out, gated on readiness
    const v2 = work.commit(files('v2'), 'v2');
    work.push();
    await syncNow();
    t.like(await syncOf(v2), { result: 'Succeeded', health: 'Healthy' });
    const image = (dep: any) =>
      dep.spec.template.spec.containers[0].env.find((e: any) => e.name === 'VERSION').value;
    t.is(image(d.controlPlane.api.get(DEPLOY, 'default', 'web')), 'v2');

    // a revision whose pods never become ready: Degraded, then rolled back to v2
    const v3 = work.commit(files('v3', { notReady: true }), 'v3 (broken)');
    work.push();
    await syncNow();
    const failed = await syncOf(v3);
    t.is(failed.result, 'Failed');
    t.is(failed.health, 'Degraded');
    t.is(failed.rolledBackTo, v2);
    t.regex(failed.message!, /Deployment default\/web/);
    t.regex(failed.message!, /pod web-[a-z0-9]+-[a-z0-9]+ container web: readiness probe failing/);
    t.regex(failed.message!, /rolled back to/);
    await eventually(
      () => {
        const dep = d.controlPlane.api.get(DEPLOY, 'default', 'web') as any;
        return (
          image(dep) === 'v2' &&
          dep.status?.updatedReplicas === REPLICAS &&
          dep.status?.availableReplicas === REPLICAS
        );
      },
      60_000,
      100,
    );
    t.like(d.sync.application('web')!.failedRevision, { revision: v3 });

    // the failed revision is not tried again until a new commit arrives
    const before = syncs().length;
    await d.sync.enqueue('web', v3, 'poll', 'poll again');
    const skipped = await eventually(() => (syncs().length > before ? syncs()[0] : undefined), 60_000, 100);
    t.is(skipped.result, 'Skipped');
    t.true(minReady >= REPLICAS - MAX_UNAVAILABLE, `ready pods fell to ${minReady}`);
    stopWatch();
    stopWatch = undefined;

    // drift: someone scales the Deployment by hand; selfHeal puts it back
    const v4 = work.commit(files('v4', { withConfig: false }), 'v4: no config');
    work.push();
    await syncNow();
    const pruned = await syncOf(v4);
    t.like(pruned, { result: 'Succeeded' }, pruned.message);
    t.throws(() => d.controlPlane.api.get(CONFIGMAPS, 'default', 'web-config'), undefined, 'pruned');
    await d.controlPlane.api.patch(
      DEPLOY,
      'default',
      'web',
      'merge',
      { spec: { replicas: 1 } },
      { fieldManager: 'kubectl-edit' },
    );
    const healed = await eventually(() => syncs().find((s) => s.reason.startsWith('self-heal')), 30_000, 100);
    t.regex(healed.reason, /Deployment default\/web drifted \(\.spec\.replicas\)/);
    await eventually(
      () => (d.controlPlane.api.get(DEPLOY, 'default', 'web') as any).spec.replicas === REPLICAS,
      30_000,
      100,
    );
  } finally {
    stopWatch?.();
    await daemon?.close();
    await gitServer.stop();
    work.remove();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('embedded driver: roll out, roll back a revision that never becomes ready, prune, heal drift', (t) =>
  scenario(t, 'embedded'));
test('kube driver over HTTPS: the same', (t) => scenario(t, 'kube'));
