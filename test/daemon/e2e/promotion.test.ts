/**
 * Promotion end to end with real parts: a Git smart-HTTP server (native git pushes and
 * reads what Capstan pushed), a GitHub API stand-in that records the pull requests, and the
 * daemon over its embedded control plane (simulated runtime). Each test has its own
 * repository, applications and Promotion: they run at once.
 */
import test from 'ava';
import type { Capstan } from '../../../src/boot/index.js';
import type { Application, JsonObject, Promotion } from '../../../src/core/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, git, GitServer, WorkTree } from '../../helpers/git-server.js';
import type { GitHubStandin } from '../../helpers/providers/github-standin.js';
import { startProviderFixture, type ProviderFixture } from '../../helpers/provider-fixture.js';

let gitServer: GitServer;
let github: GitHubStandin;
let capstan: Capstan;

const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const PROMOTIONS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'promotions' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

let fixture: ProviderFixture;

test.before(async () => {
  fixture = await startProviderFixture('promotion');
  ({ gitServer, github, capstan } = fixture);
});

test.after.always(() => fixture?.close());

const BASE = {
  'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
  'base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: "example/web:1"}]
`,
};

/** An overlay whose kustomization has comments and a blank line that must survive the edit. */
const overlay = (env: string, tag: string, extra = '') => `# ${env}: what runs there
namespace: ${env}

resources:
  - ../../base   # the shared manifests

images:
  - name: example/web
    newTag: "${tag}"   # bumped by promotion
${extra}`;

function setUp(
  name: string,
  tags: { staging: string; prod: string },
  staging: Partial<Application['spec']> = {},
) {
  const work = new WorkTree(createBareRepo(gitServer.root, `${name}.git`));
  work.commit(
    {
      ...BASE,
      'overlays/staging/kustomization.yaml': overlay(`${name}-staging`, tags.staging),
      'overlays/prod/kustomization.yaml': overlay(`${name}-prod`, tags.prod),
    },
    'first',
  );
  work.push();
  const application = (env: string, extra: Partial<Application['spec']> = {}): JsonObject =>
    ({
      apiVersion: 'capstan.dev/v1alpha1',
      kind: 'Application',
      metadata: { name: `${name}-${env}` },
      spec: {
        source: {
          repoURL: gitServer.repoUrl(`${name}.git`),
          targetRevision: 'main',
          path: `overlays/${env}`,
        },
        destination: { namespace: `${name}-${env}` },
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
        pollInterval: '300ms',
        healthTimeout: '30s',
        ...extra,
      },
    }) as unknown as JsonObject;
  return { work, staging: application('staging', staging), prod: application('prod') };
}

function promotion(name: string, spec: Partial<Promotion['spec']> = {}): JsonObject {
  return {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Promotion',
    metadata: { name },
    spec: {
      stages: [
        { name: 'staging', application: `${name}-staging` },
        { name: 'prod', application: `${name}-prod` },
      ],
      provider: {
        name: 'github',
        apiUrl: github.url,
        repository: `acme/${name}`,
        tokenSecretRef: { name: 'github-token' },
      },
      ...spec,
    },
  } as unknown as JsonObject;
}

const api = () => capstan.controlPlane.api;
const daemon = () => capstan.daemon!;
const appOf = (name: string) => api().get(APPS, undefined, name) as unknown as Application;
const ready = (name: string, revision?: string) =>
  eventually(
    () => {
      const app = appOf(name);
      const isReady = app.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return isReady && (!revision || app.status?.sync?.revision === revision) ? app : undefined;
    },
    90_000,
    50,
  );
const imageIn = (namespace: string) => {
  const d = api().get(DEPLOYMENTS, namespace, 'web') as any;
  return d.spec.template.spec.containers[0].image as string;
};
const remoteBranches = (work: WorkTree) =>
  git(work.dir, ['ls-remote', '--heads', 'origin'])
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[1]);

async function started(
  name: string,
  tags: { staging: string; prod: string },
  spec: Partial<Promotion['spec']> = {},
  staging: Partial<Application['spec']> = {},
) {
  const s = setUp(name, tags, staging);
  await api().create(APPS, undefined, s.staging);
  await api().create(APPS, undefined, s.prod);
  await api().create(PROMOTIONS, undefined, promotion(name, spec));
  await ready(`${name}-staging`, s.work.head());
  await ready(`${name}-prod`, s.work.head());
  return s.work;
}

test('promote staging → prod: a branch with exactly the one-line change, comments kept, a pull request with the rendered diff; merging it syncs prod', async (t) => {
  const work = await started('shop', { staging: '1', prod: '1' });
  // a new release reaches staging
  const released = work.commit(
    { 'overlays/staging/kustomization.yaml': overlay('shop-staging', '2') },
    'staging: web 2',
  );
  work.push();
  await ready('shop-staging', released);
  t.is(imageIn('shop-staging'), 'example/web:2');

  const outcome = await daemon().promote('shop', { from: 'staging', to: 'prod' });
  t.deepEqual(outcome.changes, ['image example/web: 1 → 2']);
  t.is(outcome.file, 'overlays/prod/kustomization.yaml');
  t.is(outcome.revision, released);
  t.is(outcome.branch, `capstan/promote/shop/prod/${released.slice(0, 7)}`);
  t.true(
    outcome.diff.some(
      (d) => d.object === 'apps/v1 Deployment shop-prod/web' && /^\+.*example\/web:2$/m.test(d.diff),
    ),
  );

  // what was pushed, read with native git
  git(work.dir, ['fetch', '--quiet', 'origin']);
  const changed = git(work.dir, ['diff', '--unified=0', 'HEAD', `origin/${outcome.branch}`]);
  const lines = changed.split('\n').filter((l) => /^[-+][^-+]/.test(l));
  t.deepEqual(lines, [
    '-    newTag: "1"   # bumped by promotion',
    '+    newTag: "2"   # bumped by promotion',
  ]);
  t.is(
    git(work.dir, ['rev-parse', `origin/${outcome.branch}^`]),
    released,
    'built on the newest commit of main',
  );
  t.regex(
    git(work.dir, ['log', '-1', '--format=%an <%ae>%n%s%n%b', `origin/${outcome.branch}`]),
    /Promote shop from staging to prod/,
  );

  // the pull request
  const pulls = github.pulls.filter((p) => p.repository === 'acme/shop');
  t.is(pulls.length, 1);
  t.is(pulls[0].head, outcome.branch!);
  t.is(pulls[0].base, 'main');
  t.deepEqual(outcome.pullRequest, { number: pulls[0].number, url: outcome.pullRequest!.url });
  t.true(pulls[0].body.includes('image example/web: 1 → 2'));
  t.true(pulls[0].body.includes('```diff'));
  t.true(pulls[0].body.includes('example/web:2'));
  // one comment on it, saying where each stage stands
  const comments = github.comments.filter((c) => c.repository === 'acme/shop' && c.issue === pulls[0].number);
  t.is(comments.length, 1);
  t.true(comments[0].body.startsWith('<!-- capstan:promotion-status:shop:prod -->'));
  t.regex(
    comments[0].body,
    /\| staging \(source\) \| `shop-staging` \| Healthy at `[0-9a-f]{7}`, Ready since /,
  );
  t.regex(comments[0].body, /\| prod \(target\) \| `shop-prod` \| Healthy at `[0-9a-f]{7}` \|/);

  // recorded in the Promotion's status
  const recorded =
    (api().get(PROMOTIONS, undefined, 'shop') as unknown as Promotion).status?.promotions ?? [];
  t.is(recorded.at(-1)?.commit, outcome.commit);

  // merging the pull request (native git) deploys it to prod
  git(work.dir, ['merge', '--quiet', '--ff-only', `origin/${outcome.branch}`]);
  work.push();
  await ready('shop-prod', outcome.commit);
  t.is(imageIn('shop-prod'), 'example/web:2');
});

