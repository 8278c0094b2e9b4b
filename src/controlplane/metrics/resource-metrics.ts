/**
 * PodMetrics and NodeMetrics (metrics.k8s.io/v1beta1), computed when asked from what the
 * node agents' runtimes measure (or, for simulated pods, declare), in the shapes
 * metrics-server serves (sigs.k8s.io/metrics-server pkg/api and pkg/storage):
 *   - a pod has metrics while at least one of its containers runs on a known node; each
 *     running container is listed with its cpu and memory;
 *   - a node's usage is the sum of the pods its runtime runs — what this machine spends
 *     on pods, nothing invented for the system around them;
 *   - `timestamp` is when the metrics were computed and `window` the longest interval any
 *     of their CPU rates was measured over; `creationTimestamp` is now, as metrics-server
 *     sets it on every response.
 * Nothing is stored or cached here: the runtimes keep the previous CPU readings that
 * rates need (kubelet/cpu-rate.ts).
 */
import { isJsonObject, type JsonObject } from '../../core/index.js';
import { notFound } from '../api/errors.js';
import { MIN_RATE_WINDOW_MS, type ContainerUsage } from '../kubelet/index.js';
import type { Store } from '../store/types.js';
import { cpuQuantity, goDuration, memoryQuantity } from './format.js';
import { METRICS_GROUP, METRICS_VERSION } from './types.js';

const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** What the metrics need of a runtime (ProcessRuntime and SimulatedRuntime have it). */
export interface UsageSource {
  /** the pods it runs */
  podUids(): string[];
  /** the usage of each running container of the given pods it runs */
  containerUsage(uids: readonly string[]): Map<string, ContainerUsage[]>;
}

/** One node whose pods have metrics: its name (as in the Node object) and its runtime. */
export interface MetricsNode {
  nodeName: string;
  runtime: UsageSource;
}

export interface ResourceMetricsOptions {
  /** where pods and nodes are read from (the control plane's store) */
  store: Pick<Store, 'get' | 'list'>;
  /** the nodes that run pods, read on every request (nodes may come and go) */
  nodes: () => Iterable<MetricsNode>;
  /** the clock of timestamps; default the system clock */
  now?: () => Date;
}

