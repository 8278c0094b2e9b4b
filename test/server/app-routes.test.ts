/**
 * The application API's routes on a real loopback HTTP server, over an in-test DaemonApi
 * (test/helpers/app-api-server.ts): statuses, bodies, what reaches the daemon, and the
 * error codes of the one error table.
 */
import test from 'ava';
import type { HistoryEntry } from '../../src/core/index.js';
import { handleAppRoute, previousHealthyRevision } from '../../src/server/app-routes.js';
import { application, FakeDaemon, startAppApiServer } from '../helpers/app-api-server.js';

const TOKEN = 'routes-test-token';

async function setup(t: { teardown: (fn: () => Promise<void>) => void }) {
  const daemon = new FakeDaemon();
  daemon.apps.set('shop', application('shop', { sync: { status: 'Synced', revision: 'b'.repeat(40) } }));
  const server = await startAppApiServer(daemon, TOKEN);
  t.teardown(() => server.close());
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.startsWith('application/json') ? JSON.parse(text) : text };
  };
  return { daemon, call };
}

const entry = (id: number, revision: string, result: HistoryEntry['result']): HistoryEntry => ({
  id,
  revision,
  digest: `d${id}`,
  deployedAt: '2030-01-01T00:00:00Z',
  result,
});

test('GET lists and reads applications; a missing one is 404 APP_NOT_FOUND', async (t) => {
  const { call } = await setup(t);
  const list = await call('GET', '/api/v1/applications');
  t.is(list.status, 200);
  t.deepEqual(
    list.body.items.map((a: { metadata: { name: string } }) => a.metadata.name),
    ['shop'],
  );
  const one = await call('GET', '/api/v1/applications/shop');
  t.is(one.status, 200);
  t.is(one.body.spec.source.repoURL, 'http://git.example/shop.git');
  const missing = await call('GET', '/api/v1/applications/nope');
  t.is(missing.status, 404);
  t.is(missing.body.code, 'APP_NOT_FOUND');
});

test('POST creates with manager capstan-api (201), without status or server-owned metadata; twice is 409', async (t) => {
  const { daemon, call } = await setup(t);
  const app = application('cart', { health: { status: 'Healthy' } });
  (app.metadata as Record<string, unknown>).resourceVersion = '42';
  const created = await call('POST', '/api/v1/applications', app);
  t.is(created.status, 201);
  const [applied, manager] = daemon.callsOf('applyApplication')[0] as [typeof app, string];
  t.is(manager, 'capstan-api');
  t.is(applied.status, undefined);
  t.is(applied.metadata.resourceVersion, undefined);
  t.is(applied.metadata.creationTimestamp, undefined);
  const again = await call('POST', '/api/v1/applications', app);
  t.is(again.status, 409);
  t.is(again.body.code, 'APP_EXISTS');
});

test('an Application the API cannot take is 422 APP_INVALID, saying which field', async (t) => {
  const { daemon, call } = await setup(t);
  const cases: Array<[unknown, RegExp]> = [
    [{ ...application('x'), apiVersion: 'v1' }, /apiVersion must be capstan.dev\/v1alpha1/],
    [{ ...application('x'), kind: 'Deployment' }, /kind must be Application/],
    [{ ...application('x'), metadata: { name: 'Not_A_Name' } }, /metadata.name must be/],
    [{ ...application('x'), spec: { source: {} } }, /spec.source.repoURL is required/],
  ];
  for (const [body, message] of cases) {
    const res = await call('POST', '/api/v1/applications', body);
    t.is(res.status, 422);
    t.is(res.body.code, 'APP_INVALID');
    t.regex(res.body.error, message);
  }
  const notObject = await call('POST', '/api/v1/applications', [1, 2]);
  t.is(notObject.status, 400);
  t.is(notObject.body.code, 'API_BAD_REQUEST');
  t.is(daemon.callsOf('applyApplication').length, 0);
});

test('PUT applies as capstan-api (200); a body naming another application is 422', async (t) => {
  const { daemon, call } = await setup(t);
  const changed = application('shop');
  changed.spec.source.targetRevision = 'release';
  const res = await call('PUT', '/api/v1/applications/shop', changed);
  t.is(res.status, 200);
  t.is(res.body.spec.source.targetRevision, 'release');
  t.is(daemon.callsOf('applyApplication')[0][1], 'capstan-api');
  const other = await call('PUT', '/api/v1/applications/shop', application('cart'));
  t.is(other.status, 422);
  t.regex(other.body.error, /differs from the name in the URL/);
});

test('DELETE cascades unless ?cascade=false; another value is 400', async (t) => {
  const { daemon, call } = await setup(t);
  daemon.apps.set('a', application('a'));
  daemon.apps.set('b', application('b'));
  t.deepEqual((await call('DELETE', '/api/v1/applications/a')).body, { deleted: 'a', cascade: true });
  t.is((await call('DELETE', '/api/v1/applications/b?cascade=false')).status, 200);
  t.deepEqual(daemon.callsOf('deleteApplication'), [
    ['a', { cascade: true }],
    ['b', { cascade: false }],
  ]);
  const bad = await call('DELETE', '/api/v1/applications/shop?cascade=maybe');
  t.is(bad.status, 400);
  t.is((await call('DELETE', '/api/v1/applications/gone')).status, 404);
});

