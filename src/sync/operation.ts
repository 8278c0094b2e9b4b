/**
 * One sync of one application as resumable steps: `desired objects → plan → dry run →
 * waves (apply, then gate on health) → prune`. Nothing here sleeps or polls: `startSync`
 * goes as far as it can and returns what it waits for (a rollout, a CRD being served, a
 * hook's previous run being deleted); the caller calls `continueSync` when one of the
 * objects to watch changes or the deadline comes, and nothing holds a worker meanwhile.
 *
 * It never half-applies by mistake: the whole set is dry-run on the server first, so an
 * invalid object stops the sync before anything is written; after that, a wave starts only
 * when the previous one is healthy, and pruning waits for every wave. What it returns is
 * plain data for the history; rollback is the caller's decision.
 */
import type { KubeObject } from '../core/index.js';
import { compare } from '../diff/index.js';
import { planAgainstLive } from './against-live.js';
import { APP_LABEL } from './annotations.js';
import { dryRunSync } from './dry-run.js';
import { kindsOf } from './live.js';
import { aboutObject, messageOf } from './messages.js';
import {
  clockOf,
  markFailed,
  record,
  recordObject,
  type SyncOperation,
  type SyncStep,
} from './operation-state.js';
import { runSyncFailHooks } from './operation-sync-fail.js';
import { applyGroup, byKind, CONCURRENCY, gateWave } from './operation-wave.js';
import type { SyncOptions, SyncResult } from './options.js';
import { describeRef, type PlanStep, type SyncPlan } from './plan/index.js';
import { isTransientReadError, isTransientWriteError } from './transient.js';

export type { SyncOperation, SyncStep } from './operation-state.js';

const DEFAULT_HEALTH_TIMEOUT_MS = 300_000;

/** Plans, compares, dry-runs, then applies waves while they are healthy at once; stops at the first wait. */
export async function startSync(app: string, desired: KubeObject[], options: SyncOptions): Promise<SyncStep> {
  const result: SyncResult = {
    result: 'Succeeded',
    health: 'Healthy',
    message: '',
    applied: [],
    pruned: [],
    unchanged: 0,
    resources: [],
    kinds: kindsOf(desired),
  };
  const done = (r: SyncResult): SyncStep => ({ done: true, result: r });
  const prune = options.prune !== false;

  // 1. what is there, and the plan
  let plan: SyncPlan;
  let liveByKey: Map<string, KubeObject>;
  try {
    ({ plan, liveByKey } = await planAgainstLive(app, desired, options));
    result.plan = plan;
  } catch (e) {
    return done(markFailed(result, 'plan', 'Degraded', messageOf(e), { transient: isTransientReadError(e) }));
  }

  // 2. what differs (hooks always run)
  const steps = plan.phases.flatMap((p) => p.waves.flatMap((w) => w.steps));
  const toApply = new Set<PlanStep>();
  for (const step of steps) {
    if (step.hook) continue;
    const current = liveByKey.get(step.key);
    if (
      !current ||
      !compare(plan.prepared[step.index], current, { ignoreDifferences: options.ignoreDifferences }).inSync
    )
      toApply.add(step);
    else {
      result.unchanged++;
      record(result, step.key, step.ref, 'unchanged');
    }
  }

  // 3. the destination namespace, when asked to create it (as Argo CD's CreateNamespace=true)
  let namespacesCreated: string[];
  try {
    namespacesCreated = await createNamespace(app, plan, result, options);
  } catch (e) {
    const what = `Namespace ${options.createNamespace}`;
    return done(
      markFailed(result, 'apply', 'Degraded', `creating ${aboutObject(what, messageOf(e))}`, {
        object: what,
        transient: isTransientWriteError(e),
      }),
    );
  }

  // 4. the whole set on the server, dry: nothing is written if anything is refused
  let problems;
  try {
    problems = await dryRunSync(
      options.cluster,
      plan,
      steps.filter((s) => toApply.has(s) || s.hook),
      { prune, concurrency: CONCURRENCY, namespacesCreated },
    );
  } catch (e) {
    return done(
      markFailed(result, 'dry-run', 'Degraded', messageOf(e), { transient: isTransientReadError(e) }),
    );
  }
  if (problems.length > 0) {
    return done(
      markFailed(
        result,
        'dry-run',
        'Degraded',
        `the server refused ${problems.length} object(s), nothing was applied: ${problems.map((p) => p.message).join('; ')}`,
        { transient: problems.every((p) => p.transient) },
      ),
    );
  }
  if (options.dryRun) {
    for (const step of toApply)
      record(result, step.key, step.ref, step.state === 'new' ? 'created' : 'changed');
    if (prune) for (const step of plan.prune) record(result, step.key, step.ref, 'pruned');
    result.message = `dry run: ${toApply.size} to apply, ${plan.prune.length} to prune`;
    return done(result);
  }

  // 5. waves, each gated on health, then prune
  const operation: SyncOperation = {
    app,
    plan,
    liveByKey,
    toApply,
    settings: { prune, healthTimeoutMs: options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS },
    result,
    at: { phase: 0, wave: 0, group: 0 },
  };
  return advance(operation, options);
}

