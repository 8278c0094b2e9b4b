/**
 * Preview environments end to end with real parts: a Git smart-HTTP server (native git
 * pushes the pull requests' commits), a GitHub API stand-in holding the pull requests and
 * the comments, signed webhooks through the daemon, and the daemon over its embedded
 * control plane (simulated runtime). Each test has its own repository and PreviewSet: they
 * run at once.
 */
import test from 'ava';
import { createHmac, randomUUID } from 'node:crypto';
import type { Capstan } from '../../../src/boot/index.js';
import type { Application, JsonObject, PreviewSet } from '../../../src/core/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, git, GitServer, WorkTree } from '../../helpers/git-server.js';
import type { GitHubPull, GitHubStandin } from '../../helpers/providers/github-standin.js';
import { startProviderFixture, type ProviderFixture } from '../../helpers/provider-fixture.js';

const SECRET = 'preview-hook-secret';
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const PREVIEWSETS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'previewsets' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };

let gitServer: GitServer;
let github: GitHubStandin;
let capstan: Capstan;

let fixture: ProviderFixture;

test.before(async () => {
  fixture = await startProviderFixture('previews', {
    config: {
      server: {},
      queue: {},
      applications: [],
      webhooks: { secrets: { github: { env: 'PREVIEW_HOOK' } } },
    },
    env: { ...process.env, PREVIEW_HOOK: SECRET },
  });
  ({ gitServer, github, capstan } = fixture);
});

test.after.always(() => fixture?.close());

const api = () => capstan.controlPlane.api;
const deployment = (tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: "example/web:${tag}", ports: [{containerPort: 8080}]}]
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

/** A repository whose main branch has the preview overlay, and a PreviewSet over it. */
async function setUp(name: string, spec: Partial<PreviewSet['spec']> = {}) {
  const work = new WorkTree(createBareRepo(gitServer.root, `${name}.git`));
  work.commit(
    {
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - service.yaml\n',
      'base/deployment.yaml': deployment('1'),
      'base/service.yaml': SERVICE,
      'overlays/preview/kustomization.yaml': 'resources:\n  - ../../base\n',
    },
    'first',
  );
  work.push();
  const set = {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'PreviewSet',
    metadata: { name },
    spec: {
      repoURL: gitServer.repoUrl(`${name}.git`),
      baseBranch: 'main',
      path: 'overlays/preview',
      provider: {
        name: 'github',
        apiUrl: github.url,
        repository: `acme/${name}`,
        tokenSecretRef: { name: 'github-token' },
      },
      pollInterval: '300ms',
      template: { syncPolicy: { prune: true } },
      ...spec,
    },
  };
  await api().create(PREVIEWSETS, undefined, set as unknown as JsonObject);
  return work;
}

/** A commit on `branch` that changes the image tag, pushed; its SHA. */
function pushBranch(work: WorkTree, branch: string, tag: string): string {
  const known = git(work.dir, ['ls-remote', '--heads', 'origin', branch]) !== '';
  if (known) git(work.dir, ['fetch', '--quiet', 'origin', branch]);
  git(work.dir, ['checkout', '--quiet', '-B', branch, ...(known ? ['FETCH_HEAD'] : [])]);
  work.branch = branch;
  const sha = work.commit({ 'base/deployment.yaml': deployment(tag) }, `web ${tag}`);
  work.push();
  git(work.dir, ['checkout', '--quiet', '-B', 'main', 'origin/main']);
  work.branch = 'main';
  return sha;
}

function openPull(repo: string, number: number, head: string, headSha: string): GitHubPull {
  const pull: GitHubPull = {
    number,
    repository: `acme/${repo}`,
    title: `change ${number}`,
    body: '',
    state: 'open',
    merged: false,
    head,
    headSha,
    base: 'main',
  };
  github.pulls.push(pull);
  return pull;
}

