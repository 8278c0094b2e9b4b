/**
 * `capstan app logs`: the last lines of an application's pods. Its pods are those of the
 * workloads and the bare Pods its status lists, found on the live destination cluster —
 * each workload's pods by the workload's own selector, as `kubectl logs deploy/web` does.
 */
import type { Application, JsonObject, KubeObject, ResourceStatus } from '../core/index.js';
import { ClusterError, type Cluster } from '../cluster/index.js';

/** One container's last lines. */
export interface ContainerLog {
  pod: string;
  container: string;
  lines: string[];
}

/** Lines per container when the caller names no number. */
export const DEFAULT_TAIL_LINES = 100;

/** Kinds whose pods are found by their `spec.selector`, by API group. */
const WORKLOAD_KINDS: Record<string, readonly string[]> = {
  apps: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  batch: ['Job'],
};

/** Logs read at once: enough to hide latency to a remote cluster, few enough not to flood it. */
const CONCURRENT_READS = 8;

export interface ApplicationLogsOptions {
  /** where objects listed without a namespace live (the destination namespace) */
  namespace: string;
  /** lines per container (default DEFAULT_TAIL_LINES) */
  tail?: number;
}

/**
 * Every container of the application's pods with its last `tail` lines, sorted by pod.
 * A container that has not started yet has no lines; a pod deleted meanwhile is left out.
 * Throws the ClusterError of a cluster that cannot be reached or serves no logs.
 */
export async function applicationLogs(
  app: Application,
  cluster: Cluster,
  options: ApplicationLogsOptions,
): Promise<ContainerLog[]> {
  const tailLines = options.tail ?? DEFAULT_TAIL_LINES;
  const pods = await podsOf(app.status?.resources ?? [], cluster, options.namespace);
  const reads = pods.flatMap((pod) => containerNames(pod).map((container) => ({ pod, container })));
  const logs = await mapLimited(reads, CONCURRENT_READS, async ({ pod, container }) => {
    const { namespace = options.namespace, name = '' } = pod.metadata;
    try {
      const text = await cluster.podLogs(namespace, name, { container, tailLines });
      return { pod: name, container, lines: linesOf(text) };
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      if (e.reason === 'NotFound') return undefined; // the pod went away since it was listed
      if (e.reason === 'BadRequest') return { pod: name, container, lines: [] }; // not started yet
      throw e;
    }
  });
  return logs.filter((l): l is ContainerLog => l !== undefined);
}

/** The live pods of the listed workloads and bare Pods, each once, sorted by namespace and name. */
async function podsOf(
  resources: readonly ResourceStatus[],
  cluster: Cluster,
  defaultNamespace: string,
): Promise<KubeObject[]> {
  const found = new Map<string, KubeObject>();
  const add = (pod: KubeObject) =>
    found.set(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`, pod);
  for (const r of resources) {
    const group = r.group ?? '';
    const namespace = r.namespace ?? defaultNamespace;
    if (group === '' && r.kind === 'Pod') {
      const pod = await cluster.get({ apiVersion: r.version, kind: 'Pod', namespace, name: r.name });
      if (pod) add(pod);
    } else if (WORKLOAD_KINDS[group]?.includes(r.kind)) {
      const ref = { apiVersion: `${group}/${r.version}`, kind: r.kind, namespace, name: r.name };
      const workload = await cluster.get(ref);
      const selector = labelSelectorOf((workload?.spec as JsonObject | undefined)?.selector);
      // an empty selector selects nothing in apps/v1 and batch/v1, not every pod
      if (!selector) continue;
      for (const pod of await cluster.list('v1', 'Pod', { namespace, labelSelector: selector })) add(pod);
    }
  }
  return [...found.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, pod]) => pod);
}

/**
 * A metav1.LabelSelector in the list API's syntax: `{matchLabels: {app: web}, matchExpressions:
 * [{key: tier, operator: In, values: [a, b]}]}` → `app=web,tier in (a,b)`; '' when it has none.
 */
export function labelSelectorOf(selector: unknown): string {
  if (!selector || typeof selector !== 'object') return '';
  const { matchLabels = {}, matchExpressions = [] } = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
  const parts = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of matchExpressions) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}

function containerNames(pod: KubeObject): string[] {
  const containers = ((pod.spec as JsonObject | undefined)?.containers ?? []) as Array<{ name?: unknown }>;
  return containers.map((c) => String(c.name));
}

/** `a\nb\n` → [a, b]: the final newline ends the last line, it does not start another. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `fn` over `items` with at most `limit` calls under way; results in the items' order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