test('--dry-run shows the changes and the rendered diff and writes nothing', async (t) => {
  const work = await started('dry', { staging: '3', prod: '2' });
  const before = remoteBranches(work);
  const outcome = await daemon().promote('dry', { from: 'staging', to: 'prod', dryRun: true });
  t.deepEqual(outcome.changes, ['image example/web: 2 → 3']);
  t.true(outcome.dryRun);
  t.is(outcome.commit, undefined);
  t.is(outcome.diff.length, 1);
  t.deepEqual(remoteBranches(work), before);
  t.is(github.pulls.filter((p) => p.repository === 'acme/dry').length, 0);
});

test('nothing to promote: no commit, no pull request', async (t) => {
  const work = await started('same', { staging: '5', prod: '5' });
  const before = remoteBranches(work);
  const outcome = await daemon().promote('same', { from: 'staging', to: 'prod' });
  t.deepEqual(outcome.changes, []);
  t.is(outcome.commit, undefined);
  t.deepEqual(remoteBranches(work), before);
});

test('--direct commits on the target branch; prod follows by itself', async (t) => {
  const work = await started('direct', { staging: '7', prod: '6' });
  const outcome = await daemon().promote('direct', { from: 'staging', to: 'prod', direct: true });
  t.is(outcome.branch, 'main');
  t.is(outcome.pullRequest, undefined);
  git(work.dir, ['fetch', '--quiet', 'origin']);
  t.is(git(work.dir, ['rev-parse', 'origin/main']), outcome.commit!);
  await ready('direct-prod', outcome.commit);
  t.is(imageIn('direct-prod'), 'example/web:7');
});

