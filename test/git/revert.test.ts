import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { revertCommits } from '../../src/git/index.js';
import { git } from '../helpers/git-server.js';
import { AUTHOR, writeFixture } from './write-fixture.js';

const BASE = {
  'apps/web/deploy.yaml': 'image: web:1.0\n',
  'apps/web/gone.yaml': 'kind: ConfigMap\n',
  'apps/api/deploy.yaml': 'image: api:1.0\n',
  'README.md': '# apps\n',
};

test('a revert limited to a path restores, deletes and brings back files there, and leaves other paths alone', async (t) => {
  const f = await writeFixture(t, BASE);
  const base = f.work.head();
  const bad = f.work.commit(
    {
      'apps/web/deploy.yaml': 'image: web:2.0-broken\n',
      'apps/web/new.yaml': 'kind: Service\n',
      'apps/web/gone.yaml': null,
      'apps/api/deploy.yaml': 'image: api:2.0\n',
    },
    'Release web 2.0 and api 2.0',
  );
  const later = f.work.commit({ 'README.md': '# apps, later\n' }, 'docs');
  f.work.push();
  // Synced at depth 1: the bad commit and its parent are fetched by the revert itself.
  const { commit: head, target } = await f.synced();
  t.is(head, later);

  const branch = `capstan/revert/web/${bad.slice(0, 7)}`;
  const result = await revertCommits({
    ...target,
    head,
    commits: [bad],
    paths: ['./apps/web/'],
    author: AUTHOR,
    branch,
  });

  t.deepEqual(result.reverted, [bad]);
  t.deepEqual(result.files, ['apps/web/deploy.yaml', 'apps/web/gone.yaml', 'apps/web/new.yaml']);
  t.is(f.remote(['rev-parse', branch]), result.commit);
  t.is(f.remote(['rev-parse', 'main']), later, 'the tracked branch is untouched');
  t.is(f.remote(['log', '-1', '--format=%P', branch]), later);
  t.is(
    f.remote(['log', '-1', '--format=%B', branch]),
    `Revert "Release web 2.0 and api 2.0"\n\nThis reverts commit ${bad}.\n\nLimited to apps/web.`,
  );
  t.is(
    f.remote(['diff', '--name-status', later, result.commit]),
    ['M\tapps/web/deploy.yaml', 'A\tapps/web/gone.yaml', 'D\tapps/web/new.yaml'].join('\n'),
  );
  // apps/web is exactly as before the bad commit; the api's change and the later commit stay.
  t.is(f.remote(['rev-parse', `${result.commit}:apps/web`]), f.remote(['rev-parse', `${base}:apps/web`]));
  f.remote(['fsck', '--strict', '--no-dangling']);

  const clone = await f.clone(branch);
  const read = (p: string) => readFileSync(path.join(clone, p), 'utf8');
  t.is(read('apps/web/deploy.yaml'), 'image: web:1.0\n');
  t.is(read('apps/web/gone.yaml'), 'kind: ConfigMap\n');
  t.false(existsSync(path.join(clone, 'apps/web/new.yaml')), 'a file the commit added is deleted');
  t.is(read('apps/api/deploy.yaml'), 'image: api:2.0\n');
  t.is(read('README.md'), '# apps, later\n');
});

test('reverts several commits on the tracked branch, newest first, whatever order they are given in', async (t) => {
  const f = await writeFixture(t, BASE);
  const first = f.work.commit({ 'apps/web/deploy.yaml': 'image: web:2.0\n' }, 'web 2.0');
  const second = f.work.commit(
    { 'apps/web/deploy.yaml': 'image: web:3.0\n', 'apps/web/x.yaml': 'x\n' },
    'web 3.0',
  );
  f.work.push();
  const { commit: head, target } = await f.synced();

  const result = await revertCommits({
    ...target,
    head,
    commits: [first, second],
    paths: ['apps/web'],
    author: AUTHOR,
    branch: 'main',
  });
  t.deepEqual(result.reverted, [second, first]);
  t.is(f.remote(['rev-parse', 'main']), result.commit);
  t.is(f.remote(['show', 'main:apps/web/deploy.yaml']), 'image: web:1.0');
  t.throws(() => f.remote(['cat-file', '-e', 'main:apps/web/x.yaml']));
  t.is(
    f.remote(['log', '-1', '--format=%B', 'main']),
    `Revert 2 commits\n\nThis reverts commits:\n- ${second} web 3.0\n- ${first} web 2.0\n\nLimited to apps/web.`,
  );
});

test('a file changed again after the reverted commit is a GIT_REVERT_CONFLICT; nothing is pushed', async (t) => {
  const f = await writeFixture(t, BASE);
  const bad = f.work.commit(
    { 'apps/web/deploy.yaml': 'image: web:2.0\n', 'apps/api/deploy.yaml': 'image: api:2.0\n' },
    'bad',
  );
  f.work.commit({ 'apps/web/deploy.yaml': 'image: web:2.1\n' }, 'hotfix on top');
  f.work.push();
  const { commit: head, target } = await f.synced();
  const before = f.remote(['for-each-ref']);

  const e = await t.throwsAsync(
    revertCommits({
      ...target,
      head,
      commits: [bad],
      paths: ['apps/web'],
      author: AUTHOR,
      branch: 'capstan/revert',
    }),
    { instanceOf: CapstanError },
  );
  t.is(e.code, 'GIT_REVERT_CONFLICT');
  t.is(e.data.path, 'apps/web/deploy.yaml');
  t.regex(e.message, /apps\/web\/deploy\.yaml/);
  t.is(f.remote(['for-each-ref']), before);

  // The api's file was not touched since: its revert goes through.
  const api = await revertCommits({
    ...target,
    head,
    commits: [bad],
    paths: ['apps/api'],
    author: AUTHOR,
    branch: 'main',
  });
  t.is(git(f.bare, ['show', `${api.commit}:apps/api/deploy.yaml`]), 'image: api:1.0');
  t.is(git(f.bare, ['show', `${api.commit}:apps/web/deploy.yaml`]), 'image: web:2.1');
});

test('a commit that changed nothing under the paths is GIT_NO_CHANGES', async (t) => {
  const f = await writeFixture(t, BASE);
  const other = f.work.commit({ 'apps/api/deploy.yaml': 'image: api:2.0\n' }, 'api only');
  f.work.push();
  const { commit: head, target } = await f.synced();
  const e = await t.throwsAsync(
    revertCommits({ ...target, head, commits: [other], paths: ['apps/web'], author: AUTHOR, branch: 'main' }),
    { instanceOf: CapstanError },
  );
  t.is(e.code, 'GIT_NO_CHANGES');
  t.is(f.remote(['rev-parse', 'main']), other);
});
