/**
 * How many replicas a resource metric asks for: upstream's ReplicaCalculator
 * (pkg/controller/podautoscaler/replica_calculator.go, GetResourceReplicas and
 * GetRawResourceReplicas), as pure functions over the pods and their samples.
 *
 *   desired = ceil(currentUsage / target × readyPods)
 *
 * Worked example: 3 Ready pods requesting 200m CPU each use 300m, 300m, 240m. Utilization is
 * (840 × 100) / 600 = 140 % (integer division, as upstream), the target is 70 %, so the usage
 * ratio is 2.0 and the answer ceil(2.0 × 3) = 6. At 75 % the ratio 1.07 is within the 0.1
 * tolerance and the answer is the current replica count.
 *
 * Pods that are not Ready or have no sample are not ignored outright — that would let a
 * half-started rollout look idle or busy. Upstream's rule (documented at
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details):
 * the ratio is first computed from the pods with usable samples; then, only if that would
 * scale up, unready pods are assumed to use 0 %; pods without a sample are assumed to use
 * 0 % on a scale-up and 100 % of their request (or the target, if higher) on a scale-down.
 * If the recomputed ratio falls within the tolerance or flips the direction, nothing changes.
 */
import { podMetricsInfo, type MetricsSource, type PodMetricsInfo } from './pod-metrics.js';
import { milliValue } from './units.js';
import type { HpaPod, HpaSettings } from './types.js';

/** How far below and above 1 a usage ratio may be without scaling. */
export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

/** True when `ratio` asks for no change: 1 − down ≤ ratio ≤ 1 + up. */
export function isWithin(t: Tolerances, ratio: number): boolean {
  return 1 - t.scaleDown <= ratio && ratio <= 1 + t.scaleUp;
}

export interface PodGroups {
  /** pods whose sample counts as-is */
  readyPodCount: number;
  /** Pending pods, and (for CPU) pods not yet Ready or still warming up */
  unready: Set<string>;
  /** pods with no sample */
  missing: Set<string>;
  /** deleted or Failed pods: left out entirely */
  ignored: Set<string>;
}

const time = (s: string | undefined): number => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};

/**
 * Sorts pods as upstream's groupPods. CPU is special because a starting process burns CPU: a
 * pod within `cpuInitializationPeriodMs` of its start counts only when Ready and sampled
 * for a whole metric window after turning Ready; after that period an unready pod is left
 * out only if it never was Ready (it turned unready within `initialReadinessDelayMs` of starting).
 */
export function groupPods(
  pods: readonly HpaPod[],
  metrics: PodMetricsInfo,
  resource: string,
  now: number,
  settings: Pick<HpaSettings, 'cpuInitializationPeriodMs' | 'initialReadinessDelayMs'>,
): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name;
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp || phase === 'Failed') {
      groups.ignored.add(name);
      continue;
    }
    if (phase === 'Pending') {
      groups.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      groups.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = pod.status?.startTime;
      let unready: boolean;
      if (!ready || !start) {
        unready = true;
      } else if (time(start) + settings.cpuInitializationPeriodMs > now) {
        unready =
          ready.status === 'False' || metric.timestamp < time(ready.lastTransitionTime) + metric.windowMs;
      } else {
        unready =
          ready.status === 'False' &&
          time(start) + settings.initialReadinessDelayMs > time(ready.lastTransitionTime);
      }
      if (unready) {
        groups.unready.add(name);
        continue;
      }
    }
    groups.readyPodCount++;
  }
  return groups;
}

const SUPPORTED_POD_LEVEL = ['cpu', 'memory'];

/**
 * Each pod's request for `resource` in milli-units: the pod-level request when the pod sets
 * one (and no container is named), else the sum over its containers and restartable (sidecar)
 * init containers, or the named container's. Throws when a counted container has no request.
 */
