/** Repository Secrets: how a Secret's URL matches a repoURL, and what a Secret must hold. */
import test from 'ava';
import { isCapstanError, type KubeObject } from '../../src/core/index.js';
import type { RepositoryType } from '../../src/daemon/api.js';
import {
  canonicalUrl,
  checkRegistration,
  matchRank,
  repositoryFromSecret,
  repoUrlKey,
  REPOSITORY_SECRET_LABEL,
  secretForRegistration,
} from '../../src/daemon/repo-secret.js';

const rank = (type: RepositoryType, entry: string, repo: string) =>
  matchRank(type, repoUrlKey(entry)!, repoUrlKey(repo)!);

function secret(type: string, data: Record<string, string>, name = 'creds'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'capstan-system', labels: { [REPOSITORY_SECRET_LABEL]: type } },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isCapstanError(e) ? e.code : String(e);
  }
  return undefined;
}

test('a repository URL matches its own repository only, whatever the host case, default port, .git or slash', (t) => {
  const url = 'https://Git.Example.com:443/acme/shop.git/';
  t.is(canonicalUrl(repoUrlKey(url)!), 'https://git.example.com/acme/shop');
  t.true(rank('repository', url, 'https://git.example.com/acme/shop') > 0);
  t.true(rank('repository', url, 'https://git.example.com/acme/shop.git') > 0);
  t.is(rank('repository', url, 'https://git.example.com/acme/shop/sub'), -1);
  t.is(rank('repository', url, 'https://git.example.com/acme/Shop'), -1, 'the path keeps its case');
  t.is(rank('repository', url, 'http://git.example.com/acme/shop'), -1, 'never sent over another scheme');
  t.is(rank('repository', url, 'https://git.example.com:8443/acme/shop'), -1);
});

test('a template matches the repositories under it by whole path segments, the longest path ranking first', (t) => {
  t.is(rank('template', 'https://git.example.com/acme', 'https://git.example.com/acme/shop.git'), 1);
  t.is(rank('template', 'https://git.example.com/acme/', 'https://git.example.com/acme/team/shop'), 1);
  t.is(rank('template', 'https://git.example.com/acme/team', 'https://git.example.com/acme/team/shop'), 2);
  t.is(rank('template', 'https://git.example.com', 'https://git.example.com/acme/shop'), 0);
  t.is(rank('template', 'https://git.example.com/acme', 'https://git.example.com/acme-labs/shop'), -1);
  t.is(rank('template', 'https://git.example.com/acme/shop/x', 'https://git.example.com/acme/shop'), -1);
  t.true(
    rank('repository', 'https://git.example.com/acme/shop', 'https://git.example.com/acme/shop') >
      rank('template', 'https://git.example.com/acme/shop', 'https://git.example.com/acme/shop'),
    'a repository Secret wins over a template of the same path',
  );
  t.is(repoUrlKey('/srv/manifests'), undefined, 'a directory is never matched');
});

test('a Secret gives basic auth, a token as basic auth, or a bearer token, and lists none of them', (t) => {
  const basic = repositoryFromSecret(
    secret('repository', {
      url: 'https://git.example.com/acme/shop',
      username: 'deploy',
      password: 's3cret-pass\n',
    }),
  );
  t.deepEqual(basic.credentials, { kind: 'basic', username: 'deploy', password: 's3cret-pass' });
  t.deepEqual(basic.info, {
    url: 'https://git.example.com/acme/shop',
    type: 'repository',
    secret: 'capstan-system/creds',
    username: 'deploy',
    auth: 'password',
  });
  const token = repositoryFromSecret(
    secret('template', { url: 'https://git.example.com/acme', token: 'tok-123' }),
  );
  t.deepEqual(token.credentials, { kind: 'basic', username: 'x-access-token', password: 'tok-123' });
  t.like(token.info, { type: 'template', username: 'x-access-token', auth: 'token' });
  const bearer = repositoryFromSecret(
    secret('repository', { url: 'https://git.example.com/x', bearerToken: 'b-1' }),
  );
  t.deepEqual(bearer.credentials, { kind: 'bearer', token: 'b-1' });
  t.deepEqual(bearer.info.auth, 'bearer');
  for (const entry of [basic, token, bearer]) t.notRegex(JSON.stringify(entry.info), /s3cret|tok-123|b-1"/);
});

test('an unusable Secret is refused naming the Secret and the field, never a value', (t) => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'repo',
      { url: 'https://git.example.com/a', password: 'hunter22' },
      /label capstan.dev\/repository must be/,
    ],
    ['repository', { username: 'u', password: 'hunter22' }, /url is required/],
    ['repository', { url: 'git@github.com:acme/shop.git', password: 'hunter22' }, /SSH/],
    [
      'repository',
      { url: 'https://u:hunter22@git.example.com/a', password: 'x' },
      /must not hold credentials/,
    ],
    ['repository', { url: 'https://git.example.com/a', password: 'hunter22' }, /no usable credentials/],
  ];
  for (const [type, data, message] of cases) {
    const error = t.throws(() => repositoryFromSecret(secret(type, data, 'bad')));
    t.true(isCapstanError(error) && error.code === 'REPO_INVALID', error?.message);
    t.regex(error!.message, /Secret capstan-system\/bad/);
    t.regex(error!.message, message);
    t.notRegex(error!.message, /hunter22/);
  }
});

test('a registration is checked as a Secret is, and becomes the labelled Secret of its type', (t) => {
  t.is(
    codeOf(() => checkRegistration({ url: 'https://git.example.com/a', username: 'u' })),
    'REPO_INVALID',
  );
  t.is(
    codeOf(() => checkRegistration({ url: 'ssh://git@git.example.com/a', token: 't' })),
    'REPO_INVALID',
  );
  const { key } = checkRegistration({ url: 'https://git.example.com/acme/', template: true, token: 't-1' });
  const written = secretForRegistration(
    { url: 'https://git.example.com/acme/', template: true, token: 't-1' },
    key,
    'creds-x',
  );
  t.deepEqual(written.metadata.labels, { [REPOSITORY_SECRET_LABEL]: 'template' });
  const parsed = repositoryFromSecret(written);
  t.deepEqual(parsed.credentials, { kind: 'basic', username: 'x-access-token', password: 't-1' });
  t.is(parsed.info.url, 'https://git.example.com/acme');
});
