import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore } from '../../../src/daemon/state/state-store.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-state-'));

test('pull requests: upserted by repository and number, kept across a reopen', (t) => {
  const dir = tempDir();
  let store = new StateStore(dir);
  const base = {
    repo: 'git.example.com/acme/shop',
    number: 7,
    provider: 'github',
    headBranch: 'feat',
    baseBranch: 'main',
  };
  store.recordPullRequest({
    ...base,
    state: 'open',
    lastAction: 'opened',
    title: 'T',
    headSha: 'a1',
    updatedAt: 1,
  });
  store.recordPullRequest({ ...base, state: 'open', lastAction: 'synchronize', headSha: 'b2', updatedAt: 2 });
  store.close();
  store = new StateStore(dir);
  const [pr] = store.pullRequests();
  t.like(pr, {
    number: 7,
    state: 'open',
    lastAction: 'synchronize',
    headSha: 'b2',
    title: 'T',
    updatedAt: 2,
  });
  store.recordPullRequest({ ...base, state: 'merged', lastAction: 'merged', updatedAt: 3 });
  t.is(store.pullRequests({ state: 'open' }).length, 0);
  t.is(store.pullRequests({ state: 'merged' }).length, 1);
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('syncs: started then finished, newest first, per application', (t) => {
  const dir = tempDir();
  const store = new StateStore(dir);
  const a = store.startSync({
    app: 'a',
    requestedRevision: 'main',
    reason: 'poll',
    priority: 'poll',
    attempt: 1,
    startedAt: 10,
  });
  const b = store.startSync({
    app: 'b',
    requestedRevision: 'main',
    reason: 'manual',
    priority: 'manual',
    attempt: 1,
    startedAt: 11,
  });
  store.finishSync(a, { finishedAt: 12, result: 'Succeeded', revision: 'abc', objects: 3 });
  store.finishSync(b, { finishedAt: 13, result: 'Failed', message: 'render failed' });
  t.deepEqual(
    store.syncs().map((s) => s.app),
    ['b', 'a'],
  );
  t.like(store.syncs('a')[0], { revision: 'abc', objects: 3, result: 'Succeeded', finishedAt: 12 });
  t.like(store.syncs('b')[0], { result: 'Failed', message: 'render failed', revision: undefined });
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('revisions: kept for rollback, the last healthy one found, a failed revision remembered', (t) => {
  const dir = tempDir();
  let store = new StateStore(dir);
  const objects = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }];
  store.saveRevision({ app: 'a', revision: 'r1', objects, subject: 'one' });
  store.saveRevision({ app: 'a', revision: 'r2', objects: [] });
  t.is(store.lastHealthyRevision('a'), undefined);
  store.markHealthy('a', 'r1', 100);
  store.markHealthy('a', 'r2', 200);
  t.is(store.lastHealthyRevision('a')!.revision, 'r2');
  t.is(store.lastHealthyRevision('a', 'r2')!.revision, 'r1');
  t.deepEqual(store.revision('a', 'r1')!.objects, objects);
  store.setFailedRevision('a', {
    revision: 'r3',
    reason: 'pod web-1 container web: readiness probe failing',
    at: 300,
  });
  store.close();
  store = new StateStore(dir);
  t.like(store.failedRevision('a'), { revision: 'r3', at: 300 });
  store.setFailedRevision('a', undefined);
  t.is(store.failedRevision('a'), undefined);
  const id = store.startSync({
    app: 'a',
    requestedRevision: 'main',
    reason: 'r',
    priority: 'poll',
    attempt: 1,
    startedAt: 1,
  });
  store.finishSync(id, {
    finishedAt: 2,
    result: 'Failed',
    health: 'Degraded',
    changed: 3,
    rolledBackTo: 'r2',
    subject: 's',
    author: 'x',
  });
  t.like(store.syncs('a')[0], {
    health: 'Degraded',
    changed: 3,
    rolledBackTo: 'r2',
    subject: 's',
    author: 'x',
  });
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the failed revision is kept in memory as written, and in the file for the next start', (t) => {
  const dir = tempDir();
  let store = new StateStore(dir);
  t.is(store.failedRevision('a'), undefined);
  store.setFailedRevision('a', { revision: 'r1', reason: 'bad', at: 1 });
  const read = store.failedRevision('a')!;
  read.revision = 'changed by a caller';
  t.deepEqual(store.failedRevision('a'), { revision: 'r1', reason: 'bad', at: 1 });
  store.setFailedRevision('a', { revision: 'r2', reason: 'worse', at: 2 });
  t.deepEqual(store.failedRevision('a'), { revision: 'r2', reason: 'worse', at: 2 });
  t.is(store.failedRevision('b'), undefined);
  store.close();
  store = new StateStore(dir);
  t.deepEqual(store.failedRevision('a'), { revision: 'r2', reason: 'worse', at: 2 });
  store.setFailedRevision('a', undefined);
  t.is(store.failedRevision('a'), undefined);
  store.close();
  store = new StateStore(dir);
  t.is(store.failedRevision('a'), undefined);
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('git reverts: one record per failed revision of a branch and mode, replaced, kept across a reopen', (t) => {
  const dir = tempDir();
  let store = new StateStore(dir);
  const id = { repo: 'git.example.com/acme/shop', branch: 'main', failedRevision: 'f'.repeat(40) };
  store.recordGitRevert({
    ...id,
    mode: 'pr',
    apps: ['a'],
    state: 'failed',
    message: 'down',
    attempts: 4,
    at: 1,
  });
  store.recordGitRevert({
    ...id,
    mode: 'pr',
    apps: ['a', 'b'],
    state: 'done',
    message: 'opened',
    revertBranch: 'capstan/revert/fffffff',
    pullRequest: { number: 3, url: 'https://example/pr/3' },
    attempts: 1,
    at: 2,
  });
  store.recordGitRevert({
    ...id,
    mode: 'commit',
    apps: ['c'],
    state: 'done',
    message: 'pushed',
    attempts: 1,
    at: 3,
  });
  store.close();
  store = new StateStore(dir);
  t.like(store.gitRevert({ ...id, mode: 'pr' }), {
    apps: ['a', 'b'],
    state: 'done',
    pullRequest: { number: 3 },
  });
  t.is(store.gitRevert({ ...id, failedRevision: 'e'.repeat(40), mode: 'pr' }), undefined);
  t.deepEqual(
    store.gitReverts().map((r) => r.mode),
    ['commit', 'pr'],
  );
  t.deepEqual(
    store.gitReverts('b').map((r) => r.message),
    ['opened'],
  );
  store.close();
});
