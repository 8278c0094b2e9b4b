/**
 * Applications as objects, end to end with real parts: a Git smart-HTTP server, commits
 * pushed with native git, the daemon over its embedded control plane (simulated runtime),
 * Applications created and deleted through the control plane's API as `kubectl apply`
 * would. Each test has its own repository and application names: they run at once.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../../src/boot/index.js';
import type { Application, JsonObject } from '../../../src/core/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';

let root: string;
let gitServer: GitServer;
let capstan: Capstan;

const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const PROJECTS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'appprojects' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-apps-'));
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

const configMap = (name: string, value: string, namespace?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}data:\n  value: "${value}"\n`;

function deployment(name: string, opts: { failReadiness?: boolean; version?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: {${opts.failReadiness ? '"capstan.dev/simulate-fail": readiness, ' : ''}version: "${opts.version ?? '1'}"}
    spec:
      containers: [{name: web, image: "example/web:${opts.version ?? '1'}"}]
`;
}

/** A repository of its own, with a first commit; returns the work tree. */
function repo(name: string, files: Record<string, string>): WorkTree {
  const work = new WorkTree(createBareRepo(gitServer.root, `${name}.git`));
  work.commit(files, 'first');
  work.push();
  return work;
}

function application(name: string, spec: Partial<Application['spec']> & { repo: string }): JsonObject {
  const { repo: repoName, ...rest } = spec;
  return {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      source: { repoURL: gitServer.repoUrl(`${repoName}.git`), targetRevision: 'main', path: '.' },
      pollInterval: '300ms',
      ...rest,
    },
  } as unknown as JsonObject;
}

const api = () => capstan.controlPlane.api;
const appOf = (name: string) => api().get(APPS, undefined, name) as unknown as Application;
const configMapValue = (namespace: string, name: string) => {
  try {
    return (api().get(CONFIGMAPS, namespace, name).data as JsonObject).value;
  } catch {
    return undefined;
  }
};
const condition = (app: Application, type: string) => app.status?.conditions?.find((c) => c.type === type);
const ready = (name: string, revision?: string) =>
  eventually(
    () => {
      const app = appOf(name);
      return condition(app, 'Ready')?.status === 'True' &&
        (!revision || app.status?.sync?.revision === revision)
        ? app
        : undefined;
    },
    90_000,
    50,
  );

test('an Application created through the API is synced without a restart; deleting it with the finalizer deletes what it deployed', async (t) => {
  const work = repo('created', { 'cm.yaml': configMap('created', 'one', 'default') });
  await api().create(APPS, undefined, {
    ...application('created', { repo: 'created' }),
    metadata: { name: 'created', finalizers: ['capstan.dev/resources'] },
  });
  const app = await ready('created', work.head());
  t.is(configMapValue('default', 'created'), 'one');
  t.is(app.status?.sync?.status, 'Synced');
  t.is(app.status?.health?.status, 'Healthy');
  t.is(app.status?.history?.at(-1)?.revision, work.head());
  t.deepEqual(
    app.status?.resources?.map((r) => `${r.kind}/${r.name}:${r.status}`),
    ['ConfigMap/created:Synced'],
  );

  // a push is followed
  const second = work.commit({ 'cm.yaml': configMap('created', 'two', 'default') });
  work.push();
  await ready('created', second);
  t.is(configMapValue('default', 'created'), 'two');

  await api().delete(APPS, undefined, 'created');
  await eventually(() => configMapValue('default', 'created') === undefined, 90_000);
  await eventually(() => {
    try {
      appOf('created');
      return false;
    } catch {
      return true;
    }
  }, 90_000);
  t.pass();
});

test('sync of an exact revision applies that commit and pins the application until a plain sync', async (t) => {
  const work = repo('pinned', { 'cm.yaml': configMap('pinned', 'one', 'default') });
  const first = work.head();
  await api().create(APPS, undefined, application('pinned', { repo: 'pinned' }));
  await ready('pinned', first);
  const second = work.commit({ 'cm.yaml': configMap('pinned', 'two', 'default') });
  work.push();
  await ready('pinned', second);

  await capstan.daemon!.requestSync('pinned', {
    intent: { type: 'revision', revision: first },
    reason: 'test',
  });
  const pinned = await eventually(() => {
    const app = appOf('pinned');
    return app.status?.pinnedRevision === first && app.status.sync?.revision === first ? app : undefined;
  }, 90_000);
  t.is(configMapValue('default', 'pinned'), 'one');
  t.is(pinned.status?.operationState?.phase, 'Succeeded');

  // a new commit does not move a pinned application
  const third = work.commit({ 'cm.yaml': configMap('pinned', 'three', 'default') });
  const seen = gitServer.requests.length;
  work.push();
  // two polls of the repository after the push: the new commit has been seen and passed over
  await eventually(
    () =>
      gitServer.requests.slice(seen).filter((r) => r.path.startsWith('/pinned.git/info/refs')).length >= 3,
    90_000,
  );
  t.is(configMapValue('default', 'pinned'), 'one');

  // a plain sync releases the pin and follows the branch again
  await capstan.daemon!.requestSync('pinned', { intent: { type: 'follow' }, reason: 'test' });
  const released = await ready('pinned', third);
  t.is(released.status?.pinnedRevision, undefined);
  t.is(configMapValue('default', 'pinned'), 'three');
});

