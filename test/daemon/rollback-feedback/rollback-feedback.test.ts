/**
 * The revert watcher's control loop with a fake clock and a recording writer (the Git and
 * provider side is covered end to end in test/daemon/e2e/git-revert.test.ts): the grace
 * period that groups applications broken by one commit, a late joiner, retries with
 * backoff, giving up, and once-only across restarts through the real state store.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError, type Application } from '../../../src/core/index.js';
import { RollbackFeedback, type RollbackFeedbackDeps } from '../../../src/daemon/rollback-feedback/index.js';
import type { RevertRequest, RevertWritten } from '../../../src/daemon/rollback-feedback/revert-writer.js';
import { StateStore } from '../../../src/daemon/state/state-store.js';
import { FakeClock } from '../../../src/runtime/index.js';

const F = 'f'.repeat(40);
const H = 'a'.repeat(40);
const REPO = 'https://git.example.com/acme/shop.git';

function app(
  name: string,
  options: { mode?: 'pr' | 'commit' | 'off'; at: Date; synced?: string; manual?: boolean },
): Application {
  return {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      source: { repoURL: REPO, targetRevision: 'main', path: `apps/${name}` },
      ...(options.mode ? { rollback: { gitRevert: options.mode } } : {}),
    },
    status: {
      sync: { status: 'Synced', revision: options.synced ?? H },
      failedRevision: {
        revision: F,
        reason: 'pod web-1 container web: readiness probe failing',
        at: options.at.toISOString(),
      },
      operationState: {
        intent: { type: 'rollback', revision: H },
        reason: `automatic rollback: ${F.slice(0, 7)} failed`,
        phase: 'Succeeded',
        message: 'rolled back',
        startedAt: options.at.toISOString(),
        finishedAt: options.at.toISOString(),
        ...(options.manual ? {} : { rolledBackTo: H }),
      },
      history: [],
    },
  } as Application;
}

function setUp(t: import('ava').ExecutionContext, write: (r: RevertRequest) => Promise<RevertWritten>) {
  const clock = new FakeClock();
  const apps: Application[] = [];
  const requests: RevertRequest[] = [];
  const logs: Array<{ level: string; msg: string }> = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-revert-watch-'));
  const state = new StateStore(dir);
  let onChange: ((a: Application) => void) | undefined;
  const deps = {
    applications: () => apps,
    watch: (fn: (a: Application) => void) => {
      onChange = fn;
      return { stop: () => (onChange = undefined) };
    },
    records: state,
    log: (level: string, _fields: unknown, msg: string) => logs.push({ level, msg }),
    clock,
    writer: {
      write: (r: RevertRequest) => {
        requests.push(r);
        return write(r);
      },
    },
  } as unknown as RollbackFeedbackDeps;
  const feedbacks: RollbackFeedback[] = [];
  const start = (options = { graceMs: 10_000, attempts: 3, backoffMs: 1_000 }) => {
    const feedback = new RollbackFeedback(deps, options);
    feedbacks.push(feedback);
    feedback.start();
    return feedback;
  };
  t.teardown(async () => {
    for (const f of feedbacks) await f.close();
    state.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const change = (a: Application) => {
    const i = apps.findIndex((x) => x.metadata.name === a.metadata.name);
    if (i >= 0) apps[i] = a;
    else apps.push(a);
    onChange?.(a);
  };
  return { clock, apps, requests, logs, state, start, change };
}

const done = (r: RevertRequest): Promise<RevertWritten> =>
  Promise.resolve({
    revertBranch: r.revertBranch ?? `capstan/revert/${F.slice(0, 7)}`,
    commit: 'c'.repeat(40),
    reverted: [F],
    pullRequest: { number: 1, url: 'https://example/pr/1' },
    untouched: [],
  });

test('applications rolled back from one revision within the grace period get one revert; a late one joins it; a restart does not repeat it', async (t) => {
  const s = setUp(t, done);
  const t0 = s.clock.now();
  s.start();
  s.change(app('a', { mode: 'pr', at: t0 }));
  await s.clock.advanceAsync(1_000);
  s.change(app('b', { mode: 'pr', at: s.clock.now() }));
  s.change(app('off', { mode: 'off', at: s.clock.now() }));
  s.change(app('manual', { mode: 'pr', at: s.clock.now(), manual: true }));
  await s.clock.advanceAsync(8_000);
  t.is(s.requests.length, 0, 'waits for the grace period');
  await s.clock.advanceAsync(1_000);
  await s.clock.tick();
  t.is(s.requests.length, 1);
  t.deepEqual(
    s.requests[0].members.map((m) => m.app),
    ['a', 'b'],
  );
  t.like(s.requests[0], { mode: 'pr', failed: F, revertBranch: undefined });
  t.like(s.state.gitReverts('a')[0], { state: 'done', apps: ['a', 'b'], pullRequest: { number: 1 } });

  // a late one: the same branch, every application still rolled back from F
  s.change(app('c', { mode: 'pr', at: s.clock.now() }));
  await s.clock.advanceAsync(0);
  await s.clock.tick();
  t.is(s.requests.length, 2);
  t.deepEqual(
    s.requests[1].members.map((m) => m.app),
    ['a', 'b', 'c'],
  );
  t.is(s.requests[1].revertBranch, `capstan/revert/${F.slice(0, 7)}`);

  // a restart sees the record: nothing written again
  s.start();
  await s.clock.advanceAsync(20_000);
  await s.clock.tick();
  t.is(s.requests.length, 2);
});

test('commit mode: a late application gets a revert of its own path only', async (t) => {
  const s = setUp(t, done);
  s.start();
  s.change(app('a', { mode: 'commit', at: s.clock.now() }));
  await s.clock.advanceAsync(10_000);
  await s.clock.tick();
  s.change(app('b', { mode: 'commit', at: s.clock.now() }));
  await s.clock.advanceAsync(0);
  await s.clock.tick();
  t.deepEqual(
    s.requests.map((r) => r.members.map((m) => m.app)),
    [['a'], ['b']],
  );
});

test('a revert that fails where retrying helps is retried with backoff, then given up and recorded', async (t) => {
  const s = setUp(t, () =>
    Promise.reject(
      new CapstanError('PROVIDER_UNAVAILABLE', 'GitHub POST /pulls answered 503', { transient: true }),
    ),
  );
  s.start();
  s.change(app('a', { mode: 'pr', at: s.clock.now() }));
  await s.clock.advanceAsync(10_000);
  await s.clock.tick();
  t.is(s.requests.length, 1);
  await s.clock.advanceAsync(999);
  t.is(s.requests.length, 1, 'the first backoff is 1 s');
  await s.clock.advanceAsync(1);
  await s.clock.tick();
  t.is(s.requests.length, 2);
  await s.clock.advanceAsync(2_000);
  await s.clock.tick();
  t.is(s.requests.length, 3, 'then 2 s');
  await s.clock.advanceAsync(60_000);
  t.is(s.requests.length, 3, 'three attempts at most');
  t.like(s.state.gitReverts('a')[0], { state: 'failed', attempts: 3 });
  t.regex(s.state.gitReverts('a')[0].message, /503 \[PROVIDER_UNAVAILABLE\]/);
  t.deepEqual(
    s.logs.map((l) => l.level),
    ['warn', 'warn', 'error'],
  );
  t.regex(s.logs[2].msg, /gave up after 3 attempt\(s\), revert fffffff by hand/);
});

test('a conflict is not retried; an application that synced past the failed revision meanwhile is left alone', async (t) => {
  const s = setUp(t, () =>
    Promise.reject(
      new CapstanError('GIT_REVERT_CONFLICT', 'apps/a/x.yaml changed again', { transient: false }),
    ),
  );
  s.start();
  s.change(app('a', { mode: 'pr', at: s.clock.now() }));
  s.change(app('moved', { mode: 'commit', at: s.clock.now() }));
  // a newer commit synced before the grace period ended
  s.change(app('moved', { mode: 'commit', at: s.clock.now(), synced: 'b'.repeat(40) }));
  await s.clock.advanceAsync(60_000);
  await s.clock.tick();
  t.deepEqual(
    s.requests.map((r) => r.members.map((m) => m.app)),
    [['a']],
  );
  t.like(s.state.gitReverts('a')[0], { state: 'failed', attempts: 1 });
  t.deepEqual(s.state.gitReverts('moved'), []);
});
