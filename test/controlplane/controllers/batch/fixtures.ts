/** Builders for Jobs, CronJobs and pods as plain JSON. */
import type { CronJob, Job, JobSpec, Pod } from '../../../../src/controlplane/controllers/batch/index.js';

export const T0 = new Date('2024-05-01T12:00:00Z');
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
export const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

export function job(spec: Partial<JobSpec> = {}, name = 'work'): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: {
      template: {
        metadata: { labels: { app: name } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
      },
      ...spec,
    },
  };
}

type PodState = 'Pending' | 'Running' | 'Ready' | 'Succeeded' | 'Failed' | 'Terminating';

/** A pod of `state`; finished pods end at `finished` (default T0). */
export function pod(name: string, state: PodState, opts: { index?: number; finished?: Date } = {}): Pod {
  const phase = state === 'Ready' || state === 'Terminating' ? 'Running' : state;
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: iso(at(-600)) },
    spec: { nodeName: 'node-1' },
    status: { phase, conditions: [{ type: 'Ready', status: state === 'Ready' ? 'True' : 'False' }] },
  };
  if (state === 'Terminating') p.metadata.deletionTimestamp = iso(T0);
  if (state === 'Succeeded' || state === 'Failed') {
    const t = iso(opts.finished ?? T0);
    (p.status as Record<string, unknown>).containerStatuses = [
      { name: 'main', restartCount: 0, state: { terminated: { finishedAt: t } } },
    ];
  }
  if (opts.index !== undefined)
    p.metadata.annotations = { 'batch.kubernetes.io/job-completion-index': String(opts.index) };
  return p;
}

export const pods = (n: number, state: PodState, prefix = state.toLowerCase()): Pod[] =>
  Array.from({ length: n }, (_, i) => pod(`${prefix}-${i}`, state));

export function cronJob(
  spec: Partial<CronJob['spec']> = {},
  status: CronJob['status'] = {},
  name = 'backup',
): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2024-05-01T00:00:00Z' },
    spec: {
      schedule: '0 * * * *',
      jobTemplate: { metadata: { labels: { app: name } }, spec: job({}, name).spec },
      ...spec,
    },
    status,
  };
}

/** A Job owned by a CronJob; `done` finishes it with that condition at `finished`. */
export function ownedJob(
  name: string,
  opts: { done?: 'Complete' | 'Failed'; started?: string; finished?: string } = {},
): Job {
  const j = job({}, name);
  j.status = { ...(opts.started ? { startTime: opts.started } : {}) };
  if (opts.done) {
    j.status.conditions = [{ type: opts.done, status: 'True' }];
    if (opts.done === 'Complete' && opts.finished) j.status.completionTime = opts.finished;
  }
  return j;
}
