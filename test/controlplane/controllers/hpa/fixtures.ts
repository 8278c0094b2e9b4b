/** Builders for the autoscaler's table tests: pods, PodMetrics, HPAs and Scales as plain JSON. */
import type {
  Behavior,
  Hpa,
  HpaPod,
  MetricSpec,
  PodMetrics,
  Scale,
} from '../../../../src/controlplane/controllers/hpa/index.js';

/** 2024-01-01T00:10:00Z: ten minutes after the pods' default start, past the CPU initialization period. */
export const NOW = Date.UTC(2024, 0, 1, 0, 10);
export const T0 = '2024-01-01T00:00:00Z';

export interface PodOptions {
  cpu?: string | null;
  memory?: string;
  phase?: string;
  ready?: 'True' | 'False' | null;
  startTime?: string | null;
  readySince?: string;
  labels?: Record<string, string>;
  deleting?: boolean;
  containers?: Array<{ name: string; cpu?: string }>;
}

/** A Running, Ready pod started at T0 with one container `app` requesting `cpu` (default 1 core). */
export function pod(name: string, o: PodOptions = {}): HpaPod {
  const requests: Record<string, string> = {};
  if (o.cpu !== null) requests.cpu = o.cpu ?? '1';
  if (o.memory) requests.memory = o.memory;
  const containers = o.containers
    ? o.containers.map((c) => ({
        name: c.name,
        resources: { requests: (c.cpu ? { cpu: c.cpu } : {}) as Record<string, string> },
      }))
    : [{ name: 'app', resources: { requests } }];
  const conditions =
    o.ready === null
      ? []
      : [{ type: 'Ready', status: o.ready ?? 'True', lastTransitionTime: o.readySince ?? T0 }];
  const status: NonNullable<HpaPod['status']> = { phase: o.phase ?? 'Running', conditions };
  if (o.startTime !== null) status.startTime = o.startTime ?? T0;
  return {
    metadata: {
      name,
      labels: o.labels ?? { app: 'web' },
      ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:09:00Z' } : {}),
    },
    spec: { containers },
    status,
  };
}

/** PodMetrics of one container `app` using `cpu` (and `memory`), sampled at NOW over 30 s. */
export function usage(
  name: string,
  cpu: string | undefined,
  o: { memory?: string; timestamp?: number; window?: string; containers?: PodMetrics['containers'] } = {},
): PodMetrics {
  const u: Record<string, string> = {};
  if (cpu !== undefined) u.cpu = cpu;
  if (o.memory !== undefined) u.memory = o.memory;
  return {
    metadata: { name, namespace: 'default' },
    timestamp: new Date(o.timestamp ?? NOW).toISOString(),
    window: o.window ?? '30s',
    containers: o.containers ?? [{ name: 'app', usage: u }],
  };
}

export const cpuUtilization = (averageUtilization: number): MetricSpec => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});

export function hpa(
  spec: { min?: number; max?: number; metrics?: MetricSpec[]; behavior?: Behavior } = {},
  status?: Hpa['status'],
): Hpa {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'hpa-uid', generation: 1 },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: spec.min ?? 1,
      maxReplicas: spec.max ?? 10,
      metrics: spec.metrics ?? [cpuUtilization(50)],
      ...(spec.behavior ? { behavior: spec.behavior } : {}),
    },
    ...(status ? { status } : {}),
  };
}

export function scale(replicas: number, selector = 'app=web'): Scale {
  return {
    metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
    spec: { replicas },
    status: { replicas, selector },
  };
}

/** `n` Ready pods web-0…web-(n-1) and their samples, one CPU figure (millicores) each. */
export function fleet(cpuMillis: number[], request = '1'): { pods: HpaPod[]; items: PodMetrics[] } {
  return {
    pods: cpuMillis.map((_, i) => pod(`web-${i}`, { cpu: request })),
    items: cpuMillis.map((m, i) => usage(`web-${i}`, `${m}m`)),
  };
}
