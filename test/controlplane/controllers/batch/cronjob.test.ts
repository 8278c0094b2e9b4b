import test from 'ava';
import { cronJobName, planCronJob, rfc3339In } from '../../../../src/controlplane/controllers/batch/index.js';
import { cronJob, ownedJob } from './fixtures.js';

const NOW = new Date('2024-05-01T12:00:30Z');

test('job names are <cronjob>-<minutes since epoch>; scheduled timestamps are in the zone', (t) => {
  t.is(cronJobName('backup', new Date('2024-05-01T12:00:00Z')), 'backup-28576080');
  t.is(rfc3339In('America/New_York', new Date('2024-05-01T12:00:00Z')), '2024-05-01T08:00:00-04:00');
  t.is(rfc3339In(undefined, new Date('2024-05-01T12:00:00Z')), '2024-05-01T12:00:00Z');
});

test('a due run creates its Job, records it active and requeues for the next one', (t) => {
  const cj = cronJob({ timeZone: 'Europe/Berlin' }, { lastScheduleTime: '2024-05-01T11:00:00Z' });
  const plan = planCronJob(cj, [], NOW);
  t.is(plan.create?.metadata.name, 'backup-28576080');
  t.deepEqual(plan.create?.metadata.annotations, {
    'batch.kubernetes.io/cronjob-scheduled-timestamp': '2024-05-01T14:00:00+02:00',
  });
  t.like(plan.create?.metadata.ownerReferences?.[0], { kind: 'CronJob', name: 'backup', controller: true });
  t.deepEqual(plan.create?.spec, cj.spec.jobTemplate.spec);
  t.deepEqual(plan.status.active, [
    { apiVersion: 'batch/v1', kind: 'Job', name: 'backup-28576080', namespace: 'default' },
  ]);
  t.is(plan.status.lastScheduleTime, '2024-05-01T12:00:00Z');
  t.is(plan.requeueAfterMs, 59.5 * 60_000 + 100);
  // the same time is never started twice
  const again = planCronJob({ ...cj, status: plan.status }, [], NOW);
  t.is(again.create, undefined);
});

test('nothing due: no Job, requeue until the next time', (t) => {
  const plan = planCronJob(cronJob({}, { lastScheduleTime: '2024-05-01T12:00:00Z' }), [], NOW);
  t.is(plan.create, undefined);
  t.is(plan.requeueAfterMs, 59.5 * 60_000 + 100);
});

test('after downtime only the most recent missed time runs; over 100 missed warns', (t) => {
  const plan = planCronJob(cronJob({}, { lastScheduleTime: '2024-05-01T08:00:00Z' }), [], NOW);
  t.is(plan.status.lastScheduleTime, '2024-05-01T12:00:00Z');
  t.deepEqual(
    plan.events.filter((e) => e.type === 'Warning'),
    [],
  );
  const many = planCronJob(
    cronJob({ schedule: '* * * * *' }, { lastScheduleTime: '2024-05-01T09:00:00Z' }),
    [],
    NOW,
  );
  t.is(many.create?.metadata.name, 'backup-28576080');
  t.true(many.events.some((e) => e.reason === 'TooManyMissedTimes'));
});

test('startingDeadlineSeconds: a run too late is skipped', (t) => {
  const cj = cronJob({ startingDeadlineSeconds: 20 }, { lastScheduleTime: '2024-05-01T11:00:00Z' });
  t.is(planCronJob(cj, [], NOW).create, undefined);
  t.truthy(planCronJob(cj, [], new Date('2024-05-01T12:00:15Z')).create);
});

