/**
 * The two resources of metrics.k8s.io/v1beta1 as metrics-server registers them: `pods`
 * (PodMetrics, namespaced) and `nodes` (NodeMetrics), verbs get and list only, no singular
 * name, and the Table columns of its ConvertToTable (Name, cpu, memory, Window) for
 * `kubectl get pods.metrics.k8s.io`. Their objects are computed (ResourceType.computed),
 * so discovery, routing and the in-process API serve them like any other kind.
 */
import { isJsonObject, parseQuantity, type JsonObject, type JsonValue } from '../../core/index.js';
import type { PrintColumn, ResourceType } from '../api/types.js';
import { cpuQuantity, memoryQuantity } from './format.js';
import type { ResourceMetrics } from './resource-metrics.js';
import { METRICS_GROUP, METRICS_VERSION } from './types.js';

const columns: PrintColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
  { name: 'cpu', type: 'string', format: 'quantity', priority: 0 },
  { name: 'memory', type: 'string', format: 'quantity', priority: 0 },
  { name: 'Window', type: 'string', format: 'duration', priority: 0 },
];

type Usage = { cpu?: JsonValue; memory?: JsonValue };

/** Adds up usages, the cell metrics-server prints for a pod being the sum over its containers. */
function total(usages: Usage[]): [string, string] {
  let cpu = 0;
  let memory = 0;
  for (const u of usages) {
    cpu += typeof u.cpu === 'string' ? parseQuantity(u.cpu) * 1e9 : 0;
    memory += typeof u.memory === 'string' ? parseQuantity(u.memory) : 0;
  }
  return [cpuQuantity(cpu), memoryQuantity(memory)];
}

function row(obj: JsonObject, usages: Usage[]): JsonValue[] {
  const name = isJsonObject(obj.metadata) ? String(obj.metadata.name ?? '') : '';
  return [name, ...total(usages), typeof obj.window === 'string' ? obj.window : ''];
}

const common = {
  group: METRICS_GROUP,
  version: METRICS_VERSION,
  singular: '',
  verbs: ['get', 'list'],
  generation: false,
  printColumns: columns,
};

/** PodMetrics and NodeMetrics, served from `metrics`. */
export function metricsResourceTypes(metrics: ResourceMetrics): ResourceType[] {
  return [
    {
      ...common,
      resource: 'pods',
      kind: 'PodMetrics',
      listKind: 'PodMetricsList',
      namespaced: true,
      printRow: (obj) =>
        row(
          obj,
          (Array.isArray(obj.containers) ? obj.containers : []).map((c) =>
            isJsonObject(c) && isJsonObject(c.usage) ? c.usage : {},
          ),
        ),
      computed: {
        get: (namespace, name) => metrics.getPod(namespace, name),
        list: (namespace, select) => metrics.listPods(namespace, select),
      },
    },
    {
      ...common,
      resource: 'nodes',
      kind: 'NodeMetrics',
      listKind: 'NodeMetricsList',
      namespaced: false,
      printRow: (obj) => row(obj, [isJsonObject(obj.usage) ? obj.usage : {}]),
      computed: {
        get: (_namespace, name) => metrics.getNode(name),
        list: (_namespace, select) => metrics.listNodes(select),
      },
    },
  ];
}
