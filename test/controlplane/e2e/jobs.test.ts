/** Jobs run their pods as processes to completion; a CronJob starts Jobs on schedule. */
import test from 'ava';
import type { JsonObject } from '../../../src/core/index.js';
import { eventually, removeDir, startTestControlPlane, type TestControlPlane } from '../helpers.js';

const JOBS = { group: 'batch', version: 'v1', resource: 'jobs' };
const CRONJOBS = { group: 'batch', version: 'v1', resource: 'cronjobs' };
let env: TestControlPlane;

test.before(async () => {
  env = await startTestControlPlane();
  await env.cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'batch' },
  });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

const template = (code: number) => ({
  spec: {
    restartPolicy: 'Never',
    containers: [
      {
        name: 'task',
        image: 'capstan.dev/test/task',
        command: [process.execPath, '-e', `process.exit(${code})`],
      },
    ],
  },
});

test('a Job with completions 3 and parallelism 2 completes', async (t) => {
  await env.cp.api.create(JOBS, 'batch', {
    metadata: { name: 'ok' },
    spec: { completions: 3, parallelism: 2, template: template(0) },
  });
  const job = (await eventually(
    () => {
      const j = env.cp.api.get(JOBS, 'batch', 'ok') as any;
      return j.status?.conditions?.some((c: any) => c.type === 'Complete' && c.status === 'True')
        ? j
        : undefined;
    },
    60_000,
    50,
  )) as any;
  t.is(job.status.succeeded, 3);
  t.truthy(job.status.completionTime);
});

test('a Job whose pods fail stops at its backoff limit', async (t) => {
  await env.cp.api.create(JOBS, 'batch', {
    metadata: { name: 'bad' },
    spec: { backoffLimit: 0, template: template(1) },
  });
  const job = (await eventually(
    () => {
      const j = env.cp.api.get(JOBS, 'batch', 'bad') as any;
      return j.status?.conditions?.find((c: any) => c.type === 'Failed' && c.status === 'True')
        ? j
        : undefined;
    },
    60_000,
    50,
  )) as any;
  t.is(job.status.conditions.find((c: any) => c.type === 'Failed').reason, 'BackoffLimitExceeded');
});

test('a CronJob every minute creates a Job for its schedule', async (t) => {
  await env.cp.api.create(CRONJOBS, 'batch', {
    metadata: { name: 'tick' },
    spec: {
      schedule: '* * * * *',
      startingDeadlineSeconds: 600,
      jobTemplate: { spec: { template: template(0) } },
    },
  });
  // the next minute may be up to 60 s away: the controller requeues itself until then
  const job = await eventually(
    () =>
      env.cp.store
        .list({ group: 'batch', resource: 'jobs', namespace: 'batch' })
        .items.map((o) => o.value)
        .find((j: JsonObject) => String((j.metadata as JsonObject).name).startsWith('tick-')),
    90_000,
    200,
  );
  t.regex(String((job.metadata as JsonObject).name), /^tick-\d+$/);
});
