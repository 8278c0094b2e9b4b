import test from 'ava';
import {
  FakeClock,
  runWorkers,
  StalledError,
  WaitingError,
  WorkQueue,
  type ErrorOutcome,
  type ReconcileReport,
  type ReconcileResult,
} from '../../src/runtime/index.js';

/** A queue, workers over it, and a log of what happened, all on one fake clock. */
function setup(reconcile: (key: string) => Promise<ReconcileResult>, workers = 1) {
  const clock = new FakeClock(0);
  const queue = new WorkQueue<string>({ clock, random: () => 0 });
  const errors: [string, ErrorOutcome][] = [];
  const reports: ReconcileReport<string>[] = [];
  const handle = runWorkers({
    queue,
    workers,
    clock,
    reconcile,
    onError: (key, _e, outcome) => errors.push([key, outcome]),
    onDone: (report) => reports.push(report),
  });
  return { clock, queue, errors, reports, handle };
}

test('success forgets the key: no requeue, backoff reset', async (t) => {
  const calls: string[] = [];
  const { clock, queue, reports, handle } = setup(async (key) => void calls.push(key));
  queue.addRateLimited('a');
  await clock.advanceAsync(5);
  t.deepEqual(calls, ['a']);
  t.is(queue.numRequeues('a'), 0);
  t.is(clock.pending(), 0);
  t.is(reports[0].outcome, 'success');
  await handle.stop();
});

test('requeueAfter reconciles again after the delay, without counting a failure', async (t) => {
  const times: number[] = [];
  const { clock, queue, errors, handle } = setup(async () => {
    times.push(clock.now().getTime());
    return { requeueAfter: 30_000 };
  });
  queue.add('a');
  await clock.advanceAsync(60_000);
  t.deepEqual(times, [0, 30_000, 60_000]);
  t.is(queue.numRequeues('a'), 0);
  t.deepEqual(errors, []);
  await handle.stop();
});

test('requeueAfter with jitter spreads the delay', async (t) => {
  const clock = new FakeClock(0);
  const queue = new WorkQueue<string>({ clock, random: () => 0.5 });
  const handle = runWorkers({ queue, clock, reconcile: async () => ({ requeueAfter: 1000, jitter: 0.2 }) });
  queue.add('a');
  await clock.tick();
  t.is(clock.nextDue(), 1100);
  await handle.stop();
});

test('a transient error retries with exponential backoff until success', async (t) => {
  let failures = 3;
  const times: number[] = [];
  const { clock, queue, errors, reports, handle } = setup(async () => {
    times.push(clock.now().getTime());
    if (failures-- > 0) throw new Error('connection refused');
  });
  queue.add('a');
  await clock.advanceAsync(1000);
  // 0, then +5, +10, +20 ms
  t.deepEqual(times, [0, 5, 15, 35]);
  t.deepEqual(errors, [
    ['a', 'transient'],
    ['a', 'transient'],
    ['a', 'transient'],
  ]);
  t.deepEqual(
    reports.map((r) => r.outcome),
    ['transient', 'transient', 'transient', 'success'],
  );
  t.is(queue.numRequeues('a'), 0, 'forgotten on success');
  await handle.stop();
});

test('a stalled error is reported and not retried', async (t) => {
  let calls = 0;
  const { clock, queue, errors, handle } = setup(async () => {
    calls++;
    throw new StalledError('InvalidManifest', 'deployment.yaml: spec.replicas must be an integer');
  });
  queue.addRateLimited('a'); // an earlier failure: the stall must reset it
  await clock.advanceAsync(3_600_000);
  t.is(calls, 1);
  t.deepEqual(errors, [['a', 'stalled']]);
  t.is(queue.numRequeues('a'), 0);
  t.is(clock.pending(), 0);
  // The user fixes the object: its change event brings the key back.
  queue.add('a');
  await clock.tick();
  t.is(calls, 2);
  await handle.stop();
});

