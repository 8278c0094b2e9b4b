import { chmodSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { GitSource } from '../../src/git/index.js';
import { git } from '../helpers/git-server.js';
import { gitFixture, PASSWORD, USER } from './fixture.js';

test('clones a branch into a snapshot, then fetches only a new commit incrementally', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const first = f.work.commit({ 'app/deploy.yaml': 'replicas: 1\n', 'README.md': 'hello\n' }, 'first');
  f.work.push();
  const source = f.source({ revision: 'main' });

  const one = await source.sync();
  t.is(one.commit, first);
  t.is(one.kind, 'branch');
  t.is(one.ref, 'refs/heads/main');
  t.true(one.fetched);
  t.is(one.info.subject, 'first');
  t.is(one.info.author, 'Capstan Test <test@capstan.invalid>');
  t.is(readFileSync(path.join(one.snapshot.dir, 'app/deploy.yaml'), 'utf8'), 'replicas: 1\n');
  t.is(path.basename(one.snapshot.dir), first);
  await one.snapshot.release();

  const second = f.work.commit({ 'app/deploy.yaml': 'replicas: 3\n' }, 'scale up');
  f.work.push();
  f.server.requests.length = 0;
  const two = await source.sync();
  t.is(two.commit, second);
  t.true(two.fetched);
  t.is(readFileSync(path.join(two.snapshot.dir, 'app/deploy.yaml'), 'utf8'), 'replicas: 3\n');
  // The old snapshot is untouched: snapshots are per commit.
  t.is(readFileSync(path.join(one.snapshot.dir, 'app/deploy.yaml'), 'utf8'), 'replicas: 1\n');
  // ls-refs (cheap check), then fetch's discovery and one upload-pack POST.
  t.deepEqual(
    f.server.requests.map((r) => `${r.method} ${r.path}`),
    ['GET /app.git/info/refs', 'GET /app.git/info/refs', 'POST /app.git/git-upload-pack'],
  );

  // Nothing new: one request, no fetch, the same snapshot.
  f.server.requests.length = 0;
  const three = await source.sync();
  t.is(three.commit, second);
  t.false(three.fetched);
  t.is(three.snapshot.dir, two.snapshot.dir);
  t.is(f.server.requests.length, 1);
  await two.snapshot.release();
  await three.snapshot.release();
});