test('a newer commit supersedes a revision stuck waiting for health, and a failed revision rolls back', async (t) => {
  const work = repo('stuck', { 'deploy.yaml': deployment('stuck') });
  const good = work.head();
  await api().create(APPS, undefined, {
    ...application('stuck', { repo: 'stuck', healthTimeout: '10m', destination: { namespace: 'default' } }),
  });
  await ready('stuck', good);
  const bad = work.commit({ 'deploy.yaml': deployment('stuck', { failReadiness: true, version: '2' }) });
  work.push();
  await eventually(() => {
    const op = appOf('stuck').status?.operationState;
    return op?.revision === bad && op.phase === 'WaitingHealthy';
  }, 90_000);
  // waiting holds no worker: another application syncs meanwhile
  const other = repo('other', { 'cm.yaml': configMap('other', 'x', 'default') });
  await api().create(APPS, undefined, application('other', { repo: 'other' }));
  await ready('other', other.head());

  const fixed = work.commit({ 'deploy.yaml': deployment('stuck', { version: '3' }) });
  work.push();
  const app = await ready('stuck', fixed);
  t.is(app.status?.health?.status, 'Healthy');
  // the superseded revision never reached the health timeout (10 minutes)
  t.false(app.status?.history?.some((h) => h.revision === bad && h.result === 'Succeeded'));
});

test('a revision that never becomes healthy is rolled back, marked failed and not retried', async (t) => {
  const work = repo('rolls', { 'deploy.yaml': deployment('rolls') });
  const good = work.head();
  // time enough for the first rollout on a busy machine
  await api().create(APPS, undefined, application('rolls', { repo: 'rolls', healthTimeout: '5m' }));
  await ready('rolls', good);
  // from now on a revision gets 10 s: the bad one fails, the rollback to pods still running is quick
  await api().patch(APPS, undefined, 'rolls', 'merge', { spec: { healthTimeout: '10s' } });
  const bad = work.commit({ 'deploy.yaml': deployment('rolls', { failReadiness: true, version: '2' }) });
  work.push();
  const app = await eventually(() => {
    const a = appOf('rolls');
    return a.status?.failedRevision?.revision === bad && a.status.operationState?.rolledBackTo === good
      ? a
      : undefined;
  }, 60_000);
  t.is(app.status?.sync?.revision, good);
  t.is(condition(app, 'Stalled')?.status, 'True');
  t.is(condition(app, 'Ready')?.status, 'False');
  t.regex(condition(app, 'Ready')!.message, /failed/);
});

test('a namespace that does not exist yet is retried, not failed; CreateNamespace creates it', async (t) => {
  repo('later', { 'cm.yaml': configMap('later', 'v', 'later-ns') });
  await api().create(
    APPS,
    undefined,
    application('later', {
      repo: 'later',
      syncPolicy: { retry: { backoff: { duration: '200ms', maxDuration: '1s' } } },
    }),
  );
  const retrying = await eventually(() => {
    const app = appOf('later');
    return condition(app, 'Reconciling')?.reason === 'RetryingAfterError' ? app : undefined;
  }, 90_000);
  t.is(retrying.status?.failedRevision, undefined);
  t.regex(condition(retrying, 'Reconciling')!.message, /later-ns/);
  await api().create(NAMESPACES, undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'later-ns' },
  });
  await ready('later');
  t.is(configMapValue('later-ns', 'later'), 'v');

  repo('created-ns', { 'cm.yaml': configMap('in-new-ns', 'v') });
  await api().create(
    APPS,
    undefined,
    application('created-ns', {
      repo: 'created-ns',
      destination: { namespace: 'brand-new' },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
    }),
  );
  await ready('created-ns');
  t.is(configMapValue('brand-new', 'in-new-ns'), 'v');
});

