import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { commitsTouching } from '../../src/git/index.js';
import { writeFixture } from './write-fixture.js';

const BASE = {
  'apps/web/deploy.yaml': 'image: web:1.0\n',
  'apps/api/deploy.yaml': 'image: api:1.0\n',
  'README.md': '# apps\n',
};

test('the commits after a healthy revision up to a failed one that changed the path, newest first (a shallow mirror is deepened)', async (t) => {
  const f = await writeFixture(t, BASE);
  const healthy = f.work.head();
  const web2 = f.work.commit({ 'apps/web/deploy.yaml': 'image: web:2.0\n' }, 'web 2.0');
  f.work.commit({ 'apps/api/deploy.yaml': 'image: api:2.0\n' }, 'api 2.0');
  f.work.commit({ 'README.md': '# docs\n' }, 'docs');
  const failed = f.work.commit(
    { 'apps/web/new.yaml': 'kind: Service\n', 'apps/api/deploy.yaml': 'image: api:3.0\n' },
    'web service, api 3.0\n\nwith a body',
  );
  const later = f.work.commit({ 'apps/web/deploy.yaml': 'image: web:2.1\n' }, 'later');
  f.work.push();
  // synced at depth 1: only `later` is in the mirror
  const { target } = await f.synced();

  const found = await commitsTouching({ ...target, from: healthy, to: failed, paths: ['./apps/web/'] });
  t.deepEqual(found, [
    { oid: failed, subject: 'web service, api 3.0', files: ['apps/web/new.yaml'] },
    { oid: web2, subject: 'web 2.0', files: ['apps/web/deploy.yaml'] },
  ]);
  t.false(
    found.some((c) => c.oid === later),
    'commits after the failed one are not included',
  );
  t.deepEqual(
    (await commitsTouching({ ...target, from: healthy, to: failed, paths: ['apps/api', 'apps/web'] })).map(
      (c) => c.oid,
    ).length,
    3,
  );
  t.deepEqual(await commitsTouching({ ...target, from: failed, to: failed, paths: ['.'] }), []);
});

test('a "from" that is not below "to" is GIT_REVISION_NOT_FOUND', async (t) => {
  const f = await writeFixture(t, BASE);
  const first = f.work.head();
  const second = f.work.commit({ 'apps/web/deploy.yaml': 'image: web:2.0\n' }, 'web 2.0');
  f.work.push();
  const { target } = await f.synced();
  const e = await t.throwsAsync(
    commitsTouching({ ...target, from: second, to: first, paths: ['apps/web'] }),
    { instanceOf: CapstanError },
  );
  t.is(e.code, 'GIT_REVISION_NOT_FOUND');
  t.regex(e.message, /is not an ancestor of/);
});