test('concurrencyPolicy: Allow runs alongside, Forbid waits, Replace deletes the running Job', (t) => {
  const running = ownedJob('backup-28576020');
  const status = {
    lastScheduleTime: '2024-05-01T11:00:00Z',
    active: [
      { apiVersion: 'batch/v1', kind: 'Job', name: running.metadata.name!, uid: running.metadata.uid! },
    ],
  };
  const allow = planCronJob(cronJob({}, status), [running], NOW);
  t.truthy(allow.create);
  t.is(allow.status.active?.length, 2);

  const forbid = planCronJob(cronJob({ concurrencyPolicy: 'Forbid' }, status), [running], NOW);
  t.is(forbid.create, undefined);
  t.is(forbid.status.lastScheduleTime, '2024-05-01T11:00:00Z');
  t.true(forbid.events.some((e) => e.reason === 'JobAlreadyActive'));

  const replace = planCronJob(cronJob({ concurrencyPolicy: 'Replace' }, status), [running], NOW);
  t.deepEqual(replace.delete, ['backup-28576020']);
  t.deepEqual(
    replace.status.active?.map((r) => r.name),
    ['backup-28576080'],
  );
});

test('suspend and deletion start nothing and do not requeue', (t) => {
  const due = { lastScheduleTime: '2024-05-01T11:00:00Z' };
  const suspended = planCronJob(cronJob({ suspend: true }, due), [], NOW);
  t.is(suspended.create, undefined);
  t.is(suspended.requeueAfterMs, undefined);
  const deleting = cronJob({}, due);
  deleting.metadata.deletionTimestamp = '2024-05-01T12:00:00Z';
  t.is(planCronJob(deleting, [], NOW).create, undefined);
});

test('finished Jobs leave status.active and set lastSuccessfulTime', (t) => {
  const ok = ownedJob('backup-1', { done: 'Complete', finished: '2024-05-01T11:05:00Z' });
  const bad = ownedJob('backup-2', { done: 'Failed' });
  const cj = cronJob(
    {},
    {
      lastScheduleTime: '2024-05-01T12:00:00Z',
      active: [
        { name: 'backup-1', uid: 'uid-backup-1' },
        { name: 'backup-2', uid: 'uid-backup-2' },
        { name: 'backup-gone', uid: 'uid-gone' },
      ],
    },
  );
  const plan = planCronJob(cj, [ok, bad], NOW);
  t.deepEqual(plan.status.active, []);
  t.is(plan.status.lastSuccessfulTime, '2024-05-01T11:05:00Z');
  t.true(plan.events.some((e) => e.reason === 'MissingJob'));
});

test('history limits delete the oldest finished Jobs beyond them (defaults 3 and 1)', (t) => {
  const started = (h: number) => `2024-05-01T0${h}:00:00Z`;
  const complete = [5, 1, 3, 2, 4].map((h) => ownedJob(`ok-${h}`, { done: 'Complete', started: started(h) }));
  const failed = [1, 2].map((h) => ownedJob(`bad-${h}`, { done: 'Failed', started: started(h) }));
  const running = ownedJob('run', { started: started(0) });
  const status = { lastScheduleTime: '2024-05-01T12:00:00Z', active: [{ name: 'run', uid: 'uid-run' }] };
  const plan = planCronJob(cronJob({}, status), [...complete, ...failed, running], NOW);
  t.deepEqual(plan.delete, ['ok-1', 'ok-2', 'bad-1']);
  const custom = planCronJob(
    cronJob({ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5 }, status),
    [...complete, ...failed],
    NOW,
  );
  t.deepEqual(custom.delete, ['ok-1', 'ok-2', 'ok-3', 'ok-4', 'ok-5']);
});

test('invalid schedule or time zone: a warning, no Job, no requeue', (t) => {
  const bad = planCronJob(cronJob({ schedule: '@every 1h' }), [], NOW);
  t.like(bad, { create: undefined, requeueAfterMs: undefined });
  t.is(bad.events[0]?.reason, 'UnparseableSchedule');
  t.is(planCronJob(cronJob({ timeZone: 'Nowhere/Land' }), [], NOW).events[0]?.reason, 'UnknownTimeZone');
});