test('POST sync: a revision is intent revision, none is follow; prune passes through; 202', async (t) => {
  const { daemon, call } = await setup(t);
  const pinned = await call('POST', '/api/v1/applications/shop/sync', { revision: 'abc1234', prune: true });
  t.is(pinned.status, 202);
  t.is(pinned.body.status.operationState.phase, 'Running');
  const plain = await call('POST', '/api/v1/applications/shop/sync');
  t.is(plain.status, 202);
  const [[, first], [, second]] = daemon.callsOf('requestSync') as Array<[string, Record<string, unknown>]>;
  t.deepEqual(first.intent, { type: 'revision', revision: 'abc1234' });
  t.is(first.prune, true);
  t.deepEqual(second.intent, { type: 'follow' });
  t.false('prune' in second);
  t.is((await call('POST', '/api/v1/applications/shop/sync', { revision: 7 })).status, 400);
  t.is((await call('POST', '/api/v1/applications/shop/sync', { prune: 'yes' })).status, 400);
  t.is((await call('POST', '/api/v1/applications/nope/sync')).status, 404);
});

test('POST rollback: to the revision given, else to the previous healthy one; none is 409', async (t) => {
  const { daemon, call } = await setup(t);
  const b = 'b'.repeat(40);
  daemon.histories.set('shop', [
    entry(1, 'a'.repeat(40), 'Succeeded'),
    entry(2, b, 'Succeeded'),
    entry(3, 'c'.repeat(40), 'Failed'),
  ]);
  t.is((await call('POST', '/api/v1/applications/shop/rollback', { revision: 'abc' })).status, 202);
  t.is((await call('POST', '/api/v1/applications/shop/rollback')).status, 202);
  const intents = daemon.callsOf('requestSync').map(([, o]) => (o as { intent: unknown }).intent);
  t.deepEqual(intents, [
    { type: 'rollback', revision: 'abc' },
    { type: 'rollback', revision: 'a'.repeat(40) },
  ]);
  daemon.histories.set('shop', [entry(1, b, 'Succeeded')]);
  const none = await call('POST', '/api/v1/applications/shop/rollback', {});
  t.is(none.status, 409);
  t.is(none.body.code, 'APP_NO_ROLLBACK_TARGET');
});

test('previousHealthyRevision: the newest successful entry that is not deployed now', (t) => {
  const [a, b, c] = ['a', 'b', 'c'];
  t.is(previousHealthyRevision([entry(1, a, 'Succeeded'), entry(2, b, 'Succeeded')], b), a);
  t.is(previousHealthyRevision([entry(1, a, 'Succeeded'), entry(2, b, 'Succeeded')]), a);
  // C failed and was rolled back to B: B is deployed, so A
  const rolled = [
    entry(1, a, 'Succeeded'),
    entry(2, b, 'Succeeded'),
    entry(3, c, 'Failed'),
    entry(4, b, 'Succeeded'),
  ];
  t.is(previousHealthyRevision(rolled, b), a);
  // pinned at A by a manual sync: the newest other healthy one, B
  t.is(previousHealthyRevision([entry(1, a, 'Succeeded'), entry(2, b, 'Succeeded')], a), b);
  t.is(previousHealthyRevision([entry(1, a, 'Succeeded')], a), undefined);
  t.is(previousHealthyRevision([]), undefined);
});

test('GET diff: JSON per object, or the diffs as text; color is passed to the daemon', async (t) => {
  const { daemon, call } = await setup(t);
  daemon.diffs.set('shop', {
    revision: 'c'.repeat(40),
    objects: [
      {
        object: 'apps/Deployment/shop/web',
        action: 'update',
        diff: '-  replicas: 1\n+  replicas: 3',
        patch: [],
      },
      { object: '/ConfigMap/shop/cfg', action: 'unchanged', diff: '', patch: [] },
      { object: '/Service/shop/web', action: 'create', diff: '+kind: Service', patch: [] },
    ],
  });
  const json = await call('GET', '/api/v1/applications/shop/diff');
  t.is(json.body.objects.length, 3);
  const text = await call('GET', '/api/v1/applications/shop/diff?color=true&format=text');
  t.is(text.body, '-  replicas: 1\n+  replicas: 3\n+kind: Service');
  t.deepEqual(
    daemon.callsOf('diff').map(([, o]) => o),
    [{ color: false }, { color: true }],
  );
});

test('GET history and logs (tail passed, a bad tail is 400)', async (t) => {
  const { daemon, call } = await setup(t);
  daemon.histories.set('shop', [entry(1, 'a', 'Succeeded')]);
  t.deepEqual((await call('GET', '/api/v1/applications/shop/history')).body.items, [
    entry(1, 'a', 'Succeeded'),
  ]);
  const logs = await call('GET', '/api/v1/applications/shop/logs?tail=5');
  t.is(logs.body.items[0].lines[0], 'listening on :8080');
  t.deepEqual(daemon.callsOf('logs')[0], ['shop', { tail: 5 }]);
  t.is((await call('GET', '/api/v1/applications/shop/logs?tail=-1')).status, 400);
  t.is((await call('GET', '/api/v1/applications/nope/history')).status, 404);
});

