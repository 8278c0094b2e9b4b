/**
 * The application reconciler end to end, with real process pods, through both cluster
 * drivers: the embedded one in process, and the kube one over HTTPS (pointed at the same
 * Capstan's embedded API server, so the code path that serves real clusters runs here).
 * A new revision rolls out gated on readiness; a revision whose pods never become ready is
 * rolled back to the last healthy one, and ready replicas never fall below
 * replicas − maxUnavailable meanwhile; the failed revision is not retried; drift is healed
 * (selfHeal), or only explained in status when selfHeal is off; what Git drops is pruned.
 */
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeconfigPathFor, startCapstan, type Capstan } from '../../../src/boot/index.js';
import type { Application, DaemonConfig, JsonObject } from '../../../src/core/index.js';
import type { SyncRecord } from '../../../src/daemon/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';

const web = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../controlplane/e2e/fixtures/web.mjs',
);
const REPLICAS = 3;
const MAX_UNAVAILABLE = 0;
/** Generous: two scenarios of real pods on a loaded machine. */
const WAIT_MS = 120_000;
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };
const PODS = { group: '', version: 'v1', resource: 'pods' };

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

const envOf = (dep: any, name: string) =>
  dep.spec.template.spec.containers[0].env.find((e: any) => e.name === name)?.value;

