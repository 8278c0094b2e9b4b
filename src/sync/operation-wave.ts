/**
 * One wave of a sync, a step at a time: its objects are applied kind by kind (a CRD's
 * kinds awaited before the next kind, a hook's previous run deleted before it starts),
 * then its health is read. Each function does what it can now and returns either nothing
 * (the operation moved on, or failed) or the step that waits.
 */
import type { KubeObject } from '../core/index.js';
import { clusterRef, healthRound, mapLimited, readAgain, type HealthRound } from './gate.js';
import { describeCause } from './health/index.js';
import { finishHook, nameHook, startHook } from './hooks.js';
import { awaitingServed, kindsNotServed, notServedInTime } from './kinds-served.js';
import { aboutObject, describeObject, messageOf } from './messages.js';
import {
  beginFailing,
  clockOf,
  describeAt,
  recordObject,
  waiting,
  type SyncOperation,
  type SyncStep,
} from './operation-state.js';
import type { SyncOptions } from './options.js';
import type { PlanStep } from './plan/index.js';
import { isTransientReadError, isTransientWriteError } from './transient.js';

/** Requests in flight at once (dry runs, applies of one kind): enough to hide latency, few enough for any server. */
export const CONCURRENCY = 16;

/** Consecutive steps of one kind, in order; a hook is a group of its own. */
export function byKind(steps: readonly PlanStep[]): PlanStep[][] {
  const groups: PlanStep[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0].ref.kind === step.ref.kind && !step.hook && !last[0].hook) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

/** Applies the kind group at `op.at.group` of the current wave (or goes on waiting for it). */
export async function applyGroup(
  op: SyncOperation,
  o: SyncOptions,
  group: readonly PlanStep[],
  name: string,
): Promise<SyncStep | undefined> {
  const w = op.wave!;
  if (w.crds) return awaitServed(op, o, name);
  if (group[0].hook) return applyHook(op, o, group[0], name);
  type Outcome = { obj: KubeObject; known?: KubeObject; error?: string; transient?: boolean };
  const outcomes = await mapLimited(group, CONCURRENCY, async (step): Promise<Outcome> => {
    const obj = op.plan.prepared[step.index];
    if (!op.toApply.has(step)) return { obj, known: op.liveByKey.get(step.key) };
    try {
      const applied = await o.cluster.apply(obj);
      op.result.applied.push(step.key);
      recordObject(op.result, step.key, obj, step.state === 'new' ? 'created' : 'changed');
      o.onEvent?.({ type: 'applied', ref: step.key, created: step.state === 'new' });
      return { obj, known: applied };
    } catch (e) {
      return {
        obj,
        error: `applying ${aboutObject(describeObject(obj), messageOf(e))}`,
        transient: isTransientWriteError(e),
      };
    }
  });
  const failed = outcomes.find((x) => x.error !== undefined);
  if (failed?.error !== undefined) {
    beginFailing(op, o, 'apply', 'Degraded', failed.error, {
      object: describeObject(failed.obj),
      transient: failed.transient,
    });
    return undefined;
  }
  for (const x of outcomes) w.gated.push({ ref: clusterRef(x.obj), known: x.known });
  // the next kinds may be of these definitions: they wait until those are served
  if (group[0].ref.group === 'apiextensions.k8s.io' && group[0].ref.kind === 'CustomResourceDefinition') {
    w.crds = outcomes.map((x) => x.obj);
    return awaitServed(op, o, name);
  }
  op.at.group++;
  return undefined;
}

