import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { gitError, Poller, type Timers } from '../../src/git/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { eventually } from '../helpers/eventually.js';
import { gitFixture } from './fixture.js';

/** A check whose answers the test scripts: a revision string, or an error to throw. */
function scripted(answers: Array<string | Error>) {
  const calls: number[] = [];
  return {
    calls,
    check: async (clock: FakeClock) => {
      calls.push(clock.now().getTime());
      const next = answers.length > 1 ? answers.shift()! : answers[0];
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

const down = () => gitError('GIT_UNREACHABLE', 'cannot reach the Git server for x: ECONNREFUSED; will retry');

test('the runtime clock fits the poller timers interface', (t) => {
  const timers: Timers = new FakeClock();
  t.truthy(timers);
});

test('reports a new revision once, polling at the interval with jitter', async (t) => {
  const clock = new FakeClock(0);
  const s = scripted(['a', 'a', 'b', 'b']);
  const seen: Array<[string, string | undefined]> = [];
  const poller = new Poller({
    check: () => s.check(clock),
    intervalMs: 60_000,
    timers: clock,
    random: () => 1, // the top of the ±10% range: every delay is 66 s
    initialRevision: 'a',
    onRevision: (rev, prev) => seen.push([rev, prev]),
  });
  poller.start();
  await clock.advanceAsync(0);
  t.deepEqual(seen, [], 'the initial revision is not news');
  for (let i = 0; i < 3; i++) await clock.advanceAsync(66_000);
  t.deepEqual(s.calls, [0, 66_000, 132_000, 198_000]);
  t.deepEqual(seen, [['b', 'a']]);
  poller.close();
  await clock.advanceAsync(1_000_000);
  t.is(s.calls.length, 4, 'no check after close');
  t.is(clock.pending(), 0);
});

test('backs off exponentially while unreachable, capped, and recovers by itself', async (t) => {
  const clock = new FakeClock(0);
  const s = scripted([down(), down(), down(), down(), down(), 'b', 'b']);
  const events: string[] = [];
  const poller = new Poller({
    check: () => s.check(clock),
    intervalMs: 60_000,
    jitter: 0,
    backoffInitialMs: 1_000,
    backoffMaxMs: 5_000,
    timers: clock,
    initialRevision: 'a',
    onRevision: (rev) => events.push(`revision ${rev}`),
    onError: (e, n) => events.push(`error ${(e as CapstanError).code} ${n}`),
    onRecovered: (n) => events.push(`recovered after ${n}`),
  });
  poller.start();
  await clock.advanceAsync(0);
  for (const step of [1_000, 2_000, 4_000, 5_000, 5_000, 60_000]) await clock.advanceAsync(step);
  // 1 s, 2 s, 4 s, then capped at 5 s; after recovery, the normal interval again.
  t.deepEqual(s.calls, [0, 1_000, 3_000, 7_000, 12_000, 17_000, 77_000]);
  t.deepEqual(events, [
    'error GIT_UNREACHABLE 1',
    'error GIT_UNREACHABLE 2',
    'error GIT_UNREACHABLE 3',
    'error GIT_UNREACHABLE 4',
    'error GIT_UNREACHABLE 5',
    'recovered after 5',
    'revision b',
  ]);
  t.is(poller.state.failures, 0);
  t.is(poller.state.revision, 'b');
  poller.close();
});

test('errors a user must fix are retried at the normal interval, without backoff', async (t) => {
  const clock = new FakeClock(0);
  const denied = gitError('GIT_AUTH_FAILED', 'the Git server rejected the credentials');
  const s = scripted([denied, denied, 'a']);
  const poller = new Poller({ check: () => s.check(clock), intervalMs: 10_000, jitter: 0, timers: clock });
  poller.start();
  await clock.advanceAsync(0);
  await clock.advanceAsync(10_000);
  await clock.advanceAsync(10_000);
  t.deepEqual(s.calls, [0, 10_000, 20_000]);
  t.is(poller.state.revision, 'a');
  poller.close();
});

test('pollNow checks at once and restarts the interval; options are validated', async (t) => {
  const clock = new FakeClock(0);
  const s = scripted(['a', 'b', 'b']);
  const poller = new Poller({ check: () => s.check(clock), intervalMs: 10_000, jitter: 0, timers: clock });
  poller.start();
  await clock.advanceAsync(4_000);
  await poller.pollNow();
  t.is(poller.state.revision, 'b');
  await clock.advanceAsync(9_999);
  t.deepEqual(s.calls, [0, 4_000]);
  await clock.advanceAsync(1);
  t.deepEqual(s.calls, [0, 4_000, 14_000]);
  poller.close();
  for (const bad of [{ intervalMs: 0 }, { intervalMs: -1 }, { jitter: 1 }, { backoffMaxMs: Number.NaN }]) {
    const e = t.throws(() => new Poller({ check: async () => 'x', ...bad }), { instanceOf: CapstanError });
    t.is(e.code, 'GIT_INVALID_OPTION');
  }
});

test('a Git server taken down and brought back: the poller reports errors, recovers and sees the new commit', async (t) => {
  const f = await gitFixture();
  t.teardown(() => f.close());
  const first = f.work.commit({ 'a.txt': '1\n' });
  f.work.push();
  const source = f.source();
  const revisions: string[] = [];
  const errors: string[] = [];
  let recovered = 0;
  const poller = new Poller({
    check: async () => (await source.check()).commit,
    intervalMs: 100,
    backoffInitialMs: 20,
    backoffMaxMs: 200,
    onRevision: (r) => revisions.push(r),
    onError: (e) => errors.push((e as CapstanError).code),
    onRecovered: () => recovered++,
  });
  t.teardown(() => poller.close());
  poller.start();
  await eventually(() => revisions.length === 1);
  t.deepEqual(revisions, [first]);

  await f.server.stop();
  await eventually(() => errors.length >= 3);
  t.true(errors.every((c) => c === 'GIT_UNREACHABLE'));
  // Backing off: failures counted, the delay grows towards the cap.
  t.true(poller.state.failures >= 3);

  const second = f.work.commit({ 'a.txt': '2\n' }); // pushed to disk while the HTTP server is down
  f.work.push();
  await f.server.start(); // same port
  await eventually(() => revisions.length === 2);
  t.deepEqual(revisions, [first, second]);
  t.is(recovered, 1);
  t.is(poller.state.failures, 0);
  const synced = await source.sync();
  t.is(synced.commit, second);
  await synced.snapshot.release();
});
