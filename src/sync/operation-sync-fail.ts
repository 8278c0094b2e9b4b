/**
 * After a sync has failed: its SyncFail hooks, wave by wave, started and then waited for
 * as further steps. Best effort: their own failure changes nothing in the result.
 */
import { clusterRef, healthRound, type HealthRound } from './gate.js';
import { finishHook, nameHook, startHook, type StartedHook } from './hooks.js';
import {
  clockOf,
  describeAt,
  recordObject,
  waiting,
  type SyncOperation,
  type SyncStep,
} from './operation-state.js';
import { deletingPrevious } from './operation-wave.js';
import type { SyncOptions } from './options.js';

export async function runSyncFailHooks(op: SyncOperation, o: SyncOptions): Promise<SyncStep> {
  const f = op.failing!;
  const now = clockOf(o);
  for (;;) {
    const wave = op.plan.syncFail[f.wave];
    if (!wave) return { done: true, result: op.result };
    const name = `SyncFail/${wave.wave}`;
    f.toStart ??= wave.steps.map((step) => ({ step, obj: nameHook(op.plan.prepared[step.index]) }));
    const force = now() >= f.deadline;
    const notYet: StartedHook[] = [];
    for (const hook of f.toStart) {
      try {
        if ((await startHook(o.cluster, hook.obj, hook.step, force)) === 'deleting') {
          notYet.push(hook);
          continue;
        }
        f.started.push(hook);
        f.gated.push({ ref: clusterRef(hook.obj) });
        recordObject(op.result, hook.step.key, hook.obj, 'hook');
      } catch {
        // reported through the sync's own failure
      }
    }
    f.toStart = notYet;
    if (notYet.length > 0)
      return waiting(
        op,
        name,
        deletingPrevious(notYet[0].obj),
        notYet.map((h) => clusterRef(h.obj)),
        f.deadline,
      );
    let round: HealthRound | undefined;
    try {
      round = await healthRound(o.cluster, f.gated, { deadline: f.deadline, now });
    } catch {
      round = undefined;
    }
    if (round?.state === 'waiting') {
      f.gated = round.pending;
      const { ref, health } = round.worst;
      return waiting(
        op,
        name,
        `${describeAt(ref)}: ${health.message ?? health.status}`,
        round.pending.map((p) => p.ref),
        f.deadline,
      );
    }
    for (const s of f.started) await finishHook(o.cluster, s, round?.state === 'healthy', o);
    Object.assign(f, { wave: f.wave + 1, toStart: undefined, started: [], gated: [] });
  }
}