test('the snapshot holds exactly the files native git checks out, with modes and symlinks', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  f.work.commit({
    'a.txt': 'a\n',
    'dir/b.txt': 'b\n',
    'dir/deeper/c.yaml': 'c: 1\n',
    'run.sh': '#!/bin/sh\n',
  });
  chmodSync(path.join(f.work.dir, 'run.sh'), 0o755);
  symlinkSync('dir/b.txt', path.join(f.work.dir, 'link'));
  const head = f.work.commit({}, 'exec and symlink');
  f.work.push();

  const synced = await f.source().sync();
  t.is(synced.commit, head);
  t.is(synced.kind, 'default');
  const files = (dir: string, rel = ''): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.name !== '.git')
      .flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`],
      )
      .sort();
  t.deepEqual(files(synced.snapshot.dir), files(f.work.dir));
  t.is(statSync(path.join(synced.snapshot.dir, 'run.sh')).mode & 0o777, 0o555);
  t.is(statSync(path.join(synced.snapshot.dir, 'a.txt')).mode & 0o777, 0o444);
  t.is(statSync(path.join(synced.snapshot.dir, 'dir')).mode & 0o777, 0o555);
  t.is(readlinkSync(path.join(synced.snapshot.dir, 'link')), 'dir/b.txt');
  await synced.snapshot.release();
});

test('resolves branches, tags, semver ranges and full or short SHAs', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const c1 = f.work.commit({ 'v.txt': '1.0.0\n' }, 'one');
  f.work.tag('v1.0.0', 'release 1.0.0');
  const c2 = f.work.commit({ 'v.txt': '1.2.0\n' }, 'two');
  f.work.tag('v1.2.0');
  const c3 = f.work.commit({ 'v.txt': '2.0.0-rc.1\n' }, 'three');
  f.work.tag('v2.0.0-rc.1', 'rc');
  const between = f.work.commit({ 'v.txt': 'untagged\n' }, 'untagged');
  const c4 = f.work.commit({ 'v.txt': 'main\n' }, 'four');
  f.work.push();
  f.work.checkout('feature');
  const feature = f.work.commit({ 'v.txt': 'feature\n' }, 'feature');
  f.work.push();

  const cases: Array<[string, string, string, string | undefined]> = [
    ['main', c4, 'branch', 'refs/heads/main'],
    ['HEAD', c4, 'default', 'refs/heads/main'],
    ['feature', feature, 'branch', 'refs/heads/feature'],
    ['refs/heads/feature', feature, 'branch', 'refs/heads/feature'],
    ['v1.0.0', c1, 'tag', 'refs/tags/v1.0.0'], // annotated: peeled to the commit
    ['v1.2.0', c2, 'tag', 'refs/tags/v1.2.0'], // lightweight
    ['^1.0.0', c2, 'semver', 'refs/tags/v1.2.0'],
    ['~1.0', c1, 'semver', 'refs/tags/v1.0.0'],
    ['*', c2, 'semver', 'refs/tags/v1.2.0'], // pre-releases only when the range names one
    ['>=2.0.0-0', c3, 'semver', 'refs/tags/v2.0.0-rc.1'],
    [c3, c3, 'commit', 'refs/tags/v2.0.0-rc.1'], // a tag's commit: fetched through the tag
    [c2.slice(0, 7), c2, 'commit', 'refs/tags/v1.2.0'],
    [between, between, 'commit', undefined], // no ref: found in the branch's history
    [between.slice(0, 10), between, 'commit', undefined],
  ];
  for (const [revision, commit, kind, ref] of cases) {
    const synced = await f.source({ revision }).sync();
    t.like(synced, { commit, kind, ref }, revision);
    t.true(readFileSync(path.join(synced.snapshot.dir, 'v.txt'), 'utf8').length > 0);
    await synced.snapshot.release();
  }
  const checked = await f.source({ revision: '^1' }).check();
  t.deepEqual(checked, { spec: '^1', kind: 'semver', ref: 'refs/tags/v1.2.0', commit: c2 });
});

test('a short SHA below the shallow history is found by deepening', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const old = f.work.commit({ 'n.txt': '0\n' }, 'old');
  for (let i = 1; i <= 25; i++) f.work.commit({ 'n.txt': `${i}\n` }, `c${i}`);
  f.work.push();
  const cacheDir = path.join(f.tmp, 'cache');
  // A depth-1 mirror exists (main synced), then an old commit is asked for by short SHA.
  (await f.source({ cacheDir }).sync()).snapshot.release();
  const synced = await f.source({ cacheDir, revision: old.slice(0, 9) }).sync();
  t.is(synced.commit, old);
  t.is(synced.kind, 'commit');
  t.is(readFileSync(path.join(synced.snapshot.dir, 'n.txt'), 'utf8'), '0\n');
  await synced.snapshot.release();

  // A commit only on another branch is found once every branch is fetched.
  f.work.checkout('side');
  const side = f.work.commit({ 'n.txt': 'side\n' }, 'side');
  f.work.commit({ 'n.txt': 'side 2\n' }, 'side 2');
  f.work.push();
  const onSide = await f.source({ cacheDir, revision: side.slice(0, 8) }).sync();
  t.is(onSide.commit, side);
  await onSide.snapshot.release();

  // And one reachable only from a tag (its branch deleted), below the tag's tip.
  f.work.checkout('gone');
  const tagged = f.work.commit({ 'n.txt': 'tagged\n' }, 'tagged');
  f.work.commit({ 'n.txt': 'tag tip\n' }, 'tag tip');
  f.work.tag('v9.9.9');
  git(f.work.dir, ['push', '--quiet', 'origin', 'v9.9.9']);
  const onTag = await f.source({ cacheDir, revision: tagged.slice(0, 8) }).sync();
  t.is(onTag.commit, tagged);
  await onTag.snapshot.release();
});

test('an unknown revision is a clear error', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  f.work.commit({ 'a.txt': 'a\n' });
  f.work.tag('v1.0.0');
  f.work.push();
  const branch = await t.throwsAsync(f.source({ revision: 'no-such-branch' }).sync(), {
    instanceOf: CapstanError,
  });
  t.is(branch.code, 'GIT_REVISION_NOT_FOUND');
  t.is(branch.message, `revision "no-such-branch" is not a branch, tag or commit of ${f.url}`);
  const range = await t.throwsAsync(f.source({ revision: '^2.0' }).sync(), { instanceOf: CapstanError });
  t.is(range.code, 'GIT_REVISION_NOT_FOUND');
  t.is(range.message, `no tag of ${f.url} matches the semver range "^2.0"; its version tags are 1.0.0`);
  const sha = await t.throwsAsync(f.source({ revision: 'deadbeefdeadbeef' }).sync(), {
    instanceOf: CapstanError,
  });
  t.is(sha.code, 'GIT_REVISION_NOT_FOUND');
  t.is(sha.message, `commit deadbeefdeadbeef is not in the history of any branch of ${f.url}`);
});

test('bad credentials are GIT_AUTH_FAILED and the password appears nowhere in the error', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  f.work.commit({ 'a.txt': 'a\n' });
  f.work.push();
  const wrong = 'wr0ng-Pa55word-abc';
  const visible = (e: unknown): string => {
    const err = e as CapstanError;
    return [err.message, err.stack, JSON.stringify(err.data), String(err.cause), JSON.stringify(err)].join(
      '\n',
    );
  };
  const bad = f.source({ credentials: { inline: { kind: 'basic', username: USER, password: wrong } } });
  const rejected = await t.throwsAsync(bad.sync(), { instanceOf: CapstanError });
  t.is(rejected.code, 'GIT_AUTH_FAILED');
  t.is(
    rejected.message,
    `the Git server rejected the credentials for ${f.url} (HTTP 401): check the username and password or token`,
  );
  t.false(visible(rejected).includes(wrong));
  t.false(visible(rejected).includes(Buffer.from(`${USER}:${wrong}`).toString('base64')));
  t.false(rejected.data.transient as boolean);

  // Credentials written into the URL are used, and never shown.
  const inUrl = new GitSource({
    url: f.url.replace('://', `://${USER}:${wrong}@`),
    cacheDir: path.join(f.tmp, 'cache'),
    snapshots: f.snapshots,
  });
  t.is(inUrl.display, f.url);
  const e2 = await t.throwsAsync(inUrl.check(), { instanceOf: CapstanError });
  t.is(e2.code, 'GIT_AUTH_FAILED');
  t.false(visible(e2).includes(wrong));
  const good = new GitSource({
    url: f.url.replace('://', `://${USER}:${PASSWORD}@`),
    cacheDir: path.join(f.tmp, 'cache'),
    snapshots: f.snapshots,
  });
  t.is((await good.check()).kind, 'default');

  const none = await t.throwsAsync(f.source({ credentials: undefined }).check(), {
    instanceOf: CapstanError,
  });
  t.is(none.code, 'GIT_AUTH_FAILED');
  t.is(none.message, `the Git server requires credentials for ${f.url} (HTTP 401) and none are configured`);

  f.server.forceStatus = 403;
  const denied = await t.throwsAsync(f.source().check(), { instanceOf: CapstanError });
  t.is(denied.code, 'GIT_ACCESS_DENIED');
  f.server.forceStatus = 503;
  const unavailable = await t.throwsAsync(f.source().check(), { instanceOf: CapstanError });
  t.is(unavailable.code, 'GIT_SERVER_ERROR');
  t.true(unavailable.data.transient as boolean);
});

