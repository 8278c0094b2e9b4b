import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { HttpClient } from 'isomorphic-git';
import { CapstanError } from '../../src/core/index.js';
import { commitFiles, createHttpClient, isTransientGitError, ZERO_OID } from '../../src/git/index.js';
import { git } from '../helpers/git-server.js';
import { PASSWORD } from './fixture.js';
import { AUTHOR, looseObjects, writeFixture } from './write-fixture.js';

/** 120 files in `apps/big/`: more than receive.unpackLimit, so a push of all of them would arrive as a pack. */
function baseFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'apps/web/base/deploy.yaml': 'image: web:1.0 # pinned\n',
    'apps/web/overlays/prod/kustomization.yaml': 'images:\n  - name: web\n    newTag: "1.0"\n',
    'apps/web/overlays/prod/old.yaml': 'old: true\n',
    'README.md': '# apps\n',
  };
  for (let i = 0; i < 120; i++) files[`apps/big/file-${i}.txt`] = `file ${i}\n`;
  return files;
}

test('commits on a new branch: exact contents, shared subtrees, author and message, only new objects sent', async (t) => {
  const f = await writeFixture(t, baseFiles());
  chmodSync(path.join(f.work.dir, 'README.md'), 0o755);
  f.work.commit({}, 'make the readme executable');
  f.work.push();
  const { commit: parent, target } = await f.synced();
  t.regex(f.remote(['ls-tree', parent, 'README.md']), /^100755 /);
  const loose = looseObjects(f.bare);

  const branch = 'capstan/promote/web/prod/abc1234';
  const result = await commitFiles({
    ...target,
    parent,
    changes: [
      {
        path: 'apps/web/overlays/prod/kustomization.yaml',
        content: 'images:\n  - name: web\n    newTag: "1.1"\n',
      },
      { path: 'apps/web/overlays/prod/new/extra.yaml', content: Buffer.from('extra: 1\n') },
      { path: 'apps/web/overlays/prod/old.yaml', delete: true },
      { path: 'README.md', content: '# apps, promoted\n' },
    ],
    message: 'Promote web to prod\n\n- web: 1.0 -> 1.1\n',
    author: AUTHOR,
    branch,
    now: () => new Date('2024-05-01T12:00:00Z'),
  });

  t.deepEqual(result, { commit: result.commit, ref: `refs/heads/${branch}`, previous: undefined });
  t.is(f.remote(['rev-parse', `refs/heads/${branch}`]), result.commit);
  t.is(f.remote(['rev-parse', 'refs/heads/main']), parent, 'main is untouched');
  t.is(
    f.remote(['log', '-1', '--format=%P|%an|%ae|%cn|%ct|%B', branch]),
    `${parent}|Capstan Bot|bot@capstan.invalid|Capstan Bot|1714564800|Promote web to prod\n\n- web: 1.0 -> 1.1`,
  );
  t.is(
    f.remote(['diff', '--name-status', parent, result.commit]),
    [
      'M\tREADME.md',
      'M\tapps/web/overlays/prod/kustomization.yaml',
      'A\tapps/web/overlays/prod/new/extra.yaml',
      'D\tapps/web/overlays/prod/old.yaml',
    ].join('\n'),
  );
  // Unchanged subtrees are the parent's objects, not copies.
  for (const dir of ['apps/big', 'apps/web/base']) {
    t.is(
      f.remote(['rev-parse', `${result.commit}:${dir}`]),
      f.remote(['rev-parse', `${parent}:${dir}`]),
      dir,
    );
  }
  t.not(f.remote(['rev-parse', `${result.commit}:apps/web`]), f.remote(['rev-parse', `${parent}:apps/web`]));
  t.regex(f.remote(['ls-tree', result.commit, 'README.md']), /^100755 /, 'an executable stays executable');
  t.regex(f.remote(['ls-tree', result.commit, 'apps/web/overlays/prod/new/extra.yaml']), /^100644 /);
  f.remote(['fsck', '--strict', '--no-dangling']);
  // The commit, 5 trees (root, apps, apps/web, overlays, prod, new: 6) and 3 blobs, no more:
  // a push of the whole tree (120+ objects) would have arrived as a pack instead.
  t.is(looseObjects(f.bare) - loose, 1 + 6 + 3);

  const clone = await f.clone(branch);
  const read = (p: string) => readFileSync(path.join(clone, p), 'utf8');
  t.is(read('apps/web/overlays/prod/kustomization.yaml'), 'images:\n  - name: web\n    newTag: "1.1"\n');
  t.is(read('apps/web/overlays/prod/new/extra.yaml'), 'extra: 1\n');
  t.is(read('apps/web/base/deploy.yaml'), 'image: web:1.0 # pinned\n');
  t.is(read('apps/big/file-7.txt'), 'file 7\n');
  t.throws(() => statSync(path.join(clone, 'apps/web/overlays/prod/old.yaml')));
  t.is(git(clone, ['show', '-s', '--format=%s', 'HEAD']), 'Promote web to prod');
});