/** A signed GitHub pull_request delivery through the daemon's webhook receiver. */
async function pullRequestHook(repo: string, pull: GitHubPull, action: string) {
  const body = JSON.stringify({
    action,
    number: pull.number,
    pull_request: {
      number: pull.number,
      title: pull.title,
      html_url: `https://github.example/acme/${repo}/pull/${pull.number}`,
      merged: pull.merged,
      head: { ref: pull.head, sha: pull.headSha },
      base: { ref: pull.base },
    },
    repository: { clone_url: gitServer.repoUrl(`${repo}.git`) },
  });
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  return capstan.daemon!.receiveWebhook(
    'github',
    {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    Buffer.from(body),
  );
}

const appOf = (name: string) => {
  try {
    return api().get(APPS, undefined, name) as unknown as Application;
  } catch {
    return undefined;
  }
};
const exists = (gvr: typeof APPS, namespace: string | undefined, name: string) => {
  try {
    api().get(gvr, namespace, name);
    return true;
  } catch {
    return false;
  }
};
const ready = (name: string, revision: string) =>
  eventually(
    () => {
      const app = appOf(name);
      const isReady = app?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return isReady && app?.status?.sync?.revision === revision ? app : undefined;
    },
    60_000,
    50,
  );
const commentsOn = (repo: string, number: number) =>
  github.comments.filter((c) => c.repository === `acme/${repo}` && c.issue === number);
const imageIn = (namespace: string) =>
  (api().get(DEPLOYMENTS, namespace, 'web') as any).spec.template.spec.containers[0].image as string;

test('PR opened → a Ready preview in <set>-pr-<n> and one comment with URL and diff; a push moves it and edits the comment; closing removes it all', async (t) => {
  const work = await setUp('shop', { pollInterval: '1h' });
  const first = pushBranch(work, 'feature', '2');
  const pull = openPull('shop', 1, 'feature', first);
  const outcome = await pullRequestHook('shop', pull, 'opened');
  t.like(outcome, { event: 'pull_request', pullRequest: { number: 1, action: 'opened' } });

  const app = await ready('shop-pr-1', first);
  t.is(app.spec.source.targetRevision, first, 'pinned at the head commit');
  t.is(app.spec.destination?.namespace, 'shop-pr-1');
  t.deepEqual(app.metadata.labels, { 'capstan.dev/preview-set': 'shop', 'capstan.dev/pull-request': '1' });
  t.deepEqual(app.metadata.finalizers, ['capstan.dev/resources']);
  t.is(imageIn('shop-pr-1'), 'example/web:2');

  const healthy = await eventually(() => {
    const c = commentsOn('shop', 1);
    return c.length === 1 && c[0].body.includes('Healthy at') && !c[0].body.includes('not known yet')
      ? c[0]
      : undefined;
  }, 30_000);
  t.true(healthy.body.startsWith('<!-- capstan:preview:shop -->'));
  t.regex(healthy.body, /\| URL \| (http:\/\/127\.0\.0\.1:\d+\/|Service shop-pr-1\/web) \|/);
  t.true(healthy.body.includes('```diff'));
  t.regex(healthy.body, /-.*example\/web:1\n\+.*example\/web:2/);
  t.true(healthy.body.includes(first.slice(0, 7)));
  // the head commit has its status, as every synced commit of an application with a provider
  await eventually(
    () =>
      github.statuses.some(
        (s) => s.sha === first && s.context === 'capstan/shop-pr-1' && s.state === 'success',
      ),
    30_000,
  );

  // a new push to the pull request
  const second = pushBranch(work, 'feature', '3');
  pull.headSha = second;
  await pullRequestHook('shop', pull, 'synchronize');
  await ready('shop-pr-1', second);
  t.is(imageIn('shop-pr-1'), 'example/web:3');
  const edited = await eventually(() => {
    const c = commentsOn('shop', 1);
    return c.length === 1 && c[0].body.includes(`Healthy at \`${second.slice(0, 7)}\``) ? c[0] : undefined;
  }, 30_000);
  t.is(edited.id, healthy.id, 'the same comment, edited');
  t.regex(edited.body, /\+.*example\/web:3/);

  // closed: the Application, its objects and its namespace go
  pull.state = 'closed';
  await pullRequestHook('shop', pull, 'closed');
  await eventually(() => !appOf('shop-pr-1'), 30_000);
  await eventually(() => !exists(NAMESPACES, undefined, 'shop-pr-1'), 30_000);
  t.false(exists(DEPLOYMENTS, 'shop-pr-1', 'web'));
  const removed = await eventually(() => {
    const c = commentsOn('shop', 1);
    return c.length === 1 && c[0].body.includes('Removed: the pull request was closed') ? c[0] : undefined;
  }, 30_000);
  t.is(removed.id, healthy.id);
  const set = api().get(PREVIEWSETS, undefined, 'shop') as unknown as PreviewSet;
  await eventually(() => {
    const s = api().get(PREVIEWSETS, undefined, 'shop') as unknown as PreviewSet;
    return s.status?.active === 0 && (s.status.previews ?? []).length === 0;
  });
  t.truthy(set);
});

test('a lost webhook is repaired by the poll, and a head that is on no branch (a fork, refs/pull/N/head) is synced by its SHA', async (t) => {
  const work = await setUp('fork');
  // the fork's commit reaches the repository only as refs/pull/2/head, as GitHub stores it
  work.checkout('contributor');
  const sha = work.commit({ 'base/deployment.yaml': deployment('fork') }, 'from a fork');
  git(work.dir, ['push', '--quiet', 'origin', 'HEAD:refs/pull/2/head']);
  openPull('fork', 2, 'main', sha); // a fork's branch may be called main: only the SHA is safe
  const app = await ready('fork-pr-2', sha);
  t.is(app.spec.source.targetRevision, sha);
  t.is(imageIn('fork-pr-2'), 'example/web:fork');
  await eventually(
    () => commentsOn('fork', 2).length === 1 && commentsOn('fork', 2)[0].body.includes('Healthy'),
    30_000,
  );
  // the poll's list is asked with its ETag: an unchanged list answers 304
  await eventually(() =>
    github.requests.some(
      (r) =>
        r.method === 'GET' &&
        r.path.startsWith('/api/v3/repos/acme/fork/pulls') &&
        r.headers['if-none-match'],
    ),
  );
});

test('the TTL since the last push removes a preview, and says so in its comment', async (t) => {
  const work = await setUp('ttl', { ttl: '3s' });
  const sha = pushBranch(work, 'feature', '2');
  const pull = openPull('ttl', 1, 'feature', sha);
  await pullRequestHook('ttl', pull, 'opened');
  await eventually(() => appOf('ttl-pr-1'), 30_000);
  await eventually(() => !appOf('ttl-pr-1') && !exists(NAMESPACES, undefined, 'ttl-pr-1'), 60_000);
  const comment = await eventually(() => {
    const c = commentsOn('ttl', 1);
    return c.length === 1 && c[0].body.includes('no push for 3s') ? c[0] : undefined;
  }, 30_000);
  t.truthy(comment);
  const set = api().get(PREVIEWSETS, undefined, 'ttl') as unknown as PreviewSet;
  t.is(set.status?.previews?.[0]?.state, 'Expired');
});

test('the cap removes the preview idle longest, with a comment; deleting the PreviewSet removes every preview', async (t) => {
  const work = await setUp('cap', { maxPreviews: 1 });
  const one = pushBranch(work, 'one', '1a');
  const pullOne = openPull('cap', 1, 'one', one);
  await pullRequestHook('cap', pullOne, 'opened');
  await eventually(() => appOf('cap-pr-1'), 30_000);
  const two = pushBranch(work, 'two', '2a');
  const pullTwo = openPull('cap', 2, 'two', two);
  await pullRequestHook('cap', pullTwo, 'opened');
  await ready('cap-pr-2', two);
  await eventually(() => !appOf('cap-pr-1') && !exists(NAMESPACES, undefined, 'cap-pr-1'), 30_000);
  const evicted = await eventually(() => {
    const c = commentsOn('cap', 1);
    return c.length === 1 && c[0].body.includes('at most 1 previews run at once') ? c[0] : undefined;
  }, 30_000);
  t.truthy(evicted);

  await api().delete(PREVIEWSETS, undefined, 'cap');
  await eventually(() => !appOf('cap-pr-2') && !exists(NAMESPACES, undefined, 'cap-pr-2'), 30_000);
  t.false(exists(DEPLOYMENTS, 'cap-pr-2', 'web'));
});
