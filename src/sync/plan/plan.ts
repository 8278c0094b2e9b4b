/**
 * The sync planner: from the rendered objects and the application's live objects, what to
 * apply in which phase and wave, which hooks to run, and what to prune. Pure: no I/O, and
 * the same input always gives the same plan.
 *
 * Order follows Argo CD's documented semantics
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/): by phase, then wave
 * (lower first), then kind, then name.
 * - PreSync hooks run first; the Sync phase holds every object that is not a hook; PostSync
 *   hooks run once the Sync phase has been applied and is healthy.
 * - Sync hooks run "at the same time as the application of the manifests": they are not a
 *   step after the other objects of their wave but members of it, placed by kind and name
 *   like any object (a Job hook after the wave's Deployments, a Pod hook before them). To
 *   run a Sync hook after the objects of wave N, put it in wave N+1.
 * - SyncFail hooks run only when the sync fails: kept apart, in their own waves.
 * - Prune comes after every phase has succeeded, in reverse creation order.
 */
import { CapstanError, isClusterScopedKind, type KubeObject } from '../../core/index.js';
import { HOOK_ANNOTATION } from '../annotations.js';
import { pullDependenciesForward, type DraftStep } from './dependencies.js';
import { compareForCreation } from './kind-order.js';
import { readDeletePolicies, readHook, readWave } from './object-options.js';
import { prepareObjects, scopeFromDesired } from './prepare.js';
import { planPrune } from './prune.js';
import { keyOf, refOf } from './refs.js';
import type { ObjectRef, PlanStep, PlanSyncInput, PlanWave, SyncPhase, SyncPlan } from './types.js';

const PHASES: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync'];

function toStep(draft: DraftStep, liveKeys: ReadonlySet<string>): PlanStep {
  const { prepared } = draft;
  const existing = Boolean(prepared.object.metadata.name) && liveKeys.has(prepared.key);
  const step: PlanStep = {
    ref: prepared.ref,
    key: prepared.key,
    index: prepared.index,
    wave: draft.wave,
    state: existing ? 'existing' : 'new',
  };
  if (draft.hook) step.hook = draft.hook;
  if (draft.pulledForwardFor !== undefined) step.pulledForwardFor = draft.pulledForwardFor;
  return step;
}

/** Steps grouped by wave, lowest first, each wave in creation order. */
function groupByWave(drafts: DraftStep[], liveKeys: ReadonlySet<string>): PlanWave[] {
  const sorted = [...drafts].sort(
    (a, b) => a.wave - b.wave || compareForCreation(a.prepared.ref, b.prepared.ref),
  );
  const waves: PlanWave[] = [];
  for (const draft of sorted) {
    let last = waves.at(-1);
    if (!last || last.wave !== draft.wave) {
      last = { wave: draft.wave, steps: [] };
      waves.push(last);
    }
    last.steps.push(toStep(draft, liveKeys));
  }
  return waves;
}

/**
 * Plans one sync of `app`. Throws a `CapstanError` when the desired objects cannot be
 * synced as they are: `SYNC_INVALID_OBJECT`, `SYNC_DUPLICATE_OBJECT`, `SYNC_INVALID_WAVE`,
 * `SYNC_INVALID_HOOK`, `SYNC_INVALID_HOOK_DELETE_POLICY` — each naming the object at fault
 * (and `SYNC_INVALID_APP` for a call without an application name).
 */
export function planSync(input: PlanSyncInput): SyncPlan {
  const { app, desired, live } = input;
  if (typeof app !== 'string' || app === '') {
    throw new CapstanError('SYNC_INVALID_APP', 'planSync needs the application name', { app });
  }
  const extra = input.isClusterScoped;
  const fallback = (group: string, kind: string) =>
    isClusterScopedKind(kind) || (extra?.(group, kind) ?? false);
  const prepared = prepareObjects(desired, {
    app,
    defaultNamespace: input.defaultNamespace || 'default',
    isClusterScoped: scopeFromDesired(desired, fallback),
  });

  const drafts: DraftStep[] = [];
  const syncFail: DraftStep[] = [];
  const skipped: ObjectRef[] = [];
  for (const p of prepared) {
    const marking = readHook(p.object, p.what);
    if (marking.kind === 'skip') {
      skipped.push(p.ref);
      continue;
    }
    const wave = readWave(p.object, p.what);
    if (marking.kind === 'none') {
      if (!p.object.metadata.name) {
        // Applying is idempotent only for a named object: each apply of a generateName
        // object would create another one. Argo CD allows it for hooks only, as here.
        throw new CapstanError(
          'SYNC_INVALID_OBJECT',
          `${p.what}: only hooks may have metadata.generateName without metadata.name; ` +
            `give it a name, or mark it with ${HOOK_ANNOTATION}`,
          { index: p.index, object: p.what },
        );
      }
      drafts.push({ prepared: p, phase: 'Sync', wave });
      continue;
    }
    const deletePolicies = readDeletePolicies(p.object, p.what);
    for (const phase of marking.phases) {
      const hook = { phase, deletePolicies };
      // (a SyncFail draft's `phase` is unused: those hooks are never moved or mixed in)
      if (phase === 'SyncFail') syncFail.push({ prepared: p, phase: 'Sync', wave, hook });
      else drafts.push({ prepared: p, phase, wave, hook });
    }
  }
  pullDependenciesForward(drafts);

  const liveKeys = new Set<string>();
  for (const obj of live) if (obj?.metadata?.name) liveKeys.add(keyOf(refOf(obj)));
  const desiredKeys = new Set(prepared.map((p) => p.key));

  return {
    app,
    prepared: prepared.map((p) => p.object),
    phases: PHASES.map((phase) => ({
      phase,
      waves: groupByWave(
        drafts.filter((d) => d.phase === phase),
        liveKeys,
      ),
    })),
    syncFail: groupByWave(syncFail, liveKeys),
    ...planPrune(app, live, desiredKeys),
    skipped,
  };
}

/** Every step of the plan's phases in execution order (SyncFail hooks and prune excluded). */
export function planSteps(plan: SyncPlan): PlanStep[] {
  return plan.phases.flatMap((phase) => phase.waves.flatMap((wave) => wave.steps));
}

/** The prepared object a step applies. */
export function stepObject(plan: SyncPlan, step: PlanStep): KubeObject {
  return plan.prepared[step.index];
}
