/**
 * One sync of one application: `desired objects → plan → dry run → waves (apply, then gate
 * on health) → prune`. It never half-applies by mistake: the whole set is dry-run on the
 * server first, so an invalid object stops the sync before anything is written; after
 * that, a wave starts only when the previous one is healthy, and pruning waits for every
 * wave. What it returns is plain data for the history; rollback is the caller's decision.
 */
import { randomBytes } from 'node:crypto';
import { sleep, type KubeObject } from '../core/index.js';
import type { Cluster } from '../cluster/types.js';
import { compare, type IgnoreDifference } from '../diff/index.js';
import { dryRunSync } from './dry-run.js';
import { clusterRef, mapLimited, waitHealthy } from './gate.js';
import { describeCause, type HealthCause, type HealthCode } from './health/index.js';
import { waitKindsServed } from './kinds-served.js';
import { discover, kindsOf, listLive, type KindRef } from './live.js';
import { aboutObject, describeObject as describe, messageOf } from './messages.js';
import { planSync, type PlanStep, type PlanWave, type SyncPlan } from './plan/index.js';

export interface SyncOptions {
  cluster: Cluster;
  /** delete what this application created and Git no longer has (default true) */
  prune?: boolean;
  /** plan and dry-run only: nothing is written */
  dryRun?: boolean;
  /** how long a wave may take to become healthy (default 5 minutes) */
  healthTimeoutMs?: number;
  ignoreDifferences?: readonly IgnoreDifference[];
  /** for namespaced objects without a namespace (default `default`) */
  defaultNamespace?: string;
  /** kinds the application had objects of before (so that pruning finds them) */
  previousKinds?: readonly KindRef[];
  /** how often health is read while waiting (default 500 ms) */
  pollMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  /** hears of each step, for logs and the API */
  onEvent?: (event: SyncEvent) => void;
}

export type SyncEvent =
  | { type: 'applied'; ref: string; created: boolean }
  | { type: 'pruned'; ref: string }
  | { type: 'wave'; phase: string; wave: number; objects: number }
  | { type: 'hook'; ref: string; result: 'Succeeded' | 'Failed' };

export interface SyncResult {
  result: 'Succeeded' | 'Failed';
  /** the health the sync ended with */
  health: HealthCode;
  message: string;
  /** where it failed: the dry run, an apply, a wave's health, a hook, or pruning */
  failedAt?: 'plan' | 'dry-run' | 'apply' | 'health' | 'hook' | 'prune';
  /** the object at fault, and for workloads the pod, container and probe */
  object?: string;
  cause?: HealthCause;
  /** objects created or changed, and pruned */
  applied: string[];
  pruned: string[];
  /** objects already as Git has them */
  unchanged: number;
  /** the kinds of the desired objects: pass them back as `previousKinds` next time */
  kinds: KindRef[];
  plan?: SyncPlan;
}

