/**
 * The shapes the Deployment and ReplicaSet decisions read and write: plain apps/v1 and v1
 * JSON, typed only as far as the decisions look. Objects read from the store are
 * `JsonObject`s; cast them (`obj as unknown as Deployment`) — nothing here validates,
 * the API server already did.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';

/** metav1.ObjectMeta, the fields the controllers use. */
export interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

/** metav1.OwnerReference */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metav1.LabelSelector */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: JsonValue[];
}

/** v1.PodTemplateSpec: metadata plus an opaque pod spec. */
export interface PodTemplate {
  metadata?: Meta;
  spec?: JsonObject;
}

/** An int-or-string field such as `maxSurge`: `3` or `"25%"`. */
export type IntOrPercent = number | string;

/** apps/v1 DeploymentCondition (also used for ReplicaSet conditions). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface DeploymentSpec {
  /** default 1 */
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplate;
  strategy?: {
    type?: 'RollingUpdate' | 'Recreate';
    rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent };
  };
  minReadySeconds?: number;
  /** default 10 */
  revisionHistoryLimit?: number;
  paused?: boolean;
  /** default 600; absent or 2147483647 means "no deadline" */
  progressDeadlineSeconds?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

/** apps/v1 Deployment */
export interface Deployment {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** apps/v1 ReplicaSet */
export interface ReplicaSet {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: LabelSelector;
    template: PodTemplate;
  };
  status?: ReplicaSetStatus;
}

/** v1 Pod, the fields the ReplicaSet decisions look at. */
export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: JsonObject & { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { name?: string; restartCount?: number }[];
    initContainerStatuses?: { name?: string; restartCount?: number }[];
    [key: string]: unknown;
  };
}

/**
 * One change to a ReplicaSet's size, as the Deployment controller's scaleReplicaSet makes it:
 * `spec.replicas` becomes `replicas`, and the `desired-replicas` / `max-replicas`
 * annotations are (re)written so a later scaling event can tell old proportions apart.
 */
export interface ScaleOp {
  name: string;
  from: number;
  replicas: number;
  annotations: Record<string, string>;
  /** the Normal `ScalingReplicaSet` event Kubernetes records, when the size changes */
  event?: string;
}

/** The label that ties a ReplicaSet and its pods to one pod template. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** Condition reasons, verbatim from deployment_util.go. */
export const Reasons = {
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;
