/**
 * The Job and CronJob controllers: read the store, ask the pure planners in batch/
 * what to do, and write it through the registry — pods or Jobs first, then status.
 */
import type { JsonObject } from '../../core/index.js';
import type { EventRecorder, ReconcileResult } from '../../runtime/index.js';
import type { Registry } from '../api/registry/registry.js';
import { newJobPod, planCronJob, planJob, type CronJob, type Job, type Pod } from './batch/index.js';
import { controllerKeyOf, keyOf, splitKey, type ControllerSpec } from './controller-host.js';
import { controlledBy, tolerate, writeStatus } from './controller-util.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const JOBS = { group: 'batch', version: 'v1', resource: 'jobs' };
const CRONJOBS = { group: 'batch', version: 'v1', resource: 'cronjobs' };

const ignoreGone = tolerate('NotFound', 'Conflict');

export function jobController(registry: Registry): ControllerSpec {
  return {
    name: 'job-controller',
    primary: { group: 'batch', resource: 'jobs' },
    watches: [
      { group: 'batch', resource: 'jobs', keys: (o) => [keyOf(o)] },
      { group: '', resource: 'pods', keys: (o) => controllerKeyOf(o, 'Job') },
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const job = registry.store.get({ group: 'batch', resource: 'jobs', namespace, name })?.value;
      if (!job) return;
      const pods = controlledBy(registry, '', 'pods', namespace, (job.metadata as JsonObject).uid);
      const plan = planJob(job as unknown as Job, pods as unknown as Pod[], registry.now());
      const manager = { fieldManager: 'job-controller' };
      const indexes = plan.createIndexes ?? Array.from({ length: plan.create }, () => undefined);
      for (const index of indexes) {
        await registry.create(
          PODS,
          namespace,
          newJobPod(job as unknown as Job, index) as unknown as JsonObject,
          manager,
        );
      }
      for (const pod of plan.delete) await registry.delete(PODS, namespace, pod, {}).catch(ignoreGone);
      await writeStatus(registry, JOBS, namespace, name, plan.status, 'job-controller');
      return plan.requeueAfterMs !== undefined ? { requeueAfter: plan.requeueAfterMs } : undefined;
    },
  };
}

export function cronJobController(registry: Registry, events?: EventRecorder): ControllerSpec {
  return {
    name: 'cronjob-controller',
    primary: { group: 'batch', resource: 'cronjobs' },
    watches: [
      { group: 'batch', resource: 'cronjobs', keys: (o) => [keyOf(o)] },
      { group: 'batch', resource: 'jobs', keys: (o) => controllerKeyOf(o, 'CronJob') },
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const cj = registry.store.get({ group: 'batch', resource: 'cronjobs', namespace, name })?.value;
      if (!cj) return;
      const jobs = controlledBy(registry, 'batch', 'jobs', namespace, (cj.metadata as JsonObject).uid);
      const plan = planCronJob(cj as unknown as CronJob, jobs as unknown as Job[], registry.now());
      const manager = { fieldManager: 'cronjob-controller' };
      const status = structuredClone(plan.status) as JsonObject;
      if (plan.create) {
        const created = await registry
          .create(JOBS, namespace, plan.create as unknown as JsonObject, manager)
          .catch((e) => {
            return tolerate('AlreadyExists')(e);
          });
        // the planner cannot know the new Job's uid: fill it into the active reference
        const uid = (created?.metadata as JsonObject | undefined)?.uid;
        for (const ref of (status.active ?? []) as JsonObject[]) {
          if (ref.name === (plan.create.metadata as { name: string }).name && uid) ref.uid = uid;
        }
      }
      for (const job of plan.delete) {
        await registry.delete(JOBS, namespace, job, { propagationPolicy: 'Background' }).catch(ignoreGone);
      }
      for (const e of plan.events) events?.event(cj, e.type, e.reason, e.message);
      await writeStatus(registry, CRONJOBS, namespace, name, status, 'cronjob-controller');
      return plan.requeueAfterMs !== undefined ? { requeueAfter: plan.requeueAfterMs } : undefined;
    },
  };
}
