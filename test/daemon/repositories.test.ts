/**
 * The repository registry over a real control plane: the credentials each repoURL gets
 * follow the labelled Secrets as they are applied, changed and deleted; listeners hear
 * which repositories a change concerns; `add` and `remove` write and delete the Secrets.
 */
import test from 'ava';
import { embeddedCluster, type Cluster } from '../../src/cluster/index.js';
import { isCapstanError, type KubeObject } from '../../src/core/index.js';
import { RepositoryRegistry, type RepositoryChange } from '../../src/daemon/repositories.js';
import {
  eventually,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../controlplane/helpers.js';

const NS = 'capstan-system';
let home: TestControlPlane;
let local: Cluster;

test.before(async () => {
  home = await startTestControlPlane(undefined, { controllers: false });
  local = embeddedCluster(home.cp.api);
  await local.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});

test.after.always(async () => {
  await local?.close();
  await home?.close();
  if (home) removeDir(home.dataDir);
});

function secret(name: string, type: string, stringData: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS, labels: { 'capstan.dev/repository': type } },
    stringData,
  };
}

/** The same Secret with an annotation more: a change that leaves its data as it was. */
function annotated(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, annotations: { touched: 'yes' } } };
}

const ref = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', namespace: NS, name });

async function started(t: { teardown: (fn: () => void) => void }, lines: string[] = []) {
  const registry = await RepositoryRegistry.start({ cluster: local, log: (l) => lines.push(l) });
  t.teardown(() => registry.close());
  const changes: RepositoryChange[] = [];
  registry.onChange((c) => changes.push(c));
  return { registry, changes };
}

test.serial(
  'the credentials of a repoURL follow the Secrets: exact first, then the longest template',
  async (t) => {
    const { registry, changes } = await started(t);
    const shop = 'https://git.example.com/acme/shop.git';
    t.is(registry.credentialsFor(shop), undefined);

    await local.apply(secret('all', 'template', { url: 'https://git.example.com', token: 'all-token' }));
    await eventually(() => registry.credentialsFor(shop));
    t.deepEqual(registry.credentialsFor(shop), {
      inline: { kind: 'basic', username: 'x-access-token', password: 'all-token' },
    });
    const first = changes.at(-1)!;
    t.true(first('https://git.example.com/anything'));
    t.false(first('https://other.example.com/acme/shop'));

    await local.apply(
      secret('acme', 'template', { url: 'https://git.example.com/acme/', bearerToken: 'acme-b' }),
    );
    await eventually(() => JSON.stringify(registry.credentialsFor(shop)).includes('acme-b'));
    t.deepEqual(
      registry.credentialsFor('https://git.example.com/acme-labs/x'),
      registry.credentialsFor('https://git.example.com/z'),
    );
    t.false(
      changes.at(-1)!('https://git.example.com/acme-labs/x'),
      'a change under /acme concerns only /acme',
    );

    await local.apply(
      secret('shop', 'repository', {
        url: 'https://GIT.example.com/acme/shop',
        username: 'u',
        password: 'p1',
      }),
    );
    await eventually(() => JSON.stringify(registry.credentialsFor(shop)).includes('p1'));
    t.deepEqual(registry.credentialsFor(shop), { inline: { kind: 'basic', username: 'u', password: 'p1' } });
    t.deepEqual(
      registry.credentialsFor('https://u:own@git.example.com/acme/shop'),
      undefined,
      'user info in the URL wins',
    );
    t.is(registry.credentialsFor('/srv/shop'), undefined);

    // rotation, then deletion: back to the template
    await local.apply(
      secret('shop', 'repository', {
        url: 'https://git.example.com/acme/shop',
        username: 'u',
        password: 'p2',
      }),
    );
    await eventually(() => JSON.stringify(registry.credentialsFor(shop)).includes('p2'));
    await local.delete(ref('shop'));
    await eventually(() => JSON.stringify(registry.credentialsFor(shop)).includes('acme-b'));
    const changesBefore = changes.length;
    await local.apply(
      annotated(secret('acme', 'template', { url: 'https://git.example.com/acme/', bearerToken: 'acme-b' })),
    );
    await local.delete(ref('all'));
    await eventually(() => registry.list().length === 1);
    changes.pop(); // the deletion's
    t.is(changes.length, changesBefore, 'a change that leaves the credentials as they were tells nobody');
    await local.delete(ref('acme'));
    await eventually(() => registry.list().length === 0);
    t.is(registry.credentialsFor(shop), undefined);
  },
);