const metaOf = (o: JsonObject): JsonObject => (isJsonObject(o.metadata) ? o.metadata : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** RFC 3339 with second precision, as metav1.Time serializes. */
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Computes the objects of metrics.k8s.io from the nodes' runtimes. */
export class ResourceMetrics {
  private readonly now: () => Date;

  constructor(private readonly options: ResourceMetricsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private runtimes(): Map<string, UsageSource> {
    const out = new Map<string, UsageSource>();
    for (const n of this.options.nodes()) out.set(n.nodeName, n.runtime);
    return out;
  }

  /** The PodMetrics of the pods of `namespace` (undefined: all) that `select` accepts, by namespace and name. */
  listPods(namespace: string | undefined, select: (pod: JsonObject) => boolean): JsonObject[] {
    const pods = this.options.store
      .list({ group: '', resource: 'pods', namespace })
      .items.map((o) => o.value)
      .filter(select);
    pods.sort((a, b) => {
      const [x, y] = [metaOf(a), metaOf(b)];
      return str(x.namespace).localeCompare(str(y.namespace)) || str(x.name).localeCompare(str(y.name));
    });
    return this.podMetrics(pods);
  }

  /** One pod's PodMetrics; NotFound (as metrics-server words it) for a missing pod or one with no metrics. */
  getPod(namespace: string | undefined, name: string): JsonObject {
    const ns = namespace ?? '';
    const pod = this.options.store.get({ group: '', resource: 'pods', namespace: ns, name });
    if (!pod) throw notFound('', 'pods', name);
    const [m] = this.podMetrics([pod.value]);
    if (!m) throw notFound(METRICS_GROUP, 'pods', `${ns}/${name}`);
    return m;
  }

  /** The NodeMetrics of the nodes `select` accepts, by name. */
  listNodes(select: (node: JsonObject) => boolean): JsonObject[] {
    const runtimes = this.runtimes();
    return this.options.store
      .list({ group: '', resource: 'nodes' })
      .items.map((o) => o.value)
      .filter(select)
      .sort((a, b) => str(metaOf(a).name).localeCompare(str(metaOf(b).name)))
      .flatMap((node) => {
        const runtime = runtimes.get(str(metaOf(node).name));
        return runtime ? [this.nodeMetrics(node, runtime)] : [];
      });
  }

  /** One node's NodeMetrics; NotFound for a missing node or one no runtime runs. */
  getNode(name: string): JsonObject {
    const node = this.options.store.get({ group: '', resource: 'nodes', namespace: '', name });
    if (!node) throw notFound('', 'nodes', name);
    const runtime = this.runtimes().get(name);
    if (!runtime) throw notFound(METRICS_GROUP, 'nodes', name);
    return this.nodeMetrics(node.value, runtime);
  }

  /** PodMetrics of those of `pods` with a running container, in the order given. */
  private podMetrics(pods: readonly JsonObject[]): JsonObject[] {
    const runtimes = this.runtimes();
    // one request per node, so a runtime reads its processes once for all its pods
    const byNode = new Map<string, string[]>();
    for (const pod of pods) {
      const node = str((pod.spec as JsonObject | undefined)?.nodeName);
      if (!runtimes.has(node)) continue;
      const uids = byNode.get(node) ?? [];
      uids.push(str(metaOf(pod).uid));
      byNode.set(node, uids);
    }
    const usage = new Map<string, ContainerUsage[]>();
    for (const [node, uids] of byNode) {
      for (const [uid, containers] of runtimes.get(node)!.containerUsage(uids)) usage.set(uid, containers);
    }
    const now = rfc3339(this.now());
    return pods.flatMap((pod) => {
      const meta = metaOf(pod);
      const containers = usage.get(str(meta.uid)) ?? [];
      if (containers.length === 0) return [];
      return [
        {
          kind: 'PodMetrics',
          apiVersion: API_VERSION,
          metadata: objectMeta(meta, true, now),
          timestamp: now,
          window: goDuration(longestWindow(containers)),
          containers: containers.map((c) => ({
            name: c.name,
            usage: { cpu: cpuQuantity(c.cpuNanoCores), memory: memoryQuantity(c.memoryBytes) },
          })),
        },
      ];
    });
  }

  private nodeMetrics(node: JsonObject, runtime: UsageSource): JsonObject {
    const containers = [...runtime.containerUsage(runtime.podUids()).values()].flat();
    const now = rfc3339(this.now());
    return {
      kind: 'NodeMetrics',
      apiVersion: API_VERSION,
      metadata: objectMeta(metaOf(node), false, now),
      timestamp: now,
      window: goDuration(longestWindow(containers)),
      usage: {
        cpu: cpuQuantity(containers.reduce((n, c) => n + c.cpuNanoCores, 0)),
        memory: memoryQuantity(containers.reduce((n, c) => n + c.memoryBytes, 0)),
      },
    };
  }
}

/** The longest window among the containers' rates; with none, the shortest a rate is measured over. */
function longestWindow(containers: readonly ContainerUsage[]): number {
  return containers.length ? containers.reduce((w, c) => Math.max(w, c.windowMs), 0) : MIN_RATE_WINDOW_MS;
}

/** name, namespace, creationTimestamp and the source's labels: all metrics-server sets. */
function objectMeta(source: JsonObject, namespaced: boolean, now: string): JsonObject {
  const meta: JsonObject = { name: str(source.name) };
  if (namespaced) meta.namespace = str(source.namespace);
  meta.creationTimestamp = now;
  if (isJsonObject(source.labels) && Object.keys(source.labels).length > 0)
    meta.labels = { ...source.labels };
  return meta;
}
