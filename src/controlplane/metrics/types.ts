/** The shapes of metrics.k8s.io/v1beta1 objects (k8s.io/metrics pkg/apis/metrics/v1beta1), for readers. */

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

/** The resource of PodMetrics, for `Api.get`/`Api.list`. */
export const POD_METRICS = { group: METRICS_GROUP, version: METRICS_VERSION, resource: 'pods' } as const;
/** The resource of NodeMetrics, for `Api.get`/`Api.list`. */
export const NODE_METRICS = { group: METRICS_GROUP, version: METRICS_VERSION, resource: 'nodes' } as const;

/** Quantities as text: cpu `1234567n`, memory `12345Ki` (parse them with core's parseQuantity). */
export interface ResourceUsage {
  cpu: string;
  memory: string;
}

interface MetricsMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  creationTimestamp: string;
}

export interface PodMetrics {
  kind: 'PodMetrics';
  apiVersion: 'metrics.k8s.io/v1beta1';
  metadata: MetricsMeta & { namespace: string };
  /** RFC 3339: when the usage was computed */
  timestamp: string;
  /** Go duration (`1s`, `1.5s`): the interval the CPU rates were measured over */
  window: string;
  containers: { name: string; usage: ResourceUsage }[];
}

export interface NodeMetrics {
  kind: 'NodeMetrics';
  apiVersion: 'metrics.k8s.io/v1beta1';
  metadata: MetricsMeta;
  timestamp: string;
  window: string;
  usage: ResourceUsage;
}
