/**
 * The shapes the DaemonSet decisions read and write: plain apps/v1 JSON, typed only as far
 * as the decisions look. Nodes stay plain `JsonObject`s, as the scheduler reads them.
 */
import type { IntOrPercent, LabelSelector, Meta, PodTemplate } from '../deployment/index.js';

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template: PodTemplate;
  updateStrategy?: {
    /** default RollingUpdate */
    type?: 'RollingUpdate' | 'OnDelete';
    /** maxUnavailable default 1, maxSurge default 0 */
    rollingUpdate?: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent };
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  observedGeneration?: number;
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  updatedNumberScheduled?: number;
  collisionCount?: number;
}

/** apps/v1 DaemonSet */
export interface DaemonSet {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

/** The pod label holding the template hash (DefaultDaemonSetUniqueLabelKey). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** The pod label holding the DaemonSet's template generation. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The annotation the API server keeps the template generation in. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
/** Creations and deletions per sync (the controller's burstReplicas). */
export const BURST_REPLICAS = 250;