export async function syncApplication(
  app: string,
  desired: KubeObject[],
  options: SyncOptions,
): Promise<SyncResult> {
  const { cluster } = options;
  const now = options.now ?? Date.now;
  const kinds = kindsOf(desired);
  const result: SyncResult = {
    result: 'Succeeded',
    health: 'Healthy',
    message: '',
    applied: [],
    pruned: [],
    unchanged: 0,
    kinds,
  };
  const fail = (
    failedAt: SyncResult['failedAt'],
    health: HealthCode,
    message: string,
    extra: Partial<SyncResult> = {},
  ) => Object.assign(result, { result: 'Failed', failedAt, health, message, ...extra });

  // 1. what is there, and the plan
  let plan: SyncPlan;
  let liveByKey: Map<string, KubeObject>;
  try {
    ({ plan, liveByKey } = await planAgainstLive(app, desired, options));
    result.plan = plan;
  } catch (e) {
    return fail('plan', 'Degraded', messageOf(e));
  }

  // 2. what differs (hooks always run)
  const steps = plan.phases.flatMap((p) => p.waves.flatMap((w) => w.steps));
  const changed = new Set<PlanStep>();
  for (const step of steps) {
    if (step.hook) continue;
    const current = liveByKey.get(step.key);
    if (
      !current ||
      !compare(plan.prepared[step.index], current, { ignoreDifferences: options.ignoreDifferences }).inSync
    )
      changed.add(step);
    else result.unchanged++;
  }

  // 3. the whole set on the server, dry: nothing is written if anything is refused
  const problems = await dryRunSync(
    cluster,
    plan,
    steps.filter((s) => changed.has(s) || s.hook),
    { prune: options.prune !== false, concurrency: CONCURRENCY },
  );
  if (problems.length > 0) {
    return fail(
      'dry-run',
      'Degraded',
      `the server refused ${problems.length} object(s), nothing was applied: ${problems.join('; ')}`,
    );
  }
  if (options.dryRun) {
    result.message = `dry run: ${changed.size} to apply, ${plan.prune.length} to prune`;
    return result;
  }

  // 4. waves, each gated on health
  const deadlineOf = () => now() + (options.healthTimeoutMs ?? 300_000);
  for (const phase of plan.phases) {
    for (const wave of phase.waves) {
      options.onEvent?.({ type: 'wave', phase: phase.phase, wave: wave.wave, objects: wave.steps.length });
      const failure = await runWave(plan, wave, changed, result, options, deadlineOf());
      if (failure) {
        await runSyncFailHooks(plan, options, deadlineOf());
        return failure;
      }
    }
  }

  // 5. prune, last and in reverse order
  if (options.prune !== false) {
    for (const step of plan.prune) {
      try {
        const ref = {
          apiVersion: step.ref.apiVersion,
          kind: step.ref.kind,
          name: step.ref.name,
          ...(step.ref.namespace ? { namespace: step.ref.namespace } : {}),
        };
        await cluster.delete(ref);
        result.pruned.push(step.key);
        options.onEvent?.({ type: 'pruned', ref: step.key });
      } catch (e) {
        return fail('prune', 'Degraded', `pruning ${step.key}: ${messageOf(e)}`);
      }
    }
  }
  const prevented = plan.prunePrevented.length ? `; ${plan.prunePrevented.length} kept by Prune=false` : '';
  result.message = `${result.applied.length} applied, ${result.pruned.length} pruned, ${result.unchanged} unchanged${prevented}`;
  return result;

  async function runWave(
    p: SyncPlan,
    wave: PlanWave,
    toApply: Set<PlanStep>,
    r: SyncResult,
    o: SyncOptions,
    deadline: number,
  ): Promise<SyncResult | undefined> {
    const gated: Array<{ ref: ReturnType<typeof clusterRef>; known?: KubeObject }> = [];
    const hooks: Array<{ step: PlanStep; obj: KubeObject }> = [];
    // steps come in creation order by kind: one kind's objects are applied together, kinds in turn
    for (const group of byKind(wave.steps)) {
      const outcomes = await mapLimited(group, CONCURRENCY, async (step) => {
        let obj = p.prepared[step.index];
        try {
          if (step.hook) {
            obj = await startHook(o.cluster, obj, step);
            hooks.push({ step, obj });
            return { obj };
          }
          if (!toApply.has(step)) return { obj, known: liveByKey.get(step.key) };
          const applied = await o.cluster.apply(obj);
          r.applied.push(step.key);
          o.onEvent?.({ type: 'applied', ref: step.key, created: step.state === 'new' });
          return { obj, known: applied };
        } catch (e) {
          return { obj, error: `applying ${aboutObject(describe(obj), messageOf(e))}` };
        }
      });
      const failed = outcomes.find((x) => 'error' in x);
      if (failed && 'error' in failed)
        return fail('apply', 'Degraded', failed.error!, { object: describe(failed.obj) });
      for (const x of outcomes)
        gated.push({ ref: clusterRef(x.obj), known: 'known' in x ? x.known : undefined });
      // the next kinds may be of these definitions: wait until they are served
      if (group[0].ref.group === 'apiextensions.k8s.io' && group[0].ref.kind === 'CustomResourceDefinition') {
        const crds = outcomes.map((x) => x.obj);
        const late = await waitKindsServed(o.cluster, crds, {
          deadline,
          pollMs: o.pollMs ?? 500,
          now,
          signal: o.signal,
        });
        if (late) return fail('apply', 'Degraded', late, { object: describe(crds[0]) });
      }
    }
    const gate = await waitHealthy(o.cluster, gated, {
      deadline,
      pollMs: o.pollMs ?? 500,
      now,
      signal: o.signal,
    });
    for (const h of hooks) await finishHook(o.cluster, h.obj, h.step, gate.health.status === 'Healthy', o);
    if (gate.health.status === 'Healthy') return undefined;
    const at = gate.object
      ? `${gate.object.kind} ${gate.object.namespace ? `${gate.object.namespace}/` : ''}${gate.object.name}`
      : '';
    const why = gate.health.cause ? ` (${describeCause(gate.health.cause)})` : '';
    const isHook = hooks.some(
      (h) => clusterRef(h.obj).name === gate.object?.name && h.obj.kind === gate.object?.kind,
    );
    return fail(
      isHook ? 'hook' : 'health',
      gate.health.status,
      `${at}: ${gate.health.message ?? gate.health.status}${why}`,
      {
        object: at,
        ...(gate.health.cause ? { cause: gate.health.cause } : {}),
      },
    );
  }
}