test('refused, with nothing written: inside the soak time, outside the window, a stage out of order', async (t) => {
  const work = await started(
    'gated',
    { staging: '9', prod: '8' },
    {
      stages: [
        { name: 'staging', application: 'gated-staging', soakTime: '1h' },
        {
          name: 'prod',
          application: 'gated-prod',
          windows: [{ kind: 'deny', schedule: '* * * * *', duration: '2m' }],
        },
      ],
    },
  );
  const before = remoteBranches(work);
  const soaking = await t.throwsAsync(daemon().promote('gated', { from: 'staging', to: 'prod' }));
  t.is((soaking as any).code, 'PROMOTION_SOAKING');
  t.regex(soaking!.message, /staging has been Healthy at [0-9a-f]{7} for .*; its soak time is 1h/);

  await api().patch(PROMOTIONS, undefined, 'gated', 'merge', {
    spec: {
      stages: [
        { name: 'staging', application: 'gated-staging' },
        {
          name: 'prod',
          application: 'gated-prod',
          windows: [{ kind: 'deny', schedule: '* * * * *', duration: '2m' }],
        },
      ],
    },
  } as unknown as JsonObject);
  const closed = await t.throwsAsync(daemon().promote('gated', { from: 'staging', to: 'prod' }));
  t.is((closed as any).code, 'PROMOTION_WINDOW_CLOSED');
  t.regex(
    closed!.message,
    /prod takes no promotion now: a deny window \(\* \* \* \* \* for 2m\) is open until/,
  );

  const backwards = await t.throwsAsync(daemon().promote('gated', { from: 'prod', to: 'staging' }));
  t.is((backwards as any).code, 'PROMOTION_INVALID');
  t.deepEqual(remoteBranches(work), before);
  t.is(github.pulls.filter((p) => p.repository === 'acme/gated').length, 0);
});

test('refused while the source is Degraded', async (t) => {
  const work = await started(
    'broken',
    { staging: '1', prod: '1' },
    {},
    { syncPolicy: { autoRollback: false, syncOptions: ['CreateNamespace=true'] } },
  );
  const failing = work.commit(
    {
      'overlays/staging/kustomization.yaml': overlay(
        'broken-staging',
        '2',
        'patches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: add\n        path: /spec/template/metadata/annotations\n        value: {capstan.dev/simulate-fail: readiness}\n',
      ),
    },
    'staging: a release that never gets ready',
  );
  work.push();
  // the revision fails its health check (not rolled back: autoRollback is off)
  await eventually(() => appOf('broken-staging').status?.failedRevision?.revision === failing, 90_000, 100);
  const refused = await t.throwsAsync(daemon().promote('broken', { from: 'staging', to: 'prod' }));
  t.is((refused as any).code, 'PROMOTION_SOURCE_UNHEALTHY');
  t.regex(refused!.message, /^promotion broken: staging \(broken-staging\) is Degraded/);
  t.is(github.pulls.filter((p) => p.repository === 'acme/broken').length, 0);
});