test('a project violation applies nothing and names the object and the rule', async (t) => {
  await api().create(PROJECTS, undefined, {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'team-a' },
    spec: { sourceRepos: ['*'], destinations: [{ cluster: '*', namespace: 'team-a' }] },
  });
  repo('violating', {
    'cm.yaml': configMap('allowed', 'v', 'team-a'),
    'other.yaml': configMap('elsewhere', 'v', 'default'),
  });
  await api().create(
    APPS,
    undefined,
    application('violating', {
      repo: 'violating',
      project: 'team-a',
      destination: { namespace: 'team-a' },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
    }),
  );
  const app = await eventually(() => {
    const a = appOf('violating');
    return a.status?.failedRevision ? a : undefined;
  }, 90_000);
  t.regex(app.status!.failedRevision!.reason, /ConfigMap default\/elsewhere: .*\(destinations\)/);
  t.is(condition(app, 'Ready')?.reason, 'ProjectViolation');
  t.is(configMapValue('team-a', 'allowed'), undefined);
  t.is(configMapValue('default', 'elsewhere'), undefined);

  // the project's rules change: the refused revision is tried again under them
  await api().patch(PROJECTS, undefined, 'team-a', 'merge', {
    spec: {
      destinations: [
        { cluster: '*', namespace: 'team-a' },
        { cluster: '*', namespace: 'default' },
      ],
    },
  });
  await ready('violating');
  t.is(configMapValue('default', 'elsewhere'), 'v');
});

test('app of apps: an application whose Git holds Applications creates, updates and prunes them', async (t) => {
  repo('child-a', { 'cm.yaml': configMap('child-a', 'a', 'default') });
  repo('child-b', { 'cm.yaml': configMap('child-b', 'b', 'default') });
  const child = (name: string) =>
    `apiVersion: capstan.dev/v1alpha1\nkind: Application\nmetadata: {name: ${name}}\nspec:\n  source: {repoURL: "${gitServer.repoUrl(`${name}.git`)}", targetRevision: main}\n  pollInterval: 300ms\n`;
  const parent = repo('parent', { 'a.yaml': child('child-a'), 'b.yaml': child('child-b') });
  await api().create(APPS, undefined, application('parent', { repo: 'parent' }));
  await ready('parent', parent.head());
  await ready('child-a');
  await ready('child-b');
  t.is(configMapValue('default', 'child-b'), 'b');

  const pruned = parent.commit({ 'b.yaml': null });
  parent.push();
  await ready('parent', pruned);
  await eventually(() => {
    try {
      appOf('child-b');
      return false;
    } catch {
      return true;
    }
  }, 90_000);
  t.is(appOf('child-a').metadata.name, 'child-a');
});

const KUBECTL = '/usr/bin/kubectl';
const withKubectl = fs.existsSync(KUBECTL) ? test : test.skip;

withKubectl(
  'kubectl apply adds an application, kubectl get lists it, kubectl wait and kubectl delete work',
  async (t) => {
    const work = repo('by-kubectl', { 'cm.yaml': configMap('by-kubectl', 'k', 'default') });
    const file = path.join(root, 'by-kubectl.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: capstan.dev/v1alpha1
kind: Application
metadata: {name: by-kubectl, finalizers: [capstan.dev/resources]}
spec:
  source: {repoURL: "${gitServer.repoUrl('by-kubectl.git')}", targetRevision: main}
  pollInterval: 300ms
`,
    );
    // asynchronous: the API server kubectl talks to runs in this very process
    const kubectl = async (...args: string[]) =>
      (await promisify(execFile)(KUBECTL, ['--kubeconfig', capstan.controlPlane.kubeconfigPath!, ...args]))
        .stdout;
    t.regex(await kubectl('apply', '-f', file), /application.capstan.dev\/by-kubectl created/);
    t.regex(
      await kubectl('wait', '--for=condition=Ready', 'application/by-kubectl', '--timeout=90s'),
      /condition met/,
    );
    const table = await kubectl('get', 'applications', 'by-kubectl');
    t.regex(table, /NAME\s+PROJECT\s+DESTINATION\s+NAMESPACE\s+SYNC\s+HEALTH\s+REVISION\s+AGE/);
    t.regex(
      table,
      new RegExp(
        `by-kubectl\\s+default\\s+in-process\\s+default\\s+Synced\\s+Healthy\\s+${work.head().slice(0, 7)}`,
      ),
    );
    t.is(configMapValue('default', 'by-kubectl'), 'k');
    await kubectl('delete', 'application', 'by-kubectl', '--timeout=90s');
    t.is(configMapValue('default', 'by-kubectl'), undefined);
  },
);

test('an Application created through the API may not read a directory of the daemon host', async (t) => {
  await api().create(APPS, undefined, {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'host-dir' },
    spec: { source: { repoURL: '/etc', targetRevision: 'HEAD' } },
  } as unknown as JsonObject);
  const app = await eventually(() => {
    const a = appOf('host-dir');
    return condition(a, 'Stalled')?.status === 'True' ? a : undefined;
  }, 90_000);
  t.is(condition(app, 'Ready')?.reason, 'InvalidSpec');
  t.regex(condition(app, 'Ready')!.message, /directory of the daemon's host; only the configuration file/);
  t.is(app.status?.history?.length ?? 0, 0);
});