test('credentials come from a file, a Secret-like directory, or the environment', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  f.work.commit({ 'a.txt': 'a\n' });
  f.work.push();
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const file = path.join(f.tmp, 'creds.json');
  writeFileSync(file, JSON.stringify({ username: USER, password: PASSWORD }));
  t.is((await f.source({ credentials: { file } }).check()).kind, 'default');
  const dir = path.join(f.tmp, 'secret');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'username'), `${USER}\n`);
  writeFileSync(path.join(dir, 'password'), `${PASSWORD}\n`);
  t.is((await f.source({ credentials: { file: dir } }).check()).kind, 'default');
  const env = { GIT_USER: USER, GIT_PASS: PASSWORD };
  const fromEnv = f.source({ credentials: { env: { username: 'GIT_USER', password: 'GIT_PASS' } }, env });
  t.is((await fromEnv.check()).kind, 'default');
  // A token is the password of user x-access-token unless a username is given.
  f.server.auth = { username: 'x-access-token', password: 'tok-123456' };
  const token = f.source({ credentials: { env: { token: 'TOKEN' } }, env: { TOKEN: 'tok-123456' } });
  t.is((await token.check()).kind, 'default');

  const missing = await t.throwsAsync(
    f.source({ credentials: { env: { token: 'NOPE' } }, env: {} }).check(),
    { instanceOf: CapstanError },
  );
  t.is(missing.code, 'GIT_CREDENTIALS_INVALID');
  t.is(missing.message, 'environment variable NOPE (the Git token) is not set or empty');
});

