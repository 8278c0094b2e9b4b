import type { JsonObject } from '../../../src/core/index.js';

/** A Ready node with the given allocatable figures, labels, taints and spec extras. */
export function makeNode(
  name: string,
  opts: {
    cpu?: string;
    memory?: string;
    pods?: string;
    labels?: Record<string, string>;
    taints?: JsonObject[];
    unschedulable?: boolean;
    extra?: Record<string, string>;
  } = {},
): JsonObject {
  const spec: JsonObject = {};
  if (opts.taints) spec.taints = opts.taints;
  if (opts.unschedulable) spec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    spec,
    status: {
      allocatable: {
        cpu: opts.cpu ?? '4',
        memory: opts.memory ?? '8Gi',
        pods: opts.pods ?? '110',
        ...opts.extra,
      },
    },
  };
}

/** A pod with one container requesting `cpu`/`memory`, plus any spec overrides. */
export function makePod(
  name: string,
  opts: {
    cpu?: string;
    memory?: string;
    labels?: Record<string, string>;
    spec?: JsonObject;
    phase?: string;
  } = {},
): JsonObject {
  const requests: JsonObject = {};
  if (opts.cpu) requests.cpu = opts.cpu;
  if (opts.memory) requests.memory = opts.memory;
  const pod: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: opts.labels ?? {} },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests } }], ...opts.spec },
  };
  if (opts.phase) pod.status = { phase: opts.phase };
  return pod;
}

/** podsByNode from `[node, pods]` pairs. */
export function placed(entries: [string, JsonObject[]][]): Map<string, JsonObject[]> {
  return new Map(entries);
}
