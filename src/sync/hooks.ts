/**
 * Hooks: objects (usually Jobs) created afresh for each sync at a phase, then deleted by
 * their delete policies. Starting one never waits: when the previous run is still being
 * deleted (BeforeHookCreation), the caller is told so and asks again later.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../core/index.js';
import type { Cluster } from '../cluster/types.js';
import { clusterRef } from './gate.js';
import type { SyncOptions } from './options.js';
import type { PlanStep } from './plan/index.js';

/** A hook the sync has created, and the step it came from. */
export interface StartedHook {
  step: PlanStep;
  obj: KubeObject;
}

/** The hook object this run creates: a generateName-only hook gets its name now, once. */
export function nameHook(obj: KubeObject): KubeObject {
  if (obj.metadata.name || !obj.metadata.generateName) return obj;
  return {
    ...obj,
    metadata: { ...obj.metadata, name: `${obj.metadata.generateName}${randomBytes(3).toString('hex')}` },
  };
}

/**
 * Creates `hook` (named by `nameHook`), first deleting the previous run's object
 * (BeforeHookCreation). `'deleting'` when that object is still there: ask again later, or
 * pass `force` (the wait is over) to apply regardless.
 */
export async function startHook(
  cluster: Cluster,
  hook: KubeObject,
  step: PlanStep,
  force = false,
): Promise<KubeObject | 'deleting'> {
  const ref = clusterRef(hook);
  if (step.hook!.deletePolicies.includes('BeforeHookCreation')) {
    const previous = await cluster.get(ref);
    if (previous) {
      if (!previous.metadata.deletionTimestamp)
        await cluster.delete(ref, { propagationPolicy: 'Background' });
      if (!force && (await cluster.get(ref))) return 'deleting';
    }
  }
  await cluster.apply(hook);
  return hook;
}

/** Reports a hook's end and deletes its object when its policy says so (best effort). */
export async function finishHook(
  cluster: Cluster,
  { obj, step }: StartedHook,
  succeeded: boolean,
  o: Pick<SyncOptions, 'onEvent'>,
): Promise<void> {
  o.onEvent?.({ type: 'hook', ref: step.key, result: succeeded ? 'Succeeded' : 'Failed' });
  const policies = step.hook!.deletePolicies;
  if ((succeeded && policies.includes('HookSucceeded')) || (!succeeded && policies.includes('HookFailed')))
    await cluster.delete(clusterRef(obj), { propagationPolicy: 'Background' }).catch(() => undefined);
}