test('a waiting error requeues after its own delay, not as a failure', async (t) => {
  const times: number[] = [];
  let waits = 2;
  const { clock, queue, errors, handle } = setup(async () => {
    times.push(clock.now().getTime());
    if (waits-- > 0) throw new WaitingError('DependencyNotReady', 'waiting for database', 10_000);
  });
  queue.add('a');
  await clock.advanceAsync(60_000);
  t.deepEqual(times, [0, 10_000, 20_000]);
  t.deepEqual(errors, [
    ['a', 'waiting'],
    ['a', 'waiting'],
  ]);
  t.is(queue.numRequeues('a'), 0);
  await handle.stop();
});

test('a key added during its reconcile is reconciled again afterwards, never concurrently', async (t) => {
  let running = 0;
  let maxRunning = 0;
  let calls = 0;
  let release!: () => void;
  const { clock, queue, handle } = setup(async () => {
    calls++;
    running++;
    maxRunning = Math.max(maxRunning, running);
    if (calls === 1) await new Promise<void>((r) => (release = r));
    running--;
  }, 4);
  queue.add('a');
  await clock.tick();
  queue.add('a');
  queue.add('a');
  await clock.tick();
  t.is(calls, 1, 'held by one worker; the other three stay idle');
  release();
  await clock.tick();
  t.is(calls, 2, 'reconciled once more for both adds');
  t.is(maxRunning, 1);
  await handle.stop();
});

test('workers reconcile distinct keys concurrently', async (t) => {
  const releases: (() => void)[] = [];
  const { clock, queue, handle } = setup(() => new Promise<void>((r) => releases.push(r)), 2);
  queue.add('a');
  queue.add('b');
  queue.add('c');
  await clock.tick();
  t.is(releases.length, 2);
  t.is(queue.len(), 1);
  releases.shift()!();
  await clock.tick();
  t.is(releases.length, 2, 'a freed worker takes c');
  for (const r of releases) r();
  await handle.stop();
});

test('stop drains queued keys, waits for running ones, then ends the workers', async (t) => {
  const done: string[] = [];
  let release!: () => void;
  const { clock, queue, handle } = setup(async (key) => {
    if (key === 'a') await new Promise<void>((r) => (release = r));
    done.push(key);
    return { requeueAfter: 1000 };
  });
  queue.add('a');
  queue.add('b');
  await clock.tick();
  let stopped = false;
  const stopping = handle.stop().then(() => (stopped = true));
  t.is(handle.stop(), handle.stop(), 'idempotent');
  await clock.tick();
  t.false(stopped);
  release();
  await stopping;
  t.deepEqual(done, ['a', 'b']);
  t.is(clock.pending(), 0, 'requeues after shutdown are dropped');
  await handle.exited;
});

test('hooks that throw do not stop the workers', async (t) => {
  const clock = new FakeClock(0);
  const queue = new WorkQueue<string>({ clock });
  let calls = 0;
  const handle = runWorkers({
    queue,
    clock,
    reconcile: async () => {
      calls++;
      throw new Error('boom');
    },
    onError: () => {
      throw new Error('logger broke');
    },
    onDone: () => {
      throw new Error('metrics broke');
    },
  });
  queue.add('a');
  await clock.advanceAsync(100);
  t.true(calls > 1);
  await handle.stop();
});

test('onDone reports the duration by the injected clock', async (t) => {
  const { clock, queue, reports, handle } = setup(() => clock.sleep(250));
  queue.add('a');
  await clock.advanceAsync(250);
  t.is(reports[0].durationMs, 250);
  await handle.stop();
});

test('the worker count must be a positive integer', (t) => {
  const queue = new WorkQueue<string>({ clock: new FakeClock(0) });
  t.throws(() => runWorkers({ queue, workers: 0, reconcile: async () => {} }), {
    message: /workers must be a positive integer/,
  });
});
