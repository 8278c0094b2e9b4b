/** What a sync is asked to do and what it answers: plain values, shared by the engine's steps. */
import type { Cluster } from '../cluster/types.js';
import type { IgnoreDifference } from '../diff/index.js';
import type { HealthCause, HealthCode } from './health/index.js';
import type { KindRef } from './live.js';
import type { SyncPlan } from './plan/index.js';

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
  /**
   * A Namespace to create before the dry run when it does not exist (Argo CD's
   * `CreateNamespace=true`): labelled with the application but never pruned.
   */
  createNamespace?: string;
  /** kinds the application had objects of before (so that pruning finds them) */
  previousKinds?: readonly KindRef[];
  /** how often `syncApplication` reads health while waiting (default 500 ms) */
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

/** What the sync did to one object (in a dry run: what it would do). */
export interface SyncedResource {
  /** `group/kind/namespace/name`, as in `applied` and `pruned` */
  key: string;
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  state: 'created' | 'changed' | 'unchanged' | 'pruned' | 'hook';
}

export interface SyncResult {
  result: 'Succeeded' | 'Failed';
  /** the health the sync ended with */
  health: HealthCode;
  message: string;
  /** where it failed: the dry run, an apply, a wave's health, a hook, or pruning */
  failedAt?: 'plan' | 'dry-run' | 'apply' | 'health' | 'hook' | 'prune';
  /**
   * True when the failure is the cluster's and may cure itself without a new commit
   * (unreachable, conflict, throttled, 5xx, a Namespace or CRD kind not there yet): try
   * the same revision again later rather than marking it failed.
   */
  transient?: boolean;
  /** the object at fault, and for workloads the pod, container and probe */
  object?: string;
  cause?: HealthCause;
  /** objects created or changed, and pruned */
  applied: string[];
  pruned: string[];
  /** objects already as Git has them */
  unchanged: number;
  /** per object, what the sync did: those it did not reach before failing are absent */
  resources: SyncedResource[];
  /** the kinds of the desired objects: pass them back as `previousKinds` next time */
  kinds: KindRef[];
  plan?: SyncPlan;
}
