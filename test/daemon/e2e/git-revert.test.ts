/**
 * Rollbacks that Git agrees with, end to end with real parts: a Git smart-HTTP server (native
 * git commits, and reads what Capstan pushed), a GitHub API stand-in that records the pull
 * requests, and the daemon over its embedded control plane with the simulated runtime (a pod
 * annotated `capstan.dev/simulate-fail: readiness` never gets ready, so its revision fails its
 * health check and is rolled back). Each test has its own repository and applications: they
 * run at once.
 */
import test from 'ava';
import type { Capstan } from '../../../src/boot/index.js';
import type { Application, JsonObject } from '../../../src/core/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, git, GitServer, WorkTree } from '../../helpers/git-server.js';
import type { GitHubStandin } from '../../helpers/providers/github-standin.js';
import { startProviderFixture, type ProviderFixture } from '../../helpers/provider-fixture.js';

let gitServer: GitServer;
let github: GitHubStandin;
let capstan: Capstan;

const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const WAIT_MS = 90_000;

let fixture: ProviderFixture;

test.before(async () => {
  fixture = await startProviderFixture('git-revert', {
    env: { ...process.env, CAPSTAN_GIT_REVERT_GRACE: '3s' },
  });
  ({ gitServer, github, capstan } = fixture);
});

test.after.always(() => fixture?.close());

/** One application's directory: a Deployment (and a ConfigMap), broken when `fail` is set. */
function appFiles(dir: string, opts: { version: string; fail?: boolean; extra?: boolean }) {
  const annotations = opts.fail ? '\n      annotations: {capstan.dev/simulate-fail: readiness}' : '';
  return {
    [`${dir}/kustomization.yaml`]: `resources: [deployment.yaml${opts.extra ? ', extra.yaml' : ''}]\n`,
    [`${dir}/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}${annotations}
    spec:
      containers: [{name: web, image: "example/web:${opts.version}"}]
`,
    [`${dir}/extra.yaml`]: opts.extra
      ? `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {v: "${opts.version}"}\n`
      : null,
  };
}

function application(
  name: string,
  repo: string,
  dir: string,
  gitRevert: 'pr' | 'commit' | 'off' | undefined,
): JsonObject {
  return {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      source: { repoURL: gitServer.repoUrl(`${repo}.git`), targetRevision: 'main', path: dir },
      destination: { namespace: name },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      pollInterval: '300ms',
      healthTimeout: '5s',
      provider: {
        name: 'github',
        apiUrl: github.url,
        repository: `acme/${repo}`,
        tokenSecretRef: { name: 'github-token' },
      },
      ...(gitRevert ? { rollback: { gitRevert } } : {}),
    },
  } as unknown as JsonObject;
}

const api = () => capstan.controlPlane.api;
const appOf = (name: string) => api().get(APPS, undefined, name) as unknown as Application;
const condition = (app: Application, type: string) => app.status?.conditions?.find((c) => c.type === type);
const ready = (name: string, revision: string) =>
  eventually(
    () => {
      const app = appOf(name);
      return condition(app, 'Ready')?.status === 'True' && app.status?.sync?.revision === revision
        ? app
        : undefined;
    },
    WAIT_MS,
    50,
  );
/** The application once it has been rolled back from `failed` to `healthy`. */
const rolledBack = (name: string, failed: string, healthy: string) =>
  eventually(
    () => {
      const app = appOf(name);
      const op = app.status?.operationState;
      return app.status?.failedRevision?.revision === failed &&
        op?.rolledBackTo === healthy &&
        op.phase === 'Succeeded'
        ? app
        : undefined;
    },
    WAIT_MS,
    50,
  );
const revertOf = (app: string) =>
  eventually(() => capstan.daemon!.state.gitReverts(app).find((r) => r.state === 'done'), WAIT_MS, 100);
const remoteBranches = (work: WorkTree) =>
  git(work.dir, ['ls-remote', '--heads', 'origin'])
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[1]);

