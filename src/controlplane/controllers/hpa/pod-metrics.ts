/**
 * metrics.k8s.io PodMetrics → one usage figure per pod, as upstream's resource metrics client
 * (pkg/controller/podautoscaler/metrics/client.go getPodMetrics / getContainerMetrics) reads
 * them: a pod's usage is the sum over its containers, and a pod with a container that does
 * not report the resource (or with no containers) has no sample at all — it counts as a pod
 * with missing metrics, not as a pod using nothing.
 */
import { milliValue, parseGoDurationMs } from './units.js';
import type { PodMetric, PodMetrics } from './types.js';

/** Per-pod usage samples, by pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;

/** What the metrics source gave: the PodMetrics items, or why there are none. */
export type MetricsSource = { items: PodMetrics[] } | { error: string };

function sample(m: PodMetrics, value: number): PodMetric {
  const at = m.timestamp ? Date.parse(m.timestamp) : NaN;
  return {
    value,
    timestamp: Number.isNaN(at) ? -Infinity : at,
    windowMs: parseGoDurationMs(m.window) ?? 0,
  };
}

/**
 * The usage of `resource` per pod (in milli-units), summed over containers, or over the one
 * `container` when given. Throws with upstream's messages: the source failed, returned nothing,
 * or a pod lacks the named container.
 */
export function podMetricsInfo(source: MetricsSource, resource: string, container = ''): PodMetricsInfo {
  if ('error' in source)
    throw new Error(`unable to fetch metrics from resource metrics API: ${source.error}`);
  if (source.items.length === 0) throw new Error('no metrics returned from resource metrics API');
  const out: PodMetricsInfo = new Map();
  try {
    for (const m of source.items) {
      const containers = m.containers ?? [];
      if (container) {
        const c = containers.find((x) => x.name === container);
        if (!c) {
          throw new MissingContainer(
            `container ${container} not present in metrics for pod ${m.metadata.namespace ?? ''}/${m.metadata.name}`,
          );
        }
        const usage = c.usage?.[resource];
        if (usage !== undefined) out.set(m.metadata.name, sample(m, milliValue(usage)));
        continue;
      }
      let sum = 0;
      let missing = containers.length === 0;
      for (const c of containers) {
        const usage = c.usage?.[resource];
        if (usage === undefined) {
          missing = true;
          break;
        }
        sum += milliValue(usage);
      }
      if (!missing) out.set(m.metadata.name, sample(m, sum));
    }
  } catch (e) {
    if (e instanceof MissingContainer) throw new Error(`failed to get container metrics: ${e.message}`);
    // a quantity the client cannot decode fails the whole list, as JSON decoding does upstream
    throw new Error(`unable to fetch metrics from resource metrics API: ${(e as Error).message}`);
  }
  return out;
}

class MissingContainer extends Error {}
