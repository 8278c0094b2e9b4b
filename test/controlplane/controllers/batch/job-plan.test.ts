import test from 'ava';
import { planJob, type JobCondition } from '../../../../src/controlplane/controllers/batch/index.js';
import { T0, at, iso, job, pod, pods } from './fixtures.js';

const types = (cs: JobCondition[] | undefined) => (cs ?? []).map((c) => `${c.type}=${c.status}`);

test('a new Job gets startTime and parallelism pods, never more than the remaining completions', (t) => {
  const plan = planJob(job({ completions: 5, parallelism: 2 }), [], T0);
  t.is(plan.create, 2);
  t.is(plan.status.startTime, iso(T0));
  t.is(plan.status.active, 2);
  // 4 of 5 done, none running: only 1 more
  const late = planJob(job({ completions: 5, parallelism: 2 }), pods(4, 'Succeeded'), T0);
  t.is(late.create, 1);
  t.is(late.status.succeeded, 4);
});

test('defaults: no completions and no parallelism means one pod, one completion', (t) => {
  t.is(planJob(job(), [], T0).create, 1);
  const done = planJob(job(), pods(1, 'Succeeded'), T0);
  t.deepEqual(types(done.status.conditions), ['SuccessCriteriaMet=True', 'Complete=True']);
});

test('too many running pods are deleted, least valuable first; a sync never creates and deletes', (t) => {
  const running = [pod('a', 'Ready'), pod('b', 'Pending'), pod('c', 'Ready')];
  const plan = planJob(job({ completions: 10, parallelism: 2 }), running, T0);
  t.deepEqual(plan.delete, ['b']);
  t.is(plan.create, 0);
  t.is(plan.status.active, 2);
  t.is(plan.status.terminating, 1);
});

test('completion: SuccessCriteriaMet and Complete with completionTime, counts from pods', (t) => {
  const j = job({ completions: 3, parallelism: 3 });
  j.status = { startTime: iso(at(-60)) };
  const plan = planJob(j, [...pods(3, 'Succeeded'), pod('f', 'Failed')], T0);
  t.deepEqual(types(plan.status.conditions), ['SuccessCriteriaMet=True', 'Complete=True']);
  const complete = plan.status.conditions!.find((c) => c.type === 'Complete')!;
  t.is(complete.reason, 'CompletionsReached');
  t.is(complete.message, 'Reached expected number of succeeded pods');
  t.is(plan.status.completionTime, iso(T0));
  t.like(plan.status, { succeeded: 3, failed: 1, active: 0 });
  // finished Jobs are left alone
  const again = planJob({ ...j, status: plan.status }, [], at(10));
  t.deepEqual(again, { create: 0, delete: [], status: plan.status });
});

test('work queue (parallelism without completions): after a success no new pods, done when all stop', (t) => {
  const j = job({ parallelism: 3 });
  const partly = planJob(j, [...pods(1, 'Succeeded'), ...pods(1, 'Running')], T0);
  t.is(partly.create, 0);
  t.deepEqual(types(partly.status.conditions), []);
  const done = planJob(j, [...pods(1, 'Succeeded'), ...pods(2, 'Failed')], T0);
  t.deepEqual(types(done.status.conditions), ['SuccessCriteriaMet=True', 'Complete=True']);
});

test('backoffLimit: one failure more than the limit fails the Job and deletes running pods', (t) => {
  const j = job({ completions: 5, parallelism: 2, backoffLimit: 2 });
  const failing = [pod('f1', 'Failed', { finished: at(-100) }), pod('f2', 'Failed', { finished: at(-50) })];
  // 2 failures = the limit: still retrying
  t.deepEqual(types(planJob(j, failing, T0).status.conditions), []);
  const third = [...failing, pod('f3', 'Failed', { finished: at(-5) }), pod('r', 'Ready')];
  const plan = planJob(j, third, T0);
  t.deepEqual(plan.delete, ['r']);
  t.is(plan.create, 0);
  const target = plan.status.conditions!.find((c) => c.type === 'FailureTarget')!;
  t.like(target, {
    status: 'True',
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
  });
  // Failed waits for the deleted pod to be gone
  t.deepEqual(types(plan.status.conditions), ['FailureTarget=True']);
  const next = planJob({ ...j, status: plan.status }, third.slice(0, 3), at(5));
  t.deepEqual(types(next.status.conditions), ['FailureTarget=True', 'Failed=True']);
  t.like(next.status.conditions![1], { reason: 'BackoffLimitExceeded' });
  t.is(next.status.completionTime, undefined);
});