/** A repository with `dirs` (each an application's directory) and a file outside them all. */
function repository(name: string, dirs: string[]) {
  const work = new WorkTree(createBareRepo(gitServer.root, `${name}.git`));
  const files: Record<string, string | null> = { 'README.md': '# apps\n' };
  for (const d of dirs) Object.assign(files, appFiles(d, { version: '1' }));
  const first = work.commit(files, 'first');
  work.push();
  return { work, first };
}

test('pr: a failing commit is rolled back, and a branch with exactly its revert under the path opens a pull request naming it and the pod and probe at fault', async (t) => {
  const { work, first } = repository('revpr', ['web']);
  await api().create(APPS, undefined, application('revpr', 'revpr', 'web', 'pr'));
  await ready('revpr', first);

  const failed = work.commit(
    { ...appFiles('web', { version: '2', fail: true, extra: true }), 'README.md': '# apps, v2\n' },
    'web 2: a release that never gets ready',
  );
  work.push();
  const app = await rolledBack('revpr', failed, first);
  const record = await revertOf('revpr');
  const branch = `capstan/revert/revpr/${failed.slice(0, 7)}`;
  t.like(record, {
    mode: 'pr',
    failedRevision: failed,
    revertBranch: branch,
    reverted: [failed],
    apps: ['revpr'],
  });

  // the branch, read with native git: the tracked branch plus exactly the inverse of the failed commit under web/
  git(work.dir, ['fetch', '--quiet', 'origin']);
  t.is(git(work.dir, ['rev-parse', `origin/${branch}^`]), failed, 'built on the newest commit of main');
  t.is(
    git(work.dir, ['diff', 'origin/main', `origin/${branch}`]),
    git(work.dir, ['diff', failed, `${failed}^`, '--', 'web']),
  );
  t.is(
    git(work.dir, ['diff', '--name-only', 'origin/main', `origin/${branch}`]),
    'web/deployment.yaml\nweb/extra.yaml\nweb/kustomization.yaml',
  );
  t.regex(
    git(work.dir, ['log', '-1', '--format=%an%n%B', `origin/${branch}`]),
    /^Capstan\nRevert "web 2: a release that never gets ready"/,
  );

  // one pull request, into main, naming the failed revision, why it failed, and the timeline
  const pulls = github.pulls.filter((p) => p.repository === 'acme/revpr');
  t.is(pulls.length, 1);
  t.like(pulls[0], { head: branch, base: 'main', state: 'open' });
  t.deepEqual(record.pullRequest, { number: pulls[0].number, url: record.pullRequest!.url });
  const body = pulls[0].body;
  t.true(body.includes(failed), 'the failed revision in full');
  t.true(body.includes('web 2: a release that never gets ready'));
  t.true(body.includes(app.status!.failedRevision!.reason), 'why it failed');
  t.regex(body, /pod web-[a-z0-9-]+/);
  t.regex(body, /readiness/);
  t.regex(body, /### Health timeline of revpr/);
  t.regex(body, /rolled back to `[0-9a-f]{7}` "first": Healthy/);
  // the application stays rolled back until the pull request is merged
  t.is(appOf('revpr').status?.sync?.revision, first);

  // merging it deploys the revert: synced and Healthy
  git(work.dir, ['merge', '--quiet', '--ff-only', `origin/${branch}`]);
  work.push();
  const merged = await ready('revpr', record.commit!);
  t.is(merged.status?.failedRevision, undefined);
});

test('commit: the revert is pushed to the tracked branch, and the application syncs it: Healthy and not pinned', async (t) => {
  const { work, first } = repository('revcommit', ['web']);
  await api().create(APPS, undefined, application('revcommit', 'revcommit', 'web', 'commit'));
  await ready('revcommit', first);

  const failed = work.commit(appFiles('web', { version: '2', fail: true, extra: true }), 'web 2 (broken)');
  work.push();
  await rolledBack('revcommit', failed, first);
  const record = await revertOf('revcommit');
  t.like(record, { mode: 'commit', revertBranch: 'main', reverted: [failed] });
  t.is(record.pullRequest, undefined);

  git(work.dir, ['fetch', '--quiet', 'origin']);
  t.is(git(work.dir, ['rev-parse', 'origin/main']), record.commit!);
  t.is(git(work.dir, ['rev-parse', 'origin/main^']), failed, 'a fast-forward on top of the failed commit');
  t.is(git(work.dir, ['rev-parse', 'origin/main:web']), git(work.dir, ['rev-parse', `${first}:web`]));
  t.deepEqual(remoteBranches(work), ['refs/heads/main'], 'no other branch');

  const app = await ready('revcommit', record.commit!);
  t.is(app.status?.pinnedRevision, undefined);
  t.is(app.status?.failedRevision, undefined);
  t.is(app.status?.health?.status, 'Healthy');
  t.is(github.pulls.filter((p) => p.repository === 'acme/revcommit').length, 0);
});

test('off (the default): the application says it is pinned while Git is ahead at the failed revision; a newer good commit unpins it', async (t) => {
  const { work, first } = repository('revoff', ['web']);
  await api().create(APPS, undefined, application('revoff', 'revoff', 'web', undefined));
  await ready('revoff', first);

  const failed = work.commit(appFiles('web', { version: '2', fail: true }), 'web 2 (broken)');
  work.push();
  const app = await rolledBack('revoff', failed, first);
  const pinned = `pinned at ${first.slice(0, 7)}: Git is ahead at ${failed.slice(0, 7)}, which failed`;
  for (const type of ['Ready', 'Stalled'])
    t.true(condition(app, type)?.message.includes(pinned), `${type}: ${condition(app, type)?.message}`);
  t.is(condition(app, 'Ready')?.reason, 'RolledBack');

  const fixed = work.commit(appFiles('web', { version: '3' }), 'web 3 (fixed)');
  work.push();
  const unpinned = await ready('revoff', fixed);
  t.is(unpinned.status?.failedRevision, undefined);
  t.false(condition(unpinned, 'Ready')!.message.includes('pinned'));
  t.deepEqual(remoteBranches(work), ['refs/heads/main'], 'nothing pushed');
  t.is(github.pulls.filter((p) => p.repository === 'acme/revoff').length, 0);
  t.deepEqual(capstan.daemon!.state.gitReverts('revoff'), []);
});

test('two applications failing from one commit get one pull request reverting both paths', async (t) => {
  const { work, first } = repository('pair', ['a', 'b', 'c']);
  await api().create(APPS, undefined, application('pair-a', 'pair', 'a', 'pr'));
  await api().create(APPS, undefined, application('pair-b', 'pair', 'b', 'pr'));
  // c changes in the same commit and stays healthy: its part is not reverted
  await api().create(APPS, undefined, application('pair-c', 'pair', 'c', 'pr'));
  for (const name of ['pair-a', 'pair-b', 'pair-c']) await ready(name, first);

  const failed = work.commit(
    {
      ...appFiles('a', { version: '2', fail: true }),
      ...appFiles('b', { version: '2', fail: true }),
      ...appFiles('c', { version: '2' }),
    },
    'release 2 everywhere',
  );
  work.push();
  await rolledBack('pair-a', failed, first);
  await rolledBack('pair-b', failed, first);
  await ready('pair-c', failed);
  const record = await eventually(
    () =>
      capstan.daemon!.state.gitReverts('pair-a').find((r) => r.state === 'done' && r.apps.includes('pair-b')),
    WAIT_MS,
    100,
  );
  const branch = `capstan/revert/${failed.slice(0, 7)}`;
  t.like(record, { revertBranch: branch, apps: ['pair-a', 'pair-b'] });

  git(work.dir, ['fetch', '--quiet', 'origin']);
  t.is(
    git(work.dir, ['diff', 'origin/main', `origin/${branch}`]),
    git(work.dir, ['diff', failed, `${failed}^`, '--', 'a', 'b']),
  );
  const pulls = github.pulls.filter((p) => p.repository === 'acme/pair');
  t.is(pulls.length, 1);
  t.is(pulls[0].head, branch);
  t.regex(pulls[0].body, /\| pair-a \| `a` \|/);
  t.regex(pulls[0].body, /\| pair-b \| `b` \|/);
  t.false(pulls[0].body.includes('pair-c'));
  t.deepEqual(
    remoteBranches(work).filter((b) => b.includes('capstan/revert')),
    [`refs/heads/${branch}`],
  );
});