test.serial(
  'of two Secrets for one URL the first by name is used; the other is listed and logged once',
  async (t) => {
    const lines: string[] = [];
    const { registry } = await started(t, lines);
    await local.apply(
      secret('b-second', 'repository', {
        url: 'https://git.example.com/x',
        username: 'u',
        password: 'second-pw',
      }),
    );
    await local.apply(
      secret('a-first', 'repository', {
        url: 'https://git.example.com/x.git',
        username: 'u',
        password: 'first-pw',
      }),
    );
    await eventually(() => registry.list().length === 2);
    t.deepEqual(registry.credentialsFor('https://git.example.com/x'), {
      inline: { kind: 'basic', username: 'u', password: 'first-pw' },
    });
    const ignored = registry.list().find((r) => r.secret === `${NS}/b-second`)!;
    t.regex(ignored.error!, /already registered by Secret capstan-system\/a-first; this one is ignored/);
    await local.apply(
      secret('c-broken', 'repository', { url: 'https://git.example.com/y', password: 'broken-pw' }),
    );
    await eventually(() => registry.list().length === 3);
    await local.apply(
      annotated(
        secret('c-broken', 'repository', { url: 'https://git.example.com/y', password: 'broken-pw' }),
      ),
    );
    await eventually(() => registry.list().some((r) => r.secret.endsWith('c-broken') && r.error));
    t.is(lines.filter((l) => l.includes('c-broken')).length, 1);
    t.is(lines.filter((l) => l.includes('b-second')).length, 1);
    t.false(lines.join('\n').includes('-pw'), 'no value is logged');
    for (const name of ['a-first', 'b-second', 'c-broken']) await local.delete(ref(name));
    await eventually(() => registry.list().length === 0);
  },
);

test.serial(
  'add writes one Secret per URL and type, replacing what it held; remove deletes it',
  async (t) => {
    const { registry } = await started(t);
    const url = 'https://git.example.com/acme/api.git';
    const info = await registry.add({ url, token: 'first-token' });
    t.like(info, {
      url: 'https://git.example.com/acme/api',
      type: 'repository',
      username: 'x-access-token',
      auth: 'token',
    });
    t.regex(info.secret, /^capstan-system\/repo-[0-9a-f]{12}$/);
    t.deepEqual(registry.credentialsFor(url), {
      inline: { kind: 'basic', username: 'x-access-token', password: 'first-token' },
    });
    // another kind of credentials: the token the Secret held is gone with it
    const again = await registry.add({
      url: 'https://git.example.com/acme/api',
      username: 'ci',
      password: 'pw',
    });
    t.is(again.secret, info.secret);
    t.deepEqual(registry.credentialsFor(url), { inline: { kind: 'basic', username: 'ci', password: 'pw' } });
    const stored = await local.get(ref(info.secret.split('/')[1]));
    t.deepEqual(Object.keys(stored!.data as object).sort(), ['password', 'url', 'username']);

    const template = await registry.add({
      url: 'https://git.example.com/acme',
      template: true,
      bearerToken: 'b',
    });
    t.regex(template.secret, /^capstan-system\/creds-/);
    await local.apply(secret('by-hand', 'template', { url: 'https://git.example.com/team', token: 't' }));
    await eventually(() => registry.list().length === 3);
    const taken = await t.throwsAsync(
      registry.add({ url: 'https://git.example.com/team/', template: true, token: 'x' }),
    );
    t.true(isCapstanError(taken) && taken.code === 'REPO_EXISTS');

    const removed = await registry.remove('https://git.example.com/acme/api/');
    t.deepEqual(
      removed.map((r) => r.secret),
      [info.secret],
    );
    t.deepEqual(registry.credentialsFor(url), { inline: { kind: 'bearer', token: 'b' } }, 'the template now');
    const missing = await t.throwsAsync(registry.remove(url));
    t.true(isCapstanError(missing) && missing.code === 'REPO_NOT_FOUND');
    const bad = await t.throwsAsync(
      registry.add({ url: 'https://git.example.com/z', username: 'only-user' }),
    );
    t.true(isCapstanError(bad) && bad.code === 'REPO_INVALID');
    await registry.remove('https://git.example.com/acme');
    await registry.remove('https://git.example.com/team');
    t.deepEqual(registry.list(), []);
  },
);