test('restartPolicy OnFailure: container restarts count against backoffLimit', (t) => {
  const j = job({ backoffLimit: 3 });
  j.spec.template.spec!.restartPolicy = 'OnFailure';
  const p = pod('p', 'Running');
  p.status!.containerStatuses = [{ name: 'main', restartCount: 3 }];
  const plan = planJob(j, [p], T0);
  t.deepEqual(plan.delete, ['p']);
  t.like(plan.status.conditions![0], { type: 'FailureTarget', reason: 'BackoffLimitExceeded' });
});

test('failed pods are replaced after 10 s doubling per consecutive failure, from the last failure', (t) => {
  const j = job({ completions: 1, backoffLimit: 6 });
  // one failure 4 s ago: wait 6 s more
  const one = planJob(j, [pod('f1', 'Failed', { finished: at(-4) })], T0);
  t.is(one.create, 0);
  t.is(one.requeueAfterMs, 6000);
  // three failures, last 15 s ago: 40 s − 15 s
  const three = [at(-200), at(-100), at(-15)].map((f, i) => pod(`f${i}`, 'Failed', { finished: f }));
  t.is(planJob(j, three, T0).requeueAfterMs, 25_000);
  t.is(planJob(j, three, at(25)).create, 1);
});

test('a success resets the back-off', (t) => {
  const j = job({ completions: 3, parallelism: 1 });
  const history = [
    pod('f0', 'Failed', { finished: at(-300) }),
    pod('f1', 'Failed', { finished: at(-290) }),
    pod('s0', 'Succeeded', { finished: at(-100) }),
    pod('f2', 'Failed', { finished: at(-3) }),
  ];
  // only f2 counts: 10 s − 3 s
  t.is(planJob(j, history, T0).requeueAfterMs, 7000);
});

test('activeDeadlineSeconds: requeue until the deadline, then DeadlineExceeded', (t) => {
  const j = job({ completions: 1, activeDeadlineSeconds: 60 });
  j.status = { startTime: iso(at(-45)) };
  const running = [pod('r', 'Running')];
  const before = planJob(j, running, T0);
  t.is(before.requeueAfterMs, 15_000);
  t.deepEqual(before.delete, []);
  const after = planJob(j, running, at(15));
  t.deepEqual(after.delete, ['r']);
  t.like(after.status.conditions![0], {
    type: 'FailureTarget',
    reason: 'DeadlineExceeded',
    message: 'Job was active longer than specified deadline',
  });
  const gone = planJob({ ...j, status: after.status }, [], at(20));
  t.deepEqual(types(gone.status.conditions), ['FailureTarget=True', 'Failed=True']);
});

test('suspend deletes running pods, sets Suspended; resume restarts the deadline clock', (t) => {
  const j = job({ completions: 4, parallelism: 2, suspend: true, activeDeadlineSeconds: 60 });
  const fresh = planJob(j, [], T0);
  t.is(fresh.create, 0);
  t.is(fresh.status.startTime, undefined);
  j.status = { startTime: iso(at(-600)) };
  const plan = planJob(j, [pod('a', 'Ready'), pod('b', 'Running')], T0);
  t.deepEqual(plan.delete.sort(), ['a', 'b']);
  t.like(plan.status, { active: 0, ready: 0, terminating: 2 });
  t.like(plan.status.conditions![0], {
    type: 'Suspended',
    status: 'True',
    reason: 'JobSuspended',
    message: 'Job suspended',
  });
  t.is(plan.requeueAfterMs, undefined);

  const resumed = planJob({ ...j, spec: { ...j.spec, suspend: false }, status: plan.status }, [], at(30));
  t.is(resumed.create, 2);
  t.like(resumed.status.conditions![0], {
    type: 'Suspended',
    status: 'False',
    reason: 'JobResumed',
    message: 'Job resumed',
  });
  t.is(resumed.status.startTime, iso(at(30)));
  t.is(resumed.requeueAfterMs, 60_000);
});

test('podReplacementPolicy Failed waits for terminating pods; the default does not', (t) => {
  const j = job({ completions: 2, parallelism: 2 });
  const ps = [pod('t', 'Terminating'), pod('r', 'Running')];
  t.is(planJob(j, ps, T0).create, 1);
  t.is(planJob({ ...j, spec: { ...j.spec, podReplacementPolicy: 'Failed' } }, ps, T0).create, 0);
});

test('a Job being deleted only reports status', (t) => {
  const j = job({ completions: 3, parallelism: 3 });
  j.metadata.deletionTimestamp = iso(T0);
  const plan = planJob(j, [pod('r', 'Running')], T0);
  t.like(plan, { create: 0, delete: [] });
  t.is(plan.status.active, 1);
});