async function scenario(t: ExecutionContext, driver: 'embedded' | 'kube') {
  // real pods on a loaded machine: more than ava's two minutes without a finished test
  t.timeout(8 * 60_000);
  const started = Date.now();
  // shown with --verbose or on failure: where the time went
  const phase = (what: string) => t.log(`${Math.round((Date.now() - started) / 1000)} s: ${what}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `capstan-rollback-${driver}-`));
  const gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  const work = new WorkTree(createBareRepo(gitServer.root, 'app.git'));
  const v1 = work.commit(files('v1'), 'v1');
  work.push();
  // a second application, selfHeal off: its drift is reported, not corrected
  const observedWork = new WorkTree(createBareRepo(gitServer.root, 'observed.git'));
  observedWork.commit(
    { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: observed}\ndata: {greeting: hello}\n' },
    'observed',
  );
  observedWork.push();
  const dataDir = path.join(root, 'data');
  const source = (repo: string, dir: string) => ({
    repoURL: gitServer.repoUrl(repo),
    targetRevision: 'main',
    path: dir,
  });
  const config: DaemonConfig = {
    // the control plane writes its kubeconfig before the daemon starts
    ...(driver === 'kube' ? { cluster: { kubeconfig: kubeconfigPathFor(dataDir) } } : {}),
    server: {},
    queue: {},
    webhooks: { secrets: {} },
    applications: [
      {
        name: 'web',
        source: source('app.git', 'app'),
        namespace: 'default',
        syncPolicy: { prune: true, selfHeal: true, autoRollback: true },
        healthTimeoutMs: 30_000,
        pollIntervalMs: 200,
      },
      {
        name: 'observed',
        source: source('observed.git', '.'),
        namespace: 'default',
        syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
        pollIntervalMs: 200,
      },
    ],
  };
  let capstan: Capstan | undefined;
  let stopWatch: (() => void) | undefined;
  try {
    capstan = await startCapstan({
      dataDir,
      port: 0,
      token: 't',
      config,
      server: false,
      ...(process.env.CAPSTAN_TEST_LOG
        ? { log: (level, fields, msg) => console.error(driver, level, JSON.stringify(fields), msg) }
        : {}),
    });
    const api = capstan.controlPlane.api;
    const daemon = capstan.daemon!;
    const appOf = (name: string) => api.get(APPS, undefined, name) as unknown as Application;
    const condition = (app: Application, type: string) =>
      app.status?.conditions?.find((c) => c.type === type);
    const ready = (name: string, revision: string) =>
      eventually(
        () => {
          const app = appOf(name);
          return condition(app, 'Ready')?.status === 'True' && app.status?.sync?.revision === revision
            ? app
            : undefined;
        },
        WAIT_MS,
        100,
      );
    const syncs = (): SyncRecord[] =>
      daemon.state.syncs('web', 1000).filter((s) => s.finishedAt !== undefined);
    /** the first finished sync of a revision (not a rollback to it) */
    const syncOf = (rev: string) =>
      eventually(() => [...syncs()].reverse().find((s) => s.revision === rev && !s.rollback), WAIT_MS, 100);

    await ready('web', v1);
    t.like(await syncOf(v1), { result: 'Succeeded', health: 'Healthy' });
    // the configuration file's `cluster:` is registered as `default`, and its applications go there
    t.is(appOf('web').spec.destination?.cluster, driver === 'kube' ? 'default' : 'in-process');
    if (driver === 'kube')
      t.regex((await daemon.listClusters()).find((c) => c.name === 'default')!.server, /^https:\/\//);

    // from here on, every pod change is checked: ready replicas never below replicas − maxUnavailable
    let minReady = Infinity;
    const readyPods = () =>
      (api.list(PODS, 'default', { labelSelector: 'app=web' }).items as JsonObject[]).filter(
        (p: any) =>
          !p.metadata.deletionTimestamp &&
          p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      ).length;
    const watch = api.watch(PODS, 'default', { resourceVersion: '0' }, () => {
      minReady = Math.min(minReady, readyPods());
    });
    stopWatch = () => watch.stop();

    phase('v1 synced');

    // a new revision rolls out, gated on readiness (each push is seen by the application's poll)
    const v2 = work.commit(files('v2'), 'v2');
    work.push();
    const second = await ready('web', v2);
    t.like(await syncOf(v2), { result: 'Succeeded', health: 'Healthy' });
    t.is(second.status?.health?.status, 'Healthy');
    t.is(envOf(api.get(DEPLOY, 'default', 'web'), 'VERSION'), 'v2');

    phase('v2 synced');

    // a revision whose pods never become ready: Degraded, then rolled back to v2
    const v3 = work.commit(files('v3', { notReady: true }), 'v3 (broken)');
    work.push();
    const rolledBack = await eventually(
      () => {
        const app = appOf('web');
        const op = app.status?.operationState;
        return app.status?.failedRevision?.revision === v3 &&
          op?.rolledBackTo === v2 &&
          op.phase === 'Succeeded'
          ? app
          : undefined;
      },
      WAIT_MS,
      100,
    );
    const failed = await syncOf(v3);
    phase('v3 failed, v2 re-applied');
    t.is(failed.result, 'Failed');
    t.is(failed.health, 'Degraded');
    t.regex(failed.message!, /Deployment default\/web/);
    t.regex(failed.message!, /pod web-[a-z0-9]+-[a-z0-9]+ container web: readiness probe failing/);
    t.regex(rolledBack.status!.failedRevision!.reason, /readiness probe failing/);
    t.regex(rolledBack.status!.operationState!.message, /rolled back to/);
    t.is(rolledBack.status?.sync?.revision, v2);
    t.is(condition(rolledBack, 'Stalled')?.status, 'True');
    t.is(condition(rolledBack, 'Ready')?.reason, 'RolledBack');
    const history = rolledBack.status!.history!;
    t.like(history.at(-1), { revision: v2, result: 'Succeeded', rollback: true });
    t.like(history.at(-2), { revision: v3, result: 'Failed' });
    const rollbackRecord = syncs().find((s) => s.rollback && s.revision === v2)!;
    t.like(rollbackRecord, { result: 'Succeeded', health: 'Healthy' });
    t.regex(rollbackRecord.reason, /automatic rollback/);
    await eventually(
      () => {
        const dep = api.get(DEPLOY, 'default', 'web') as any;
        return (
          envOf(dep, 'VERSION') === 'v2' &&
          dep.status?.updatedReplicas === REPLICAS &&
          dep.status?.availableReplicas === REPLICAS
        );
      },
      WAIT_MS,
      100,
    );

    phase('v3 rolled back');

    // the failed revision is not tried again by itself: neither by polls nor by a reconcile
    // that a spec change starts
    const before = syncs().length;
    const polled = gitServer.requests.length;
    await eventually(
      () =>
        gitServer.requests.slice(polled).filter((r) => r.path.startsWith('/app.git/info/refs')).length >= 3,
      WAIT_MS,
      100,
    );
    phase('polled three times');
    await api.patch(
      APPS,
      undefined,
      'web',
      'merge',
      { spec: { healthTimeout: '31s' } },
      { fieldManager: 'test' },
    );
    const generation = appOf('web').metadata.generation;
    const reconciled = await eventually(
      () => {
        const app = appOf('web');
        return app.status?.observedGeneration === generation ? app : undefined;
      },
      WAIT_MS,
      100,
    );
    t.is(syncs().length, before, 'no sync after the rollback');
    t.is(reconciled.status?.failedRevision?.revision, v3);
    t.is(reconciled.status?.sync?.revision, v2);
    t.is(envOf(api.get(DEPLOY, 'default', 'web'), 'VERSION'), 'v2');
    t.true(minReady >= REPLICAS - MAX_UNAVAILABLE, `ready pods fell to ${minReady}`);
    stopWatch();
    stopWatch = undefined;

    phase('v3 not retried');

    // what Git drops is pruned
    const v4 = work.commit(files('v4', { withConfig: false }), 'v4: no config');
    work.push();
    const pruned = await ready('web', v4);
    t.like(await syncOf(v4), { result: 'Succeeded' });
    t.is(pruned.status?.failedRevision, undefined, 'a newer commit that succeeds clears the failed one');
    t.true((pruned.status?.operationState?.pruned ?? 0) >= 1);
    t.throws(() => api.get(CONFIGMAPS, 'default', 'web-config'), undefined, 'pruned');
    t.deepEqual(
      pruned.status?.resources?.map((r) => `${r.kind}/${r.name}`),
      ['Deployment/web'],
    );

    phase('v4 pruned');

    // drift: someone scales the Deployment by hand; selfHeal puts it back
    const healsBefore = syncs().filter((s) => s.reason.startsWith('self-heal')).length;
    await api.patch(
      DEPLOY,
      'default',
      'web',
      'merge',
      { spec: { replicas: 1 } },
      { fieldManager: 'kubectl-edit' },
    );
    const healed = await eventually(
      () => syncs().filter((s) => s.reason.startsWith('self-heal'))[healsBefore],
      WAIT_MS,
      100,
    );
    t.like(healed, { result: 'Succeeded', revision: v4 });
    await eventually(
      () => (api.get(DEPLOY, 'default', 'web') as any).spec.replicas === REPLICAS,
      WAIT_MS,
      100,
    );
    await ready('web', v4);

    phase('drift healed');

    // drift with selfHeal off: explained in status, line by line, and left alone
    const observed = await ready('observed', observedWork.head());
    t.deepEqual(
      observed.status?.resources?.map((r) => `${r.kind}/${r.name}:${r.status}`),
      ['ConfigMap/observed:Synced'],
    );
    await api.patch(
      CONFIGMAPS,
      'default',
      'observed',
      'merge',
      { data: { greeting: 'edited' } },
      { fieldManager: 'kubectl-edit' },
    );
    const drifted = await eventually(
      () => {
        const app = appOf('observed');
        return app.status?.resources?.some((r) => r.drift) ? app : undefined;
      },
      WAIT_MS,
      100,
    );
    const line = drifted.status!.resources!.find((r) => r.name === 'observed')!;
    t.is(line.status, 'OutOfSync');
    t.regex(line.drift!, /^changed live by kubectl-edit at \S+: data\.greeting hello → edited$/);
    t.is(drifted.status?.sync?.status, 'OutOfSync');
    t.is(condition(drifted, 'Ready')?.reason, 'OutOfSync');
    t.regex(condition(drifted, 'Ready')!.message, /ConfigMap default\/observed changed live by kubectl-edit/);
    // not healed: a sync of the application (asked for here) would be the only thing to put it back
    t.is((api.get(CONFIGMAPS, 'default', 'observed').data as JsonObject).greeting, 'edited');
    t.false(daemon.state.syncs('observed', 100).some((s) => s.reason.startsWith('self-heal')));
    await daemon.requestSync('observed', { intent: { type: 'follow' }, reason: 'test' });
    await eventually(
      () => (api.get(CONFIGMAPS, 'default', 'observed').data as JsonObject).greeting === 'hello',
      WAIT_MS,
      100,
    );
    const resynced = await eventually(
      () => {
        const app = appOf('observed');
        return app.status?.resources?.every((r) => r.status === 'Synced' && !r.drift) &&
          condition(app, 'Ready')?.status === 'True'
          ? app
          : undefined;
      },
      WAIT_MS,
      100,
    );
    t.is(resynced.status?.sync?.status, 'Synced');
    phase('done');
  } finally {
    stopWatch?.();
    await capstan?.close();
    await gitServer.stop();
    work.remove();
    observedWork.remove();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test.serial(
  'embedded driver: roll out, roll back a revision that never becomes ready, prune, heal drift',
  (t) => scenario(t, 'embedded'),
);
test.serial('kube driver over HTTPS: the same', (t) => scenario(t, 'kube'));