export function podRequests(pods: readonly HpaPod[], resource: string, container = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    const name = pod.metadata.name;
    const podLevel = pod.spec?.resources?.requests;
    if (!container && podLevel && SUPPORTED_POD_LEVEL.some((r) => podLevel[r] !== undefined)) {
      const q = podLevel[resource];
      if (q === undefined) throw new Error(`missing pod-level request for ${resource} in Pod ${name}`);
      out.set(name, milliValue(q));
      continue;
    }
    const containers = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
    ];
    let sum = 0;
    let found = false;
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      if (q === undefined)
        throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${name}`);
      sum += milliValue(q);
      found = true;
      if (container) break;
    }
    if (container && !found) throw new Error(`container ${container} not found in Pod ${name}`);
    out.set(name, sum);
  }
  return out;
}

/**
 * Utilization as upstream's GetResourceUtilizationRatio: the percentage of the requests of
 * the sampled pods, truncated to an integer, and the average raw usage. Samples of pods
 * without a known request are extraneous and left out.
 */
export function utilizationRatio(
  metrics: PodMetricsInfo,
  requests: Map<string, number>,
  targetUtilization: number,
): { ratio: number; utilization: number; rawAverage: number } {
  let usage = 0;
  let requested = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    usage += m.value;
    requested += r;
    n++;
  }
  if (requested === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((usage * 100) / requested);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(usage / n) };
}

/** The average usage of the samples (truncated) and its ratio to `targetUsage`, as GetMetricUsageRatio. */
export function usageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

/** What every resource-metric calculation starts from. */
export interface ReplicaInput {
  /** the target's spec.replicas */
  currentReplicas: number;
  /** the pods the target's selector selects */
  pods: readonly HpaPod[];
  source: MetricsSource;
  resource: string;
  /** ContainerResource metrics: only this container counts */
  container?: string;
  tolerances: Tolerances;
  now: number;
  settings: Pick<HpaSettings, 'cpuInitializationPeriodMs' | 'initialReadinessDelayMs'>;
}

function samples(input: ReplicaInput): { metrics: PodMetricsInfo; groups: PodGroups } {
  let metrics: PodMetricsInfo;
  try {
    metrics = podMetricsInfo(input.source, input.resource, input.container);
  } catch (e) {
    throw new Error(`unable to get metrics for resource ${input.resource}: ${(e as Error).message}`);
  }
  if (input.pods.length === 0)
    throw new Error('no pods returned by selector while calculating replica count');
  const groups = groupPods(input.pods, metrics, input.resource, input.now, input.settings);
  for (const name of [...groups.ignored, ...groups.unready]) metrics.delete(name);
  if (metrics.size === 0)
    throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  return { metrics, groups };
}

/**
 * The second pass shared by both target types: with the assumed samples filled in, scale
 * only if the new ratio is outside the tolerance, points the same way as the first, and the
 * pod count does not turn the answer around.
 */
function rebalanced(current: number, first: number, next: number, podCount: number, t: Tolerances): number {
  if (isWithin(t, next) || (first < 1 && next > 1) || (first > 1 && next < 1)) return current;
  const replicas = Math.ceil(next * podCount);
  if ((next < 1 && replicas > current) || (next > 1 && replicas < current)) return current;
  return replicas;
}

/** Replicas for a target average utilization (percent of the request). Throws with upstream's messages. */
export function resourceReplicas(input: ReplicaInput & { targetUtilization: number }): {
  replicas: number;
  utilization: number;
  rawAverage: number;
} {
  const { metrics, groups } = samples(input);
  const requests = podRequests(input.pods, input.resource, input.container);
  const first = utilizationRatio(metrics, requests, input.targetUtilization);
  const result = (replicas: number) => ({
    replicas,
    utilization: first.utilization,
    rawAverage: first.rawAverage,
  });
  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (isWithin(input.tolerances, first.ratio)) return result(input.currentReplicas);
    return result(Math.ceil(first.ratio * groups.readyPodCount));
  }
  if (groups.missing.size > 0) {
    // a scale-down assumes the silent pods are busy, a scale-up that they are idle: both damp the change
    const fallback = Math.max(100, input.targetUtilization);
    for (const name of groups.missing) {
      const value = first.ratio < 1 ? Math.trunc(((requests.get(name) ?? 0) * fallback) / 100) : 0;
      if (first.ratio !== 1) metrics.set(name, { value, timestamp: -Infinity, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) {
    for (const name of groups.unready) metrics.set(name, { value: 0, timestamp: -Infinity, windowMs: 0 });
  }
  const next = utilizationRatio(metrics, requests, input.targetUtilization);
  return result(rebalanced(input.currentReplicas, first.ratio, next.ratio, metrics.size, input.tolerances));
}

/** Replicas for a target average value (milli-units per pod). Throws with upstream's messages. */
export function rawResourceReplicas(input: ReplicaInput & { targetUsage: number }): {
  replicas: number;
  usage: number;
} {
  const { metrics, groups } = samples(input);
  const first = usageRatio(metrics, input.targetUsage);
  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (isWithin(input.tolerances, first.ratio))
      return { replicas: input.currentReplicas, usage: first.usage };
    return { replicas: Math.ceil(first.ratio * groups.readyPodCount), usage: first.usage };
  }
  if (groups.missing.size > 0 && first.ratio !== 1) {
    // on a scale-down the silent pods are taken to use exactly the target
    const value = first.ratio < 1 ? input.targetUsage : 0;
    for (const name of groups.missing) metrics.set(name, { value, timestamp: -Infinity, windowMs: 0 });
  }
  if (scaleUpWithUnready) {
    for (const name of groups.unready) metrics.set(name, { value: 0, timestamp: -Infinity, windowMs: 0 });
  }
  const next = usageRatio(metrics, input.targetUsage);
  return {
    replicas: rebalanced(input.currentReplicas, first.ratio, next.ratio, metrics.size, input.tolerances),
    usage: first.usage,
  };
}
