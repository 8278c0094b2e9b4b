/**
 * A plan in a few lines for people (CLI output, sync history, logs), one per wave:
 *
 *   PreSync wave 0: hook Job shop/migrate (new)
 *   wave 0: apply ConfigMap shop/cfg (new), Deployment shop/web
 *   wave 1: hook Job shop/smoke (delete HookSucceeded), apply Ingress shop/web
 *   PostSync wave 0: hook Job shop/notify
 *   prune wave 0: Deployment shop/old, Namespace legacy
 *   kept (Prune=false): ConfigMap shop/keep
 *   on failure, SyncFail wave 0: hook Job shop/cleanup (new)
 */
import { describeRef } from './refs.js';
import type { PlanStep, PlanWave, PruneStep, SyncPlan } from './types.js';

function notes(step: PlanStep): string {
  const out: string[] = [];
  if (step.state === 'new') out.push('new');
  const policies = step.hook?.deletePolicies;
  if (policies && !(policies.length === 1 && policies[0] === 'BeforeHookCreation')) {
    out.push(`delete ${policies.join(',')}`);
  }
  if (step.pulledForwardFor !== undefined) out.push(`needed by ${step.pulledForwardFor}`);
  return out.length > 0 ? ` (${out.join('; ')})` : '';
}

/** `apply A (new), B, hook C`: the verb is written when it changes. */
function describeSteps(steps: PlanStep[]): string {
  let verb = '';
  return steps
    .map((step) => {
      const next = step.hook ? 'hook' : 'apply';
      const prefix = next === verb ? '' : `${next} `;
      verb = next;
      return `${prefix}${describeRef(step.ref)}${notes(step)}`;
    })
    .join(', ');
}

function describeWaves(label: string, waves: PlanWave[]): string[] {
  return waves.map((w) => `${label}wave ${w.wave}: ${describeSteps(w.steps)}`);
}

function pruneByWave(steps: PruneStep[]): string[] {
  const lines: string[] = [];
  let wave: number | undefined;
  let refs: string[] = [];
  const flush = () => {
    if (refs.length > 0) lines.push(`prune wave ${wave}: ${refs.join(', ')}`);
  };
  for (const step of steps) {
    if (step.wave !== wave) {
      flush();
      wave = step.wave;
      refs = [];
    }
    refs.push(describeRef(step.ref));
  }
  flush();
  return lines;
}

/** The plan as short human-readable lines, in the order things happen. */
export function describePlan(plan: SyncPlan): string[] {
  const lines = [
    ...plan.phases.flatMap((p) => describeWaves(p.phase === 'Sync' ? '' : `${p.phase} `, p.waves)),
    ...pruneByWave(plan.prune),
  ];
  if (plan.prunePrevented.length > 0) {
    lines.push(`kept (Prune=false): ${plan.prunePrevented.map((s) => describeRef(s.ref)).join(', ')}`);
  }
  if (plan.skipped.length > 0) lines.push(`skipped (Skip): ${plan.skipped.map(describeRef).join(', ')}`);
  lines.push(...describeWaves('on failure, SyncFail ', plan.syncFail));
  return lines.length > 0 ? lines : ['nothing to apply or prune'];
}