test('auto-promotion: once staging is Healthy at a new commit for its soak time, one pull request into prod, updated by the next commit', async (t) => {
  const work = await started(
    'auto',
    { staging: '1', prod: '1' },
    {
      stages: [
        { name: 'staging', application: 'auto-staging', soakTime: '1s' },
        { name: 'prod', application: 'auto-prod', autoPromote: true },
      ],
    },
  );
  t.is(github.pulls.filter((p) => p.repository === 'acme/auto').length, 0, 'nothing to promote at first');
  const two = work.commit(
    { 'overlays/staging/kustomization.yaml': overlay('auto-staging', '2') },
    'staging: web 2',
  );
  work.push();
  await ready('auto-staging', two);
  const pull = await eventually(() => github.pulls.find((p) => p.repository === 'acme/auto'), 90_000, 100);
  t.is(pull.head, 'capstan/promote/auto/prod');
  t.true(pull.body.includes('image example/web: 1 → 2'));

  const three = work.commit(
    { 'overlays/staging/kustomization.yaml': overlay('auto-staging', '3') },
    'staging: web 3',
  );
  work.push();
  await ready('auto-staging', three);
  await eventually(
    () => github.pulls.find((p) => p.repository === 'acme/auto')?.body.includes('image example/web: 1 → 3'),
    90_000,
    100,
  );
  t.is(
    github.pulls.filter((p) => p.repository === 'acme/auto').length,
    1,
    'the one pull request was updated',
  );
  const autoPull = github.pulls.find((p) => p.repository === 'acme/auto')!;
  const autoComments = github.comments.filter(
    (c) => c.repository === 'acme/auto' && c.issue === autoPull.number,
  );
  t.is(autoComments.length, 1, 'its comment was edited, not posted again');
  // the comment is edited just after the pull request
  await eventually(
    () =>
      github.comments
        .find((c) => c.repository === 'acme/auto' && c.issue === autoPull.number)
        ?.body.includes(three.slice(0, 7)),
    30_000,
    100,
  );
  git(work.dir, ['fetch', '--quiet', 'origin']);
  t.regex(
    git(work.dir, ['show', 'origin/capstan/promote/auto/prod:overlays/prod/kustomization.yaml']),
    /newTag: "3"/,
  );
  // the record is written after the comment: wait for it rather than read it once
  const revisions = () =>
    ((api().get(PROMOTIONS, undefined, 'auto') as unknown as Promotion).status?.promotions ?? []).map(
      (r) => r.revision,
    );
  await eventually(() => revisions().length >= 2, 30_000, 100);
  t.deepEqual(revisions(), [two, three]);
});

test("auto-promotion into a closed window waits, and the Promotion's AutoPromoted condition says why", async (t) => {
  const work = await started(
    'frozen',
    { staging: '1', prod: '1' },
    {
      stages: [
        { name: 'staging', application: 'frozen-staging' },
        {
          name: 'prod',
          application: 'frozen-prod',
          autoPromote: true,
          windows: [{ kind: 'deny', schedule: '* * * * *', duration: '2m' }],
        },
      ],
    },
  );
  const two = work.commit(
    { 'overlays/staging/kustomization.yaml': overlay('frozen-staging', '2') },
    'staging: web 2',
  );
  work.push();
  await ready('frozen-staging', two);
  const waiting = await eventually(
    () =>
      (api().get(PROMOTIONS, undefined, 'frozen') as unknown as Promotion).status?.conditions?.find(
        (c) => c.type === 'AutoPromoted' && c.status === 'False',
      ),
    90_000,
    100,
  );
  t.is(waiting.reason, 'Waiting');
  t.regex(waiting.message, /^prod: promotion frozen: prod takes no promotion now: a deny window/);
  t.is(github.pulls.filter((p) => p.repository === 'acme/frozen').length, 0);
});
