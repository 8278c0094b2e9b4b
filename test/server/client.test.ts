/** The typed client against the application API on a loopback server: values and error kinds. */
import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonApi } from '../../src/daemon/api.js';
import {
  CapstanClient,
  ClientError,
  type ApplicationDiff,
  type ClusterInfo,
  type ClusterRegistration,
  type GitRevert,
  type PodLogs,
  type PromoteRequest,
  type PromotionOutcome,
  type RepositoryInfo,
  type RepositoryRegistration,
} from '../../src/server/client.js';
import { application, FakeDaemon, startAppApiServer } from '../helpers/app-api-server.js';

const TOKEN = 'client-test-token';

/**
 * The client declares the wire shapes itself (it may import nothing of the daemon): these
 * fail to compile (`npm test` runs tsc on tests) when DaemonApi's values stop fitting them.
 */
type Answer<M extends keyof DaemonApi> = Awaited<ReturnType<DaemonApi[M]>>;
export const wireShapesFit = {
  diff: (v: Answer<'diff'>): ApplicationDiff => v,
  logs: (v: Answer<'logs'>): PodLogs[] => v,
  clusters: (v: Answer<'listClusters'>): ClusterInfo[] => v,
  registration: (v: ClusterRegistration): Parameters<DaemonApi['addCluster']>[0] => v,
  repositories: (v: Answer<'listRepositories'>): RepositoryInfo[] => v,
  removedRepositories: (v: Answer<'removeRepository'>): RepositoryInfo[] => v,
  repository: (v: RepositoryRegistration): Parameters<DaemonApi['addRepository']>[0] => v,
  promotion: (v: Answer<'promote'>): PromotionOutcome => v,
  reverts: (v: Answer<'reverts'>): GitRevert[] => v,
  promoteRequest: (v: PromoteRequest): Parameters<DaemonApi['promote']>[1] => v,
};

async function setup(t: { teardown: (fn: () => Promise<void>) => void }) {
  const daemon = new FakeDaemon();
  daemon.apps.set('shop', application('shop'));
  const server = await startAppApiServer(daemon, TOKEN);
  t.teardown(() => server.close());
  return { daemon, url: server.url, client: new CapstanClient({ server: `${server.url}/`, token: TOKEN }) };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

test('each method reaches its route and returns its typed value', async (t) => {
  const { client, daemon } = await setup(t);
  t.deepEqual(
    (await client.listApplications()).map((a) => a.metadata.name),
    ['shop'],
  );
  t.is((await client.getApplication('shop')).spec.source.path, 'deploy');
  await client.createApplication(application('cart'));
  await client.applyApplication(application('cart'));
  const synced = await client.sync('cart', { revision: 'abc' });
  t.deepEqual(synced.status?.operationState?.intent, { type: 'revision', revision: 'abc' });
  await client.rollback('cart', 'def');
  t.deepEqual(await client.history('cart'), []);
  t.is((await client.diff('cart', { color: true })).objects.length, 0);
  t.is((await client.logs('cart', { tail: 2 }))[0].container, 'web');
  const revert = {
    repo: 'https://git.example/cart',
    branch: 'main',
    failedRevision: 'f'.repeat(40),
    mode: 'pr' as const,
    apps: ['cart'],
    state: 'done' as const,
    message: 'pull request #3 opened',
    revertBranch: 'capstan/revert/cart/fffffff',
    pullRequest: { number: 3, url: 'https://git.example/cart/pull/3' },
    attempts: 1,
    at: 1_700_000_000_000,
  };
  daemon.revertRecords.set('cart', [revert]);
  t.deepEqual(await client.reverts('cart'), [revert]);
  await t.throwsAsync(client.reverts('nope'), { code: 'APP_NOT_FOUND' });
  t.deepEqual(
    (await client.listClusters()).map((c) => c.name),
    ['in-process'],
  );
  t.is((await client.addCluster({ name: 'prod', server: 'https://prod', token: 't' })).origin, 'secret');
  await client.deleteApplication('cart', { cascade: false });
  t.deepEqual(daemon.callsOf('deleteApplication'), [['cart', { cascade: false }]]);
  t.deepEqual(await client.listProjects(), []);
});

test('errors carry a kind: not-found and invalid with the server code, unauthorized, server', async (t) => {
  const { client, url, daemon } = await setup(t);
  const notFound = await t.throwsAsync(client.getApplication('nope'), { instanceOf: ClientError });
  t.is(notFound.kind, 'not-found');
  t.is(notFound.code, 'APP_NOT_FOUND');
  t.is(notFound.status, 404);
  const invalid = await t.throwsAsync(client.createApplication(application('shop')), {
    instanceOf: ClientError,
  });
  t.is(invalid.kind, 'invalid');
  t.is(invalid.code, 'APP_EXISTS');
  const refused = await t.throwsAsync(new CapstanClient({ server: url, token: 'wrong' }).listApplications(), {
    instanceOf: ClientError,
  });
  t.is(refused.kind, 'unauthorized');
  t.is(refused.data.kind, 'unauthorized');
  t.false(refused.message.includes('wrong'), 'the token is never in a message');
  daemon.listProjects = async () => {
    throw new Error('a bug');
  };
  const broken = await t.throwsAsync(client.listProjects(), { instanceOf: ClientError });
  t.is(broken.kind, 'server');
});

test('a daemon that is not there is unreachable, named by its origin only', async (t) => {
  const port = await closedPort();
  const client = new CapstanClient({ server: `http://127.0.0.1:${port}/prefix/?token=y`, token: 'z' });
  const e = await t.throwsAsync(client.listApplications(), { instanceOf: ClientError });
  t.is(e.kind, 'unreachable');
  t.is(e.code, 'CLIENT_UNREACHABLE');
  t.regex(e.message, new RegExp(`at http://127.0.0.1:${port} \\(ECONNREFUSED\\)`));
  t.false(/token=y/.test(e.message));
});

test('an address with credentials or not http(s) is refused before any request', (t) => {
  for (const server of ['http://user:secret@127.0.0.1:1', 'ftp://127.0.0.1', 'not a url']) {
    const e = t.throws(() => new CapstanClient({ server }), { instanceOf: ClientError });
    t.is(e.kind, 'invalid');
    t.false(e.message.includes('secret'));
  }
});
