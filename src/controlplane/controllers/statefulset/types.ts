/**
 * The shapes the StatefulSet decisions read and write: plain apps/v1 and v1 JSON, typed only
 * as far as the decisions look. Cast store objects (`obj as unknown as StatefulSet`); the API
 * server already validated them.
 */
import type { JsonObject } from '../../../core/index.js';
import type { LabelSelector, Meta, PodTemplate } from '../deployment/index.js';

/** v1 PersistentVolumeClaim, as a volumeClaimTemplate and as a created claim. */
export interface PersistentVolumeClaim {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: JsonObject;
  status?: JsonObject;
}

export type RetentionPolicyType = 'Retain' | 'Delete';

export interface StatefulSetSpec {
  /** default 1 */
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplate;
  /** the headless Service giving pods their DNS names; becomes each pod's `subdomain` */
  serviceName?: string;
  /** default OrderedReady */
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: {
    /** default RollingUpdate */
    type?: 'RollingUpdate' | 'OnDelete';
    /** partition default 0 */
    rollingUpdate?: { partition?: number };
  };
  volumeClaimTemplates?: PersistentVolumeClaim[];
  minReadySeconds?: number;
  /** default 10 */
  revisionHistoryLimit?: number;
  /** both default Retain */
  persistentVolumeClaimRetentionPolicy?: {
    whenDeleted?: RetentionPolicyType;
    whenScaled?: RetentionPolicyType;
  };
  /** the first ordinal, default 0 */
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
}

/** apps/v1 StatefulSet */
export interface StatefulSet {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

/** apps/v1 ControllerRevision: one recorded pod template of the set. */
export interface ControllerRevision {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  /** `{spec: {template: {…, $patch: "replace"}}}`, the patch that restores the template */
  data?: JsonObject;
  revision: number;
}

/** The pod label naming the ControllerRevision a pod was made from (its full name). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** The ControllerRevision label holding the bare hash. */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