/** Consecutive steps of one kind, in order. */
function byKind(steps: readonly PlanStep[]): PlanStep[][] {
  const groups: PlanStep[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0].ref.kind === step.ref.kind && !step.hook && !last[0].hook) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

/** The plan for `desired` against what the cluster holds of `app`, and that live state by identity. */
export async function planAgainstLive(
  app: string,
  desired: KubeObject[],
  options: Pick<SyncOptions, 'cluster' | 'previousKinds' | 'defaultNamespace'>,
): Promise<{ plan: SyncPlan; liveByKey: Map<string, KubeObject> }> {
  const { cluster } = options;
  const allKinds = kindsOf([...kindsOf(desired), ...(options.previousKinds ?? [])]);
  const served = await discover(cluster, allKinds);
  const live = await listLive(cluster, app, allKinds);
  const clusterScoped = new Set(
    [...served.values()]
      .filter((r) => !r.namespaced)
      .map((r) => `${r.apiVersion.split('/').slice(0, -1).join('/')}/${r.kind}`),
  );
  const plan = planSync({
    app,
    desired,
    live,
    defaultNamespace: options.defaultNamespace,
    isClusterScoped: (group, kind) => clusterScoped.has(`${group}/${kind}`),
  });
  const liveByKey = new Map<string, KubeObject>();
  for (const o of live) liveByKey.set(identity(o), o);
  return { plan, liveByKey };
}

/** `group/kind/namespace/name`: the planner's identity of an object. */
function identity(o: KubeObject): string {
  const slash = o.apiVersion.indexOf('/');
  return `${slash < 0 ? '' : o.apiVersion.slice(0, slash)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Requests in flight at once (dry runs, applies of one kind): enough to hide latency, few enough for any server. */
const CONCURRENCY = 16;

/** Creates a hook's object, first deleting the previous run's (BeforeHookCreation). */
async function startHook(cluster: Cluster, obj: KubeObject, step: PlanStep): Promise<KubeObject> {
  let hook = obj;
  if (!obj.metadata.name && obj.metadata.generateName) {
    hook = {
      ...obj,
      metadata: { ...obj.metadata, name: `${obj.metadata.generateName}${randomBytes(3).toString('hex')}` },
    };
  }
  const ref = clusterRef(hook);
  if (step.hook!.deletePolicies.includes('BeforeHookCreation') && (await cluster.get(ref))) {
    await cluster.delete(ref, { propagationPolicy: 'Background' });
    for (let i = 0; i < 200 && (await cluster.get(ref)); i++) await sleep(50);
  }
  await cluster.apply(hook);
  return hook;
}

async function finishHook(
  cluster: Cluster,
  obj: KubeObject,
  step: PlanStep,
  succeeded: boolean,
  o: SyncOptions,
): Promise<void> {
  o.onEvent?.({ type: 'hook', ref: step.key, result: succeeded ? 'Succeeded' : 'Failed' });
  const policies = step.hook!.deletePolicies;
  if ((succeeded && policies.includes('HookSucceeded')) || (!succeeded && policies.includes('HookFailed')))
    await cluster.delete(clusterRef(obj), { propagationPolicy: 'Background' }).catch(() => undefined);
}

/** SyncFail hooks, when a sync has failed: best effort, their own failure changes nothing. */
async function runSyncFailHooks(plan: SyncPlan, o: SyncOptions, deadline: number): Promise<void> {
  for (const wave of plan.syncFail) {
    const started: Array<{ step: PlanStep; obj: KubeObject }> = [];
    for (const step of wave.steps) {
      try {
        started.push({ step, obj: await startHook(o.cluster, plan.prepared[step.index], step) });
      } catch {
        // reported through the sync's own failure
      }
    }
    const gate = await waitHealthy(
      o.cluster,
      started.map((s) => ({ ref: clusterRef(s.obj) })),
      {
        deadline,
        pollMs: o.pollMs ?? 500,
        now: o.now ?? Date.now,
      },
    ).catch(() => undefined);
    for (const s of started) await finishHook(o.cluster, s.obj, s.step, gate?.health.status === 'Healthy', o);
  }
}
