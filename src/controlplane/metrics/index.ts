/**
 * The resource metrics API (metrics.k8s.io/v1beta1, what metrics-server serves): the
 * PodMetrics and NodeMetrics that `kubectl top` and the HorizontalPodAutoscaler read,
 * computed on request from the node agents' runtimes. Its only public face.
 *
 * In process, read them through the API like any kind:
 *   api.list({ group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' }, ns, { labelSelector })
 */
export { cpuQuantity, goDuration, memoryQuantity } from './format.js';
export {
  ResourceMetrics,
  type MetricsNode,
  type ResourceMetricsOptions,
  type UsageSource,
} from './resource-metrics.js';
export { metricsResourceTypes } from './resource-types.js';
export {
  METRICS_GROUP,
  METRICS_VERSION,
  POD_METRICS,
  NODE_METRICS,
  type PodMetrics,
  type NodeMetrics,
  type ResourceUsage,
} from './types.js';
