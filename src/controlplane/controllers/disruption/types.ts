/** policy/v1 PodDisruptionBudget and the little of pods and owners the disruption controller reads. */
import type { Condition } from '../../../core/index.js';
import type { IntOrPercent, LabelSelector, OwnerReference, Pod } from '../deployment/index.js';

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** pod name → when the eviction API let it go (RFC 3339); omitted when empty */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget {
  metadata: { name?: string; namespace?: string; uid?: string; generation?: number };
  spec: {
    /** absent selects nothing; `{}` selects every pod of the namespace (policy/v1) */
    selector?: LabelSelector | null;
    minAvailable?: IntOrPercent | null;
    maxUnavailable?: IntOrPercent | null;
  };
  status?: Partial<PodDisruptionBudgetStatus>;
}

export type { OwnerReference, Pod };

/** A controller of pods and the number of pods it wants (`spec.replicas`). */
export interface ControllerScale {
  uid: string;
  replicas: number;
}

/**
 * Finds the controller a pod's controllerRef names and its scale: undefined when this
 * finder does not handle that kind or the controller is gone (another finder may know it);
 * throws when the scale cannot be had at all (the budget fails to sync).
 */
export type ScaleFinder = (ref: OwnerReference, namespace: string) => ControllerScale | undefined;

/** The DisruptionAllowed condition and its reasons (policy/v1 types.go). */
export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';
