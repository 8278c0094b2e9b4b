/**
 * What a sync in progress holds between its steps, and the small moves every step makes:
 * record what happened to an object, fail, say what it waits for. Kept in memory by the
 * caller; nothing here sleeps.
 */
import { parseApiVersion, type KubeObject } from '../core/index.js';
import type { ObjectRef as ClusterRef } from '../cluster/types.js';
import type { GateItem } from './gate.js';
import type { HealthCode } from './health/index.js';
import type { StartedHook } from './hooks.js';
import type { SyncOptions, SyncResult, SyncedResource } from './options.js';
import type { PlanStep, SyncPlan } from './plan/index.js';

/** A sync under way: opaque to callers, passed back to `continueSync`. */
export interface SyncOperation {
  readonly app: string;
  readonly plan: SyncPlan;
  /** the application's live objects when the sync started, by planner identity */
  readonly liveByKey: ReadonlyMap<string, KubeObject>;
  /** the steps whose object differs from the live one */
  readonly toApply: ReadonlySet<PlanStep>;
  /** what the sync was started with; the cluster, clock and listeners come with each call */
  readonly settings: { readonly prune: boolean; readonly healthTimeoutMs: number };
  readonly result: SyncResult;
  /** the phase, wave and kind group (see `byKind`) to do next */
  at: { phase: number; wave: number; group: number };
  /** the wave at `at`, once begun */
  wave?: WaveState;
  /** set when the sync has failed: its SyncFail hooks are run before it ends */
  failing?: FailingState;
}

export interface WaveState {
  /** when waiting for this wave's health ends in failure */
  deadline: number;
  /** the wave's objects whose health is still to be seen */
  gated: GateItem[];
  /** the hooks it started, finished when its health is known */
  hooks: StartedHook[];
  /** the CustomResourceDefinitions of the group at `at.group`, applied: their kinds are awaited */
  crds?: KubeObject[];
  /** the hook of the group at `at.group`, named, while its previous run is being deleted */
  hook?: KubeObject;
}

export interface FailingState {
  deadline: number;
  /** index in `plan.syncFail` */
  wave: number;
  /** the wave's hooks not started yet (undefined until the wave begins) */
  toStart?: StartedHook[];
  started: StartedHook[];
  gated: GateItem[];
}

export type SyncStep =
  | {
      done: false;
      operation: SyncOperation;
      /** `Sync/0`: phase and wave */
      wave: string;
      /** `Deployment shop/web: Waiting for rollout to finish: …` */
      waitingFor: string;
      /** objects whose changes may end the wait */
      watch: ClusterRef[];
      /** when the wait fails, by the options' `now` */
      deadline: number;
    }
  | { done: true; result: SyncResult };

export const clockOf = (o: Pick<SyncOptions, 'now'>) => o.now ?? Date.now;

export function waiting(
  operation: SyncOperation,
  wave: string,
  waitingFor: string,
  watch: ClusterRef[],
  deadline: number,
): SyncStep {
  return { done: false, operation, wave, waitingFor, watch, deadline };
}

/** Marks `result` failed. `transient` is kept only when true. */
export function markFailed(
  result: SyncResult,
  failedAt: NonNullable<SyncResult['failedAt']>,
  health: HealthCode,
  message: string,
  extra: Pick<SyncResult, 'object' | 'cause' | 'transient'> = {},
): SyncResult {
  const { transient, ...rest } = extra;
  return Object.assign(result, {
    result: 'Failed' as const,
    failedAt,
    health,
    message,
    ...rest,
    ...(transient ? { transient: true } : {}),
  });
}

/** Fails the sync after something was applied: its SyncFail hooks run next. */
export function beginFailing(
  op: SyncOperation,
  o: Pick<SyncOptions, 'now'>,
  failedAt: NonNullable<SyncResult['failedAt']>,
  health: HealthCode,
  message: string,
  extra: Pick<SyncResult, 'object' | 'cause' | 'transient'> = {},
): void {
  markFailed(op.result, failedAt, health, message, extra);
  op.failing = {
    deadline: clockOf(o)() + op.settings.healthTimeoutMs,
    wave: 0,
    started: [],
    gated: [],
  };
}

/** Adds what the sync did to one object to `result.resources`. */
export function record(
  result: SyncResult,
  key: string,
  obj: { apiVersion: string; kind: string; namespace?: string; name: string },
  state: SyncedResource['state'],
): void {
  const { group, version } = parseApiVersion(obj.apiVersion);
  result.resources.push({
    key,
    group,
    version,
    kind: obj.kind,
    ...(obj.namespace ? { namespace: obj.namespace } : {}),
    name: obj.name,
    state,
  });
}

/** `record` for an object rather than a reference. */
export function recordObject(
  result: SyncResult,
  key: string,
  obj: KubeObject,
  state: SyncedResource['state'],
): void {
  const { namespace } = obj.metadata;
  record(
    result,
    key,
    {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name ?? '',
      ...(namespace ? { namespace } : {}),
    },
    state,
  );
}

/** `Deployment shop/web`, `Namespace shop`: an object reference in messages. */
export const describeAt = (ref: ClusterRef) =>
  `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