test('fast-forwards the tracked branch, and builds again on its own commit without a fetch', async (t) => {
  const f = await writeFixture(t, baseFiles());
  const { commit: parent, target } = await f.synced();
  const first = await commitFiles({
    ...target,
    parent,
    changes: [{ path: 'apps/web/base/deploy.yaml', content: 'image: web:1.1\n' }],
    message: 'web 1.1',
    author: AUTHOR,
    branch: 'main',
  });
  t.is(first.previous, parent);
  const second = await commitFiles({
    ...target,
    parent: first.commit,
    changes: [{ path: 'apps/web/base/deploy.yaml', content: 'image: web:1.2\n' }],
    message: 'web 1.2',
    author: AUTHOR,
    branch: 'main',
  });
  t.is(f.remote(['rev-parse', 'main']), second.commit);
  t.is(
    f.remote(['rev-list', '--first-parent', 'main']).split('\n').slice(0, 3).join(' '),
    `${second.commit} ${first.commit} ${parent}`,
  );
  t.is(f.remote(['show', 'main:apps/web/base/deploy.yaml']), 'image: web:1.2');
  f.remote(['fsck', '--strict', '--no-dangling']);
});

test('a push to a branch that moved is GIT_PUSH_REJECTED and leaves the remote as it was', async (t) => {
  const f = await writeFixture(t, baseFiles());
  const { commit: parent, target } = await f.synced();
  const moved = f.work.commit({ 'README.md': '# someone else\n' }, 'meanwhile');
  f.work.push();
  const write = (push?: { force?: boolean; expectedRemoteSha?: string }) =>
    commitFiles({
      ...target,
      parent,
      changes: [{ path: 'apps/web/base/deploy.yaml', content: 'image: web:2.0\n' }],
      message: 'web 2.0',
      author: AUTHOR,
      branch: 'main',
      push,
    });

  const rejected = await t.throwsAsync(write(), { instanceOf: CapstanError });
  t.is(rejected.code, 'GIT_PUSH_REJECTED');
  t.false(isTransientGitError(rejected));
  t.regex(rejected.message, /refs\/heads\/main .* moved .*not a fast-forward.*retry/);
  t.is(f.remote(['rev-parse', 'main']), moved);

  // A lease on the commit it was at before fails the same way, even with force.
  const lease = await t.throwsAsync(write({ force: true, expectedRemoteSha: parent }), {
    instanceOf: CapstanError,
  });
  t.is(lease.code, 'GIT_PUSH_REJECTED');
  t.is(f.remote(['rev-parse', 'main']), moved);
  // ZERO_OID: only if the branch does not exist.
  const absent = await t.throwsAsync(write({ expectedRemoteSha: ZERO_OID }), { instanceOf: CapstanError });
  t.is(absent.code, 'GIT_PUSH_REJECTED');

  // With a lease on where it is now, force replaces it.
  const forced = await write({ force: true, expectedRemoteSha: moved });
  t.is(forced.previous, moved);
  t.is(f.remote(['rev-parse', 'main']), forced.commit);
});

test('a branch moved between the ref listing and the push: the server refuses, GIT_PUSH_REJECTED', async (t) => {
  const f = await writeFixture(t, baseFiles());
  const { commit: parent, target } = await f.synced();
  const inner = createHttpClient();
  let moved: string | undefined;
  const racing: HttpClient = {
    request: async (req) => {
      if (req.method === 'POST' && req.url.endsWith('/git-receive-pack')) {
        // Native git pushes straight to the bare repository, as another writer would.
        moved = f.work.commit({ 'README.md': '# raced\n' }, 'raced');
        f.work.push();
      }
      return inner.request(req);
    },
  };
  const e = await t.throwsAsync(
    commitFiles({
      ...target,
      http: racing,
      parent,
      changes: [{ path: 'README.md', content: '# mine\n' }],
      message: 'mine',
      author: AUTHOR,
      branch: 'main',
    }),
    { instanceOf: CapstanError },
  );
  t.is(e.code, 'GIT_PUSH_REJECTED', e.message);
  t.regex(e.message, /the server refused/);
  t.is(f.remote(['rev-parse', 'main']), String(moved));
});