/** Reads what the operation waits for once, and goes on as far as it can. */
export function continueSync(operation: SyncOperation, options: SyncOptions): Promise<SyncStep> {
  return advance(operation, options);
}

async function advance(op: SyncOperation, o: SyncOptions): Promise<SyncStep> {
  const now = clockOf(o);
  for (;;) {
    if (op.failing) return runSyncFailHooks(op, o);
    const phase = op.plan.phases[op.at.phase];
    if (!phase) return finish(op, o);
    const wave = phase.waves[op.at.wave];
    if (!wave) {
      op.at = { phase: op.at.phase + 1, wave: 0, group: 0 };
      continue;
    }
    if (!op.wave) {
      o.onEvent?.({ type: 'wave', phase: phase.phase, wave: wave.wave, objects: wave.steps.length });
      op.wave = { deadline: now() + op.settings.healthTimeoutMs, gated: [], hooks: [] };
    }
    const name = `${phase.phase}/${wave.wave}`;
    // steps come in creation order by kind: one kind's objects are applied together, kinds in turn
    const groups = byKind(wave.steps);
    const step =
      op.at.group < groups.length
        ? await applyGroup(op, o, groups[op.at.group], name)
        : await gateWave(op, o, name);
    if (step) return step;
  }
}

/** Prune, last and in reverse order; then the sync is done. */
async function finish(op: SyncOperation, o: SyncOptions): Promise<SyncStep> {
  const { plan, result } = op;
  if (op.settings.prune) {
    for (const step of plan.prune) {
      try {
        const ref = {
          apiVersion: step.ref.apiVersion,
          kind: step.ref.kind,
          name: step.ref.name,
          ...(step.ref.namespace ? { namespace: step.ref.namespace } : {}),
        };
        await o.cluster.delete(ref);
        result.pruned.push(step.key);
        record(result, step.key, step.ref, 'pruned');
        o.onEvent?.({ type: 'pruned', ref: step.key });
      } catch (e) {
        markFailed(
          result,
          'prune',
          'Degraded',
          `pruning ${aboutObject(describeRef(step.ref), messageOf(e))}`,
          {
            transient: isTransientReadError(e),
          },
        );
        return { done: true, result };
      }
    }
  }
  const prevented = plan.prunePrevented.length ? `; ${plan.prunePrevented.length} kept by Prune=false` : '';
  result.message = `${result.applied.length} applied, ${result.pruned.length} pruned, ${result.unchanged} unchanged${prevented}`;
  return { done: true, result };
}

/**
 * Creates `options.createNamespace` when it does not exist and the desired objects do not
 * create it themselves. Labelled with the application, without a tracking id: it is never
 * pruned. In a dry run nothing is created; the names returned are checked as to be created.
 */
async function createNamespace(
  app: string,
  plan: SyncPlan,
  result: SyncResult,
  options: SyncOptions,
): Promise<string[]> {
  const name = options.createNamespace;
  if (!name) return [];
  const ref = { apiVersion: 'v1', kind: 'Namespace', name };
  const own = plan.prepared.some(
    (o) => o.apiVersion === 'v1' && o.kind === 'Namespace' && o.metadata.name === name,
  );
  if (own || (await options.cluster.get(ref))) return [];
  const namespace: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [APP_LABEL]: app } },
  };
  const key = `/Namespace//${name}`;
  if (!options.dryRun) {
    await options.cluster.apply(namespace);
    result.applied.push(key);
    options.onEvent?.({ type: 'applied', ref: key, created: true });
  }
  recordObject(result, key, namespace, 'created');
  return options.dryRun ? [name] : [];
}
