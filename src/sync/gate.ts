/**
 * Health gating: wait until every object of a wave is healthy. The objects are read again
 * every `pollMs` (a few reads per wave; watches would save little here and cost a stream
 * per kind); a workload's pods and ReplicaSets are read only while it is not healthy, to
 * name the pod, container and probe at fault.
 */
import { sleep, type KubeObject } from '../core/index.js';
import type { Cluster, ObjectRef as ClusterRef } from '../cluster/types.js';
import { assessHealth, worstHealth, type HealthStatus } from './health/index.js';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

export interface GateResult {
  /** Healthy when every object is; otherwise the worst object's status */
  health: HealthStatus;
  /** the object the health is about, when not healthy */
  object?: ClusterRef;
}

async function healthOf(cluster: Cluster, ref: ClusterRef, known?: KubeObject): Promise<HealthStatus> {
  const obj = known ?? (await cluster.get(ref));
  if (!obj) return assessHealth(undefined);
  let health = assessHealth(obj);
  if (health.status !== 'Healthy' && WORKLOADS.has(obj.kind) && obj.metadata.namespace) {
    // the pods say why: read them only now
    const [pods, replicaSets] = await Promise.all([
      cluster.list('v1', 'Pod', { namespace: obj.metadata.namespace }),
      cluster.list('apps/v1', 'ReplicaSet', { namespace: obj.metadata.namespace }),
    ]);
    health = assessHealth(obj, { pods, replicaSets });
  }
  return health;
}

/**
 * Waits for `refs` to be healthy. Ends early when one is Degraded (a failed Job, a
 * progress deadline passed); at `deadline` the worst object's status is the answer, and a
 * workload still Progressing then counts as Degraded.
 */
export async function waitHealthy(
  cluster: Cluster,
  items: readonly { ref: ClusterRef; known?: KubeObject }[],
  options: { deadline: number; pollMs: number; now: () => number; signal?: AbortSignal },
): Promise<GateResult> {
  // the first round uses what the caller already holds (an apply's answer, a listed object)
  let pending = [...items];
  for (;;) {
    options.signal?.throwIfAborted();
    const results = await mapLimited(pending, READ_CONCURRENCY, async ({ ref, known }) => ({
      ref,
      health: await healthOf(cluster, ref, known),
    }));
    const unhealthy = results.filter((r) => r.health.status !== 'Healthy' && r.health.status !== 'Suspended');
    if (unhealthy.length === 0) return { health: { status: 'Healthy' } };
    const worst = worstHealth(unhealthy.map((r) => r.health));
    const first = unhealthy.find((r) => r.health.status === worst)!;
    if (worst === 'Degraded') return { health: first.health, object: first.ref };
    if (options.now() >= options.deadline) {
      const status = first.health.status === 'Progressing' ? 'Degraded' : first.health.status;
      return {
        health: {
          ...first.health,
          status,
          message: `not healthy after the health timeout: ${first.health.message ?? first.health.status}`,
        },
        object: first.ref,
      };
    }
    pending = unhealthy.map((r) => ({ ref: r.ref }));
    await sleep(options.pollMs);
  }
}

/** Reads in flight at once while gating. */
const READ_CONCURRENCY = 16;

/** `items.map(fn)` with at most `limit` calls running at once, results in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A live object's identity for the Cluster interface. */
export function clusterRef(obj: KubeObject): ClusterRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name!,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}