test('wrong credentials: GIT_AUTH_FAILED without the password; a server that is down: transient', async (t) => {
  const f = await writeFixture(t, baseFiles());
  const { commit: parent, target } = await f.synced();
  const args = {
    parent,
    changes: [{ path: 'README.md', content: '# x\n' }],
    message: 'x',
    author: AUTHOR,
    branch: 'capstan/x',
  };
  const wrong = 'wrong-' + PASSWORD;
  const e = await t.throwsAsync(
    commitFiles({
      ...target,
      ...args,
      credentials: { kind: 'basic', username: 'deployer', password: wrong },
    }),
    { instanceOf: CapstanError },
  );
  t.is(e.code, 'GIT_AUTH_FAILED');
  t.false(isTransientGitError(e));
  const shown = `${e.message} ${JSON.stringify(e.data)} ${String(e.cause ?? '')}`;
  t.false(shown.includes(wrong));
  t.false(shown.includes(Buffer.from(`deployer:${wrong}`).toString('base64')));

  await f.server.stop();
  const down = await t.throwsAsync(commitFiles({ ...target, ...args }), { instanceOf: CapstanError });
  t.is(down.code, 'GIT_UNREACHABLE');
  t.true(isTransientGitError(down));
  t.throws(() => f.remote(['rev-parse', '--verify', '--quiet', 'refs/heads/capstan/x']));
});

test('refuses bad paths, changes that change nothing, a parent not fetched, a bad branch name', async (t) => {
  const f = await writeFixture(t, baseFiles());
  const { commit: parent, target } = await f.synced();
  const base = { ...target, parent, message: 'm', author: AUTHOR, branch: 'capstan/y' };
  for (const bad of [
    '../escape',
    '/etc/passwd',
    'a//b',
    '.git/config',
    'apps/web/base/deploy.yaml/x',
    'apps/web',
  ]) {
    const e = await t.throwsAsync(commitFiles({ ...base, changes: [{ path: bad, content: 'x' }] }), {
      instanceOf: CapstanError,
    });
    t.is(e.code, 'GIT_CHANGE_INVALID', bad);
  }
  const twice = await t.throwsAsync(
    commitFiles({
      ...base,
      changes: [
        { path: 'a.txt', content: '1' },
        { path: 'a.txt', delete: true },
      ],
    }),
    { instanceOf: CapstanError },
  );
  t.is(twice.code, 'GIT_CHANGE_INVALID');
  const same = await t.throwsAsync(
    commitFiles({
      ...base,
      changes: [
        { path: 'README.md', content: '# apps\n' },
        { path: 'missing.txt', delete: true },
      ],
    }),
    { instanceOf: CapstanError },
  );
  t.is(same.code, 'GIT_NO_CHANGES');
  const unknown = await t.throwsAsync(
    commitFiles({ ...base, parent: 'f'.repeat(40), changes: [{ path: 'a', content: 'a' }] }),
    { instanceOf: CapstanError },
  );
  t.is(unknown.code, 'GIT_REVISION_NOT_FOUND');
  const branch = await t.throwsAsync(
    commitFiles({ ...base, branch: 'bad..name', changes: [{ path: 'a', content: 'a' }] }),
    { instanceOf: CapstanError },
  );
  t.is(branch.code, 'GIT_INVALID_OPTION');
  t.is(f.remote(['for-each-ref', '--format=%(refname)']), 'refs/heads/main');
});

test('pushes without credentials, denied (403) or failing (5xx) map to their codes; then the push goes through', async (t) => {
  const f = await writeFixture(t, baseFiles());
  const { commit: parent, target } = await f.synced();
  const args = {
    ...target,
    parent,
    changes: [{ path: 'README.md', content: '# pushed\n' }],
    message: 'pushed',
    author: AUTHOR,
    branch: 'capstan/z',
  };
  const e = await t.throwsAsync(commitFiles({ ...args, credentials: undefined }), {
    instanceOf: CapstanError,
  });
  t.is(e.code, 'GIT_AUTH_FAILED');
  t.regex(e.message, /requires credentials .* none are configured/);
  f.server.forceStatus = 403;
  const denied = await t.throwsAsync(commitFiles(args), { instanceOf: CapstanError });
  t.is(denied.code, 'GIT_ACCESS_DENIED');
  t.regex(denied.message, /lack write access/);
  f.server.forceStatus = 503;
  const failing = await t.throwsAsync(commitFiles(args), { instanceOf: CapstanError });
  t.is(failing.code, 'GIT_SERVER_ERROR');
  t.true(isTransientGitError(failing));
  f.server.forceStatus = undefined;
  f.server.requests.length = 0;
  const ok = await commitFiles(args);
  t.is(f.remote(['rev-parse', 'capstan/z']), ok.commit);
  t.true(f.server.requests.some((r) => r.path.endsWith('/git-receive-pack') && r.user === 'deployer'));
});
