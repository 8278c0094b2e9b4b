/**
 * The autoscaling/v2 HorizontalPodAutoscaler shapes the autoscaler's decisions read and
 * write, typed only as far as they look (the API server defaulted and validated the rest),
 * and the controller's settings with kube-controller-manager's defaults. Cast store
 * objects: `obj as unknown as Hpa`.
 */
import type { ConditionStatus } from '../../../runtime/index.js';

export type Quantity = string | number;

/** autoscaling/v2 MetricTarget */
export interface MetricTarget {
  type?: 'Utilization' | 'Value' | 'AverageValue';
  value?: Quantity;
  averageValue?: Quantity;
  averageUtilization?: number;
}

/** autoscaling/v2 MetricSpec (the sources other than Resource are read only for their names) */
export interface MetricSpec {
  type: 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External' | string;
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  pods?: { metric: { name: string }; target: MetricTarget };
  object?: {
    describedObject: { kind: string; name: string; apiVersion?: string };
    metric: { name: string };
    target: MetricTarget;
  };
  external?: { metric: { name: string }; target: MetricTarget };
}

/** autoscaling/v2 HPAScalingPolicy */
export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** autoscaling/v2 HPAScalingRules */
export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
  /** HPAConfigurableTolerance (Kubernetes 1.33+): overrides the controller's tolerance for this direction */
  tolerance?: Quantity;
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

/** autoscaling/v2 MetricValueStatus */
export interface MetricValueStatus {
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

/** autoscaling/v2 MetricStatus; `{ type: '' }` for a metric that could not be read, as upstream writes it. */
export interface MetricStatus {
  type: string;
  resource?: { name: string; current: MetricValueStatus };
  containerResource?: { name: string; container: string; current: MetricValueStatus };
}

/** autoscaling/v2 HorizontalPodAutoscalerCondition (no observedGeneration, unlike metav1.Condition). */
export interface HpaCondition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface HpaStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas: number;
  currentMetrics?: MetricStatus[];
  conditions?: HpaCondition[];
}

export interface Hpa {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; generation?: number; [key: string]: unknown };
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: Behavior;
  };
  status?: HpaStatus;
}

/** autoscaling/v1 Scale, as the scale subresource returns it. */
export interface Scale {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

interface ContainerSpec {
  name: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, Quantity> };
}

/** The parts of a core/v1 Pod the replica calculation reads. */
export interface HpaPod {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string | null;
    [key: string]: unknown;
  };
  spec?: {
    containers?: ContainerSpec[];
    initContainers?: ContainerSpec[];
    /** pod-level resources (KEP-2837) */
    resources?: { requests?: Record<string, Quantity> };
  };
  status?: {
    phase?: string;
    startTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
}

/** metrics.k8s.io/v1beta1 PodMetrics, as metrics-server serves it. */
export interface PodMetrics {
  metadata: { name: string; namespace?: string };
  /** RFC 3339: when the usage was sampled */
  timestamp?: string;
  /** Go duration (`30s`, `15.008s`): the span the usage was averaged over */
  window?: string;
  containers?: { name: string; usage?: Record<string, Quantity> }[];
}

/** One pod's usage of a resource, in milli-units (millicores, millibytes) as upstream's PodMetric. */
export interface PodMetric {
  value: number;
  /** epoch ms; -Infinity when the sample carries none */
  timestamp: number;
  windowMs: number;
}

/** Settings of the autoscaler: the kube-controller-manager `--horizontal-pod-autoscaler-*` flags. */
export interface HpaSettings {
  /** usage ratios within 1 ± tolerance cause no scaling (`--horizontal-pod-autoscaler-tolerance`, 0.1) */
  tolerance: number;
  /** an HPA without `behavior` scales down to the highest recommendation of this window (5 min) */
  downscaleStabilizationMs: number;
  /** CPU samples of pods younger than this count only once the pod was Ready for a whole metric window (5 min) */
  cpuInitializationPeriodMs: number;
  /** a pod that turns Ready within this of starting is taken as never having been ready before (30 s) */
  initialReadinessDelayMs: number;
}

export const DEFAULT_HPA_SETTINGS: HpaSettings = {
  tolerance: 0.1,
  downscaleStabilizationMs: 5 * 60_000,
  cpuInitializationPeriodMs: 5 * 60_000,
  initialReadinessDelayMs: 30_000,
};

/** An Event the autoscaler records about an HPA. */
export interface HpaEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}
