import test from 'ava';
import type { JsonObject } from '../../../../../src/core/index.js';
import { jobs } from '../../../../../src/controlplane/api/kinds/batch/jobs.js';
import { cronjobs } from '../../../../../src/controlplane/api/kinds/batch/cronjobs.js';
import { cronScheduleError } from '../../../../../src/controlplane/api/kinds/batch/cron-schedule.js';

const now = new Date('2024-05-01T12:00:00Z');
const podTemplate = () => ({
  spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] },
});
const job = (): JsonObject => ({
  metadata: { name: 'pi', uid: 'abc-123', creationTimestamp: '2024-05-01T11:00:00Z' },
  spec: { template: podTemplate() },
});

test('Job defaults and the generated selector and labels', (t) => {
  const j = job();
  jobs.defaults!(j);
  const spec = j.spec as JsonObject;
  t.like(spec, {
    completions: 1,
    parallelism: 1,
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    suspend: false,
    podReplacementPolicy: 'TerminatingOrFailed',
  });
  const labels = {
    'batch.kubernetes.io/controller-uid': 'abc-123',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': 'abc-123',
    'job-name': 'pi',
  };
  t.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc-123' } });
  t.deepEqual(((spec.template as JsonObject).metadata as JsonObject).labels, labels);
  t.deepEqual((j.metadata as JsonObject).labels, labels);
  t.deepEqual(jobs.validate!(j), []);
});

test('Job with parallelism only, a per-index limit, or a failure policy', (t) => {
  const j = job();
  (j.spec as JsonObject).parallelism = 3;
  (j.spec as JsonObject).backoffLimitPerIndex = 1;
  (j.spec as JsonObject).podFailurePolicy = {
    rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }],
  };
  jobs.defaults!(j);
  t.like(j.spec as JsonObject, {
    completions: undefined,
    parallelism: 3,
    backoffLimit: 2147483647,
    podReplacementPolicy: 'Failed',
  });
  t.deepEqual((j.spec as JsonObject).podFailurePolicy, {
    rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
  });
});

test('Job validation: restartPolicy, immutable template', (t) => {
  const j = job();
  (((j.spec as JsonObject).template as JsonObject).spec as JsonObject).restartPolicy = 'Always';
  jobs.defaults!(j);
  t.deepEqual(
    jobs.validate!(j).map((c) => c.message),
    ['Unsupported value: "Always": supported values: "OnFailure", "Never"'],
  );
  const before = job();
  jobs.defaults!(before);
  const after = JSON.parse(JSON.stringify(before)) as JsonObject;
  (((after.spec as JsonObject).template as JsonObject).spec as JsonObject).containers = [
    { name: 'pi', image: 'perl:5.36' },
  ];
  jobs.defaults!(after);
  t.deepEqual(
    jobs.validate!(after, before).map((c) => c.field),
    ['spec.template'],
  );
});

test('Job rows: status, completions, duration', (t) => {
  const j = job();
  jobs.defaults!(j);
  j.status = {
    succeeded: 1,
    startTime: '2024-05-01T11:00:00Z',
    completionTime: '2024-05-01T11:00:42Z',
    conditions: [{ type: 'Complete', status: 'True' }],
  };
  t.deepEqual(jobs.printRow!(j, now).slice(0, 5), ['pi', 'Complete', '1/1', '42s', '60m']);
  const running = job();
  (running.spec as JsonObject).parallelism = 2;
  jobs.defaults!(running);
  running.status = { startTime: '2024-05-01T11:59:00Z' };
  t.deepEqual(jobs.printRow!(running, now).slice(0, 4), ['pi', 'Running', '0/1 of 2', '60s']);
  t.deepEqual(jobs.selectableFields!(j), { 'status.successful': '1' });
});

test('CronJob defaults, validation and row', (t) => {
  const cj: JsonObject = {
    metadata: { name: 'hello', creationTimestamp: '2024-05-01T11:00:00Z' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate() } } },
  };
  cronjobs.defaults!(cj);
  const spec = cj.spec as JsonObject;
  t.like(spec, {
    concurrencyPolicy: 'Allow',
    suspend: false,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
  });
  t.false('backoffLimit' in ((spec.jobTemplate as JsonObject).spec as JsonObject));
  t.deepEqual(cronjobs.validate!(cj), []);
  cj.status = { active: [{ name: 'hello-1' }], lastScheduleTime: '2024-05-01T11:58:00Z' };
  t.deepEqual(cronjobs.printRow!(cj, now).slice(0, 7), [
    'hello',
    '*/5 * * * *',
    '<none>',
    'False',
    1,
    '2m',
    '60m',
  ]);
  spec.schedule = 'every minute';
  spec.timeZone = 'Mars/Olympus';
  t.deepEqual(
    cronjobs.validate!(cj).map((c) => c.field),
    ['spec.schedule', 'spec.timeZone'],
  );
});

test('cron schedules parse as robfig/cron does', (t) => {
  for (const ok of ['0 0 * * *', '@hourly', '@every 1h30m', '*/15 9-17 * JAN-MAR mon-fri', '5,10 * * * ?'])
    t.is(cronScheduleError(ok), undefined, ok);
  t.is(cronScheduleError('* * *'), 'expected exactly 5 fields, found 3: [* * *]');
  t.is(cronScheduleError('61 * * * *'), 'end of range (61) above maximum (59): 61');
  t.is(cronScheduleError('@sometimes'), 'unrecognized descriptor: @sometimes');
});