test('projects and clusters: list, get, register (201); an invalid registration is 422', async (t) => {
  const { daemon, call } = await setup(t);
  daemon.projects.set('default', {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'default' },
    spec: { sourceRepos: ['*'] },
  });
  t.is((await call('GET', '/api/v1/projects')).body.items[0].metadata.name, 'default');
  t.is((await call('GET', '/api/v1/projects/default')).status, 200);
  const missing = await call('GET', '/api/v1/projects/team-a');
  t.is(missing.status, 404);
  t.is(missing.body.code, 'PROJECT_NOT_FOUND');
  const added = await call('POST', '/api/v1/clusters', {
    name: 'prod',
    server: 'https://prod:6443',
    token: 't',
  });
  t.is(added.status, 201);
  t.is(added.body.name, 'prod');
  t.deepEqual(
    (await call('GET', '/api/v1/clusters')).body.items.map((c: { name: string }) => c.name),
    ['in-process', 'prod'],
  );
  const kubeconfig = await call('POST', '/api/v1/clusters', {
    name: 'stage',
    kubeconfig: 'apiVersion: v1',
    context: 'c',
  });
  t.is(kubeconfig.status, 201);
  t.deepEqual(daemon.callsOf('addCluster')[1][0], {
    name: 'stage',
    kubeconfig: 'apiVersion: v1',
    context: 'c',
  });
  for (const body of [
    { name: 'x', server: 'https://x' },
    { name: 'x', server: 'ftp://x', token: 't' },
    { name: 'X!', server: 'https://x', token: 't' },
    { name: 'x', kubeconfig: 'k', server: 'https://x' },
  ]) {
    const res = await call('POST', '/api/v1/clusters', body);
    t.is(res.status, 422, JSON.stringify(body));
    t.is(res.body.code, 'CLUSTER_INVALID');
  }
});

test('paths and methods that are no route are left to the server (404 here)', async (t) => {
  const { call } = await setup(t);
  for (const [method, path] of [
    ['PATCH', '/api/v1/applications/shop'],
    ['GET', '/api/v1/applications/shop/constructor'],
    ['GET', '/api/v1/toString'],
    ['GET', '/api/v1/applications/shop/sync'],
    ['GET', '/api/v1/applications/%E0%A4%A'],
    ['GET', '/api/v1/projects/default/extra'],
  ]) {
    const res = await call(method, path).catch(() => ({ status: 404, body: {} }));
    t.is(res.status, 404, `${method} ${path}`);
  }
  // a method name Node's HTTP parser refuses, so asked directly: an inherited key is no route
  const answer = await handleAppRoute(new FakeDaemon(), {
    method: 'call',
    path: '/api/v1/toString',
    query: new URLSearchParams(),
  });
  t.is(answer, undefined);
});

test('repositories: register (201), list, remove by ?url= (200, then 404); a bad body is 422 naming the field', async (t) => {
  const { daemon, call } = await setup(t);
  const url = 'https://git.example/acme/shop';
  const added = await call('POST', '/api/v1/repositories', { url, username: 'ci', password: 'pw-in-body' });
  t.is(added.status, 201);
  t.like(added.body, { url, type: 'repository', username: 'ci', auth: 'password' });
  t.deepEqual(daemon.calls.at(-1), {
    method: 'addRepository',
    args: [{ url, username: 'ci', password: 'pw-in-body' }],
  });
  const template = await call('POST', '/api/v1/repositories', {
    url: 'https://git.example/acme',
    template: true,
    token: 't',
  });
  t.like(template.body, { type: 'template' });
  const listed = await call('GET', '/api/v1/repositories');
  t.deepEqual(
    listed.body.items.map((r: { url: string }) => r.url),
    [url, 'https://git.example/acme'],
  );
  t.false(JSON.stringify(listed.body).includes('pw-in-body'));
  const removed = await call('DELETE', `/api/v1/repositories?url=${encodeURIComponent(url)}`);
  t.is(removed.status, 200);
  t.is(removed.body.deleted[0].url, url);
  const again = await call('DELETE', `/api/v1/repositories?url=${encodeURIComponent(url)}`);
  t.is(again.status, 404);
  t.is(again.body.code, 'REPO_NOT_FOUND');
  t.is((await call('DELETE', '/api/v1/repositories')).status, 400);
  for (const [body, field] of [
    [{ username: 'u', password: 'p' }, 'url'],
    [{ url, password: 42 }, 'password'],
    [{ url, template: 'yes', token: 't' }, 'template'],
  ] as const) {
    const res = await call('POST', '/api/v1/repositories', body);
    t.is(res.status, 422);
    t.is(res.body.code, 'REPO_INVALID');
    t.regex(res.body.error, new RegExp(`^repository: ${field} must be`));
  }
});