test('SSH URLs and submodules are refused with errors that say why', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  for (const url of [
    'git@github.com:org/repo.git',
    'ssh://git@github.com/org/repo.git',
    'git+ssh://host/r',
  ]) {
    const e = t.throws(() => f.source({ url }), { instanceOf: CapstanError });
    t.is(e.code, 'GIT_SSH_UNSUPPORTED', url);
    t.regex(e.message, /isomorphic-git\) supports only HTTP\(S\)/);
  }
  const other = t.throws(() => f.source({ url: 'file:///srv/repo.git' }), { instanceOf: CapstanError });
  t.is(other.code, 'GIT_URL_INVALID');

  f.work.commit({ '.gitmodules': '[submodule "lib"]\n\tpath = lib\n\turl = https://example.com/lib.git\n' });
  f.work.push();
  const sub = await t.throwsAsync(f.source().sync(), { instanceOf: CapstanError });
  t.is(sub.code, 'GIT_SUBMODULES_UNSUPPORTED');
  t.regex(sub.message, /uses Git submodules \(\.gitmodules\).*isomorphic-git\) does not support submodules/);
  t.deepEqual(f.snapshots.commits(), []);
  t.deepEqual(
    readdirSync(f.snapshots.dir).filter((n) => n.startsWith('.tmp-')),
    [],
    'no half-written snapshot is left',
  );

  // A gitlink without .gitmodules (git submodule add, then the file deleted) is refused too.
  const sha = f.work.head();
  f.work.commit({ '.gitmodules': null });
  git(f.work.dir, ['update-index', '--add', '--cacheinfo', `160000,${sha},vendor/lib`]);
  git(f.work.dir, ['-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'gitlink']);
  f.work.push();
  const link = await t.throwsAsync(f.source().sync(), { instanceOf: CapstanError });
  t.is(link.code, 'GIT_SUBMODULES_UNSUPPORTED');
  t.regex(link.message, /\(vendor\/lib\)/);
});

test('an empty repository and a missing one are clear errors', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const empty = await t.throwsAsync(f.source().check(), { instanceOf: CapstanError });
  t.is(empty.code, 'GIT_REPOSITORY_EMPTY');
  const missing = await t.throwsAsync(f.source({ url: f.server.repoUrl('nope.git') }).check(), {
    instanceOf: CapstanError,
  });
  t.is(missing.code, 'GIT_REPOSITORY_NOT_FOUND');
});

test('an unreachable server is a transient GIT_UNREACHABLE error', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  f.work.commit({ 'a.txt': 'a\n' });
  f.work.push();
  await f.server.stop();
  const e = await t.throwsAsync(f.source().sync(), { instanceOf: CapstanError });
  t.is(e.code, 'GIT_UNREACHABLE');
  t.true(e.data.transient as boolean);
  t.regex(e.message, new RegExp(`^cannot reach the Git server for ${f.url}: .*ECONNREFUSED.*; will retry$`));
  await f.server.start();
  const synced = await f.source().sync();
  t.is(synced.commit, f.work.head());
  await synced.snapshot.release();
});
