/**
 * Moves a Namespace, or a CustomResourceDefinition, to the earliest phase and wave of an
 * object that needs it, as Argo CD does (`adjustDeps` in gitops-engine's sync_tasks.go).
 *
 * Example: Namespace `shop` (wave 0, Sync phase) and a PreSync hook Job `shop/migrate`.
 * Without the move the first sync fails: the hook runs before anything in the Sync phase,
 * and its namespace does not exist yet. With it, the Namespace is applied in the PreSync
 * phase's wave 0, just before the Job (kind order puts Namespaces first in a wave). Same
 * for a CRD in wave 2 and one of its custom resources in wave 1: the CRD moves to wave 1.
 */
import { describeRef } from './refs.js';
import { compareForCreation } from './kind-order.js';
import type { PreparedObject } from './prepare.js';
import type { HookDeletePolicy, HookPhase, SyncPhase } from './types.js';

/** A step before it is placed in its wave (internal to the planner). */
export interface DraftStep {
  prepared: PreparedObject;
  phase: SyncPhase;
  wave: number;
  hook?: { phase: HookPhase; deletePolicies: HookDeletePolicy[] };
  pulledForwardFor?: string;
}

const PHASE_ORDER: Record<SyncPhase, number> = { PreSync: 0, Sync: 1, PostSync: 2 };

function comparePosition(a: DraftStep, b: DraftStep): number {
  return PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.wave - b.wave;
}

/** What a non-hook object provides to others: `ns:<name>` or `gk:<group>/<kind>`. */
function provides(step: DraftStep): string | undefined {
  if (step.hook) return undefined;
  const { object, ref } = step.prepared;
  if (ref.group === '' && ref.kind === 'Namespace') return `ns:${ref.name}`;
  if (ref.group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition') {
    const spec = object.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') {
      return `gk:${spec.group}/${spec.names.kind}`;
    }
  }
  return undefined;
}

/** What an object needs to exist before it can be created. */
function needs(step: DraftStep): string[] {
  const { ref } = step.prepared;
  const out = [`gk:${ref.group}/${ref.kind}`];
  if (ref.namespace) out.push(`ns:${ref.namespace}`);
  return out;
}

/** Moves providers forward in place; steps are mutated (they are the planner's own drafts). */
export function pullDependenciesForward(steps: DraftStep[]): void {
  // The earliest needer of each dependency; ties go to the first in creation order.
  const earliest = new Map<string, DraftStep>();
  for (const step of steps) {
    for (const need of needs(step)) {
      const current = earliest.get(need);
      if (
        !current ||
        comparePosition(step, current) < 0 ||
        (comparePosition(step, current) === 0 &&
          compareForCreation(step.prepared.ref, current.prepared.ref) < 0)
      ) {
        earliest.set(need, step);
      }
    }
  }
  for (const step of steps) {
    const dep = provides(step);
    const needer = dep === undefined ? undefined : earliest.get(dep);
    if (!needer || needer === step || comparePosition(needer, step) >= 0) continue;
    step.phase = needer.phase;
    step.wave = needer.wave;
    const what = describeRef(needer.prepared.ref);
    step.pulledForwardFor = needer.hook ? `${needer.hook.phase} hook ${what}` : what;
  }
}
