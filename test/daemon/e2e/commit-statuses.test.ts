/**
 * Commit statuses end to end: the daemon (simulated runtime) syncs commits pushed with
 * native git to a real Git server, and posts statuses to a GitHub API stand-in.
 */
import test from 'ava';
import { EMPTY_DAEMON_CONFIG, type Capstan } from '../../../src/boot/index.js';
import type { Application, JsonObject } from '../../../src/core/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';
import type { GitHubStandin } from '../../helpers/providers/github-standin.js';
import { startProviderFixture, type ProviderFixture } from '../../helpers/provider-fixture.js';

let gitServer: GitServer;
let github: GitHubStandin;
let capstan: Capstan;

const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const SECRETS = { group: '', version: 'v1', resource: 'secrets' };

let fixture: ProviderFixture;

test.before(async () => {
  fixture = await startProviderFixture('statuses', {
    config: { ...EMPTY_DAEMON_CONFIG, server: { publicUrl: 'https://capstan.example.com/' } },
    tokenSecret: 'github',
  });
  ({ gitServer, github, capstan } = fixture);
});

test.after.always(() => fixture?.close());

const deployment = (version: string, failReadiness = false) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {${failReadiness ? '"capstan.dev/simulate-fail": readiness, ' : ''}version: "${version}"}
    spec:
      containers: [{name: web, image: "example/web:${version}"}]
`;

const statusesOf = (sha: string) =>
  github.statuses
    .filter((s) => s.repository === 'acme/shop' && s.sha === sha)
    .map((s) => [s.state, s.context]);
const appOf = (name: string) => capstan.controlPlane.api.get(APPS, undefined, name) as unknown as Application;

test('pending then success on each synced commit; failure with the reason on one that rolls back', async (t) => {
  const work = new WorkTree(createBareRepo(gitServer.root, 'shop.git'));
  const first = work.commit({ 'deployment.yaml': deployment('1') }, 'v1');
  work.push();
  await capstan.controlPlane.api.create(APPS, undefined, {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'shop' },
    spec: {
      source: { repoURL: gitServer.repoUrl('shop.git'), targetRevision: 'main' },
      destination: { namespace: 'shop' },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      pollInterval: '300ms',
      healthTimeout: '20s',
      provider: {
        name: 'github',
        apiUrl: github.url,
        repository: 'acme/shop',
        tokenSecretRef: { name: 'github' },
      },
    },
  } as unknown as JsonObject);
  await eventually(() => statusesOf(first).some(([state]) => state === 'success'), 90_000, 100);
  t.deepEqual(statusesOf(first)[0], ['pending', 'capstan/shop']);
  t.deepEqual(statusesOf(first).at(-1), ['success', 'capstan/shop']);
  const success = github.statuses.find((s) => s.sha === first && s.state === 'success')!;
  t.is(success.target_url, 'https://capstan.example.com/api/v1/applications/shop');
  t.is(success.description, 'shop is Healthy');

  const broken = work.commit({ 'deployment.yaml': deployment('2', true) }, 'v2 (never ready)');
  work.push();
  await eventually(() => statusesOf(broken).some(([state]) => state === 'failure'), 90_000, 100);
  const failure = github.statuses.filter((s) => s.sha === broken).at(-1)!;
  t.is(failure.state, 'failure');
  t.regex(failure.description ?? '', /^Deployment shop\/web: /);
  t.is(statusesOf(broken)[0][0], 'pending');
  // the rollback re-applied v1, which keeps its success and gets nothing new
  await eventually(() => appOf('shop').status?.operationState?.rolledBackTo === first, 90_000, 100);
  t.deepEqual(statusesOf(first).at(-1), ['success', 'capstan/shop']);
});

test('a status that cannot be posted shows as ProviderAvailable=False on the application, until one is', async (t) => {
  const work = new WorkTree(createBareRepo(gitServer.root, 'tokenless.git'));
  work.commit({ 'deployment.yaml': deployment('1') }, 'v1');
  work.push();
  await capstan.controlPlane.api.create(APPS, undefined, {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'tokenless' },
    spec: {
      source: { repoURL: gitServer.repoUrl('tokenless.git'), targetRevision: 'main' },
      destination: { namespace: 'tokenless' },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      pollInterval: '300ms',
      provider: {
        name: 'github',
        apiUrl: github.url,
        repository: 'acme/tokenless',
        tokenSecretRef: { name: 'tokenless-github' },
      },
    },
  } as unknown as JsonObject);
  const condition = () => appOf('tokenless').status?.conditions?.find((c) => c.type === 'ProviderAvailable');
  const failed = await eventually(
    () => (condition()?.status === 'False' ? condition() : undefined),
    90_000,
    100,
  );
  t.is(failed.reason, 'ProviderFailed');
  t.regex(failed.message, /Secret capstan-system\/tokenless-github, which holds the github token, not found/);
  // the sync itself is not held up
  await eventually(
    () =>
      appOf('tokenless').status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' &&
      condition()?.status === 'False',
    90_000,
    100,
  );

  await capstan.controlPlane.api.create(SECRETS, 'capstan-system', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'tokenless-github', namespace: 'capstan-system' },
    stringData: { token: github.token },
  });
  const next = work.commit({ 'deployment.yaml': deployment('2') }, 'v2');
  work.push();
  await eventually(() => condition()?.status === 'True', 90_000, 100);
  await eventually(
    () =>
      github.statuses.some(
        (s) => s.sha === next && s.repository === 'acme/tokenless' && s.state === 'success',
      ),
    90_000,
    100,
  );
  t.is(condition()?.status, 'True');
});