async function awaitServed(op: SyncOperation, o: SyncOptions, name: string): Promise<SyncStep | undefined> {
  const w = op.wave!;
  const crds = w.crds!;
  let pending;
  try {
    pending = await kindsNotServed(o.cluster, crds);
  } catch (e) {
    beginFailing(op, o, 'apply', 'Degraded', messageOf(e), {
      object: describeObject(crds[0]),
      transient: isTransientReadError(e),
    });
    return undefined;
  }
  if (pending.length === 0) {
    w.crds = undefined;
    op.at.group++;
    return undefined;
  }
  if (clockOf(o)() >= w.deadline) {
    // a definition the server does not establish is the cluster's problem, not the revision's
    beginFailing(op, o, 'apply', 'Degraded', notServedInTime(pending[0]), {
      object: describeObject(crds[0]),
      transient: true,
    });
    return undefined;
  }
  return waiting(op, name, awaitingServed(pending[0]), crds.map(clusterRef), w.deadline);
}

async function applyHook(
  op: SyncOperation,
  o: SyncOptions,
  step: PlanStep,
  name: string,
): Promise<SyncStep | undefined> {
  const w = op.wave!;
  const hook = w.hook ?? nameHook(op.plan.prepared[step.index]);
  let started: KubeObject | 'deleting';
  try {
    started = await startHook(o.cluster, hook, step, clockOf(o)() >= w.deadline);
  } catch (e) {
    w.hook = undefined;
    beginFailing(op, o, 'apply', 'Degraded', `applying ${aboutObject(describeObject(hook), messageOf(e))}`, {
      object: describeObject(hook),
      transient: isTransientWriteError(e),
    });
    return undefined;
  }
  if (started === 'deleting') {
    w.hook = hook;
    return waiting(op, name, deletingPrevious(hook), [clusterRef(hook)], w.deadline);
  }
  w.hook = undefined;
  w.hooks.push({ step, obj: hook });
  w.gated.push({ ref: clusterRef(hook) });
  recordObject(op.result, step.key, hook, 'hook');
  op.at.group++;
  return undefined;
}

export const deletingPrevious = (hook: KubeObject) =>
  `${describeObject(hook)}: waiting for the previous run to be deleted`;

/** Reads the current wave's health once: on to the next wave, failed, or still waiting. */
export async function gateWave(
  op: SyncOperation,
  o: SyncOptions,
  name: string,
): Promise<SyncStep | undefined> {
  const w = op.wave!;
  const now = clockOf(o);
  let round: HealthRound;
  try {
    round = await healthRound(o.cluster, w.gated, { deadline: w.deadline, now });
  } catch (e) {
    // a cluster that does not answer for a moment does not end the wait before its deadline
    const why = `reading health: ${messageOf(e)}`;
    w.gated = readAgain(w.gated);
    if (isTransientReadError(e) && now() < w.deadline)
      return waiting(
        op,
        name,
        why,
        w.gated.map((g) => g.ref),
        w.deadline,
      );
    for (const h of w.hooks) await finishHook(o.cluster, h, false, o);
    beginFailing(op, o, 'health', 'Unknown', why, { transient: isTransientReadError(e) });
    return undefined;
  }
  if (round.state === 'waiting') {
    w.gated = round.pending;
    const { ref, health } = round.worst;
    return waiting(
      op,
      name,
      `${describeAt(ref)}: ${health.message ?? health.status}`,
      round.pending.map((p) => p.ref),
      w.deadline,
    );
  }
  for (const h of w.hooks) await finishHook(o.cluster, h, round.state === 'healthy', o);
  if (round.state === 'healthy') {
    op.at = { ...op.at, wave: op.at.wave + 1, group: 0 };
    op.wave = undefined;
    return undefined;
  }
  const { gate } = round;
  const at = gate.object ? describeAt(gate.object) : '';
  const why = gate.health.cause ? ` (${describeCause(gate.health.cause)})` : '';
  const isHook = w.hooks.some(
    (h) => clusterRef(h.obj).name === gate.object?.name && h.obj.kind === gate.object?.kind,
  );
  beginFailing(
    op,
    o,
    isHook ? 'hook' : 'health',
    gate.health.status,
    `${at}: ${gate.health.message ?? gate.health.status}${why}`,
    { object: at, ...(gate.health.cause ? { cause: gate.health.cause } : {}) },
  );
  return undefined;
}
