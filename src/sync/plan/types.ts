/**
 * The values the planner returns. A plan is plain JSON (no classes, no `undefined`, no
 * shared-reference tricks that a round trip would lose), so the daemon can keep it in the
 * sync history and serve it over the API as it is.
 */
import type { KubeObject } from '../../core/index.js';

/** The phases a hook may run in (the value of `capstan.dev/hook`). */
export type HookPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

/** When a hook's object is deleted (the value of `capstan.dev/hook-delete-policy`). */
export type HookDeletePolicy = 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed';

/** The phases a sync runs through in order; `SyncFail` hooks are kept apart in `SyncPlan.syncFail`. */
export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync';

/** Names one object. The version is in `apiVersion` only: it is not part of the identity. */
export interface ObjectRef {
  apiVersion: string;
  /** '' for the core API. */
  group: string;
  kind: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  /** For a hook with only `metadata.generateName`, that prefix followed by `*`. */
  name: string;
}

/** One object to apply (or one hook to run) in a wave. */
export interface PlanStep {
  ref: ObjectRef;
  /** Identity: `group/kind/namespace/name`; two versions of one kind share it. */
  key: string;
  /** Where the prepared object is: `plan.prepared[index]`. */
  index: number;
  /** The wave the step runs in (see `pulledForwardFor` for when it is not the annotated one). */
  wave: number;
  /** `new`: not among the application's live objects; `existing`: it is (compared by identity). */
  state: 'new' | 'existing';
  /** Present when the object is a hook: the phase this step runs it in and its delete policies. */
  hook?: { phase: HookPhase; deletePolicies: HookDeletePolicy[] };
  /**
   * Present when a Namespace or CustomResourceDefinition was moved to an earlier phase or
   * wave than its own because an object there needs it: that object, for display
   * (`Deployment shop/web`, `PreSync hook Job shop/migrate`).
   */
  pulledForwardFor?: string;
}

/** The steps of one wave, in creation order. */
export interface PlanWave {
  wave: number;
  steps: PlanStep[];
}

/** One phase and its waves, lowest wave first (only waves that have steps). */
export interface PlanPhase {
  phase: SyncPhase;
  waves: PlanWave[];
}

/** A live object that Git no longer has. */
export interface PruneStep {
  ref: ObjectRef;
  key: string;
  /** The live object's wave (0 when its annotation is missing or not an integer). */
  wave: number;
  /** The live object's uid, when known: delete with it as a precondition. */
  uid?: string;
}

export interface SyncPlan {
  app: string;
  /**
   * The desired objects as they are to be applied, in the order given: namespace
   * defaulted, the application label and tracking annotation added. Steps point here.
   */
  prepared: KubeObject[];
  /** Always three, in order: PreSync, Sync, PostSync. */
  phases: PlanPhase[];
  /** SyncFail hooks, by wave: run only when the sync fails. */
  syncFail: PlanWave[];
  /** Live objects to delete, in deletion order, after every phase has succeeded. */
  prune: PruneStep[];
  /** Live objects Git no longer has but that carry `Prune=false`: kept, and reported. */
  prunePrevented: PruneStep[];
  /** Desired objects marked `capstan.dev/hook: Skip`: neither applied nor pruned. */
  skipped: ObjectRef[];
}

export interface PlanSyncInput {
  /** The application's name: the value of the application label. */
  app: string;
  /** The rendered objects, as Git has them. Not modified. */
  desired: KubeObject[];
  /** The objects currently labelled with this application's label. Not modified. */
  live: KubeObject[];
  /** For namespaced objects without a namespace; `default` when absent. */
  defaultNamespace?: string;
  /**
   * Cluster-scoped kinds beyond the built-in ones, as the caller discovered them on the
   * server. The kinds of CustomResourceDefinitions in `desired` follow their `spec.scope`
   * whatever this says; any other kind is namespaced, as kustomize assumes.
   */
  isClusterScoped?: (group: string, kind: string) => boolean;
}
