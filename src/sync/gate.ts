/**
 * Health gating: is every object of a wave healthy yet? One call reads each object once
 * and says so; the caller decides when to ask again (on a watch event, a timer), so a
 * wave waiting for a rollout holds no worker. A workload's pods and ReplicaSets are read
 * only while it is not healthy, to name the pod, container and probe at fault.
 */
import type { JsonObject, KubeObject } from '../core/index.js';
import type { Cluster, ObjectRef as ClusterRef } from '../cluster/types.js';
import { assessHealth, worstHealth, type HealthStatus } from './health/index.js';
import { carriedDeadline, withoutCarriedDeadline } from './carried-deadline.js';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

export interface GateResult {
  /** Healthy when every object is; otherwise the worst object's status */
  health: HealthStatus;
  /** the object the health is about, when not healthy */
  object?: ClusterRef;
}

async function healthOf(
  cluster: Cluster,
  ref: ClusterRef,
  known: KubeObject | undefined,
  carried: JsonObject | undefined,
): Promise<HealthStatus> {
  const read = known ?? (await cluster.get(ref));
  if (!read) return assessHealth(undefined);
  // a progress deadline passed before the apply is no verdict on what it applied
  const obj = withoutCarriedDeadline(read, carried);
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

/** An object a wave waits on; `known` is what the caller already holds (an apply's answer). */
export interface GateItem {
  ref: ClusterRef;
  known?: KubeObject;
  /** a Deployment's timed-out Progressing condition from before the apply (carried-deadline.ts) */
  carried?: JsonObject;
}

/** `items` to read afresh: what the caller held is out of date, what was carried is kept. */
export function readAgain(items: readonly GateItem[]): GateItem[] {
  return items.map(({ ref, carried }) => (carried ? { ref, carried } : { ref }));
}

export type HealthRound =
  /** every object is healthy (or suspended on purpose) */
  | { state: 'healthy' }
  /** the wait is over and failed: an object is Degraded, or the deadline has passed */
  | { state: 'failed'; gate: GateResult }
  /** still on the way: the objects to read again, and the worst of them */
  | { state: 'waiting'; pending: GateItem[]; worst: { ref: ClusterRef; health: HealthStatus } };

/**
 * One reading of `items`' health. Degraded ends the wait at once (a failed Job, a progress
 * deadline passed); at `deadline` the worst object's status is the answer, and a workload
 * still Progressing then counts as Degraded.
 */
export async function healthRound(
  cluster: Cluster,
  items: readonly GateItem[],
  options: { deadline: number; now: () => number },
): Promise<HealthRound> {
  const results = await mapLimited(items, READ_CONCURRENCY, async ({ ref, known, carried }) => {
    const carriedNow = carried ?? carriedDeadline(known);
    return {
      ref,
      ...(carriedNow ? { carried: carriedNow } : {}),
      health: await healthOf(cluster, ref, known, carriedNow),
    };
  });
  const unhealthy = results.filter((r) => r.health.status !== 'Healthy' && r.health.status !== 'Suspended');
  if (unhealthy.length === 0) return { state: 'healthy' };
  const worst = worstHealth(unhealthy.map((r) => r.health));
  const first = unhealthy.find((r) => r.health.status === worst)!;
  if (worst === 'Degraded') return { state: 'failed', gate: { health: first.health, object: first.ref } };
  if (options.now() >= options.deadline) {
    const status = first.health.status === 'Progressing' ? 'Degraded' : first.health.status;
    return {
      state: 'failed',
      gate: {
        health: {
          ...first.health,
          status,
          message: `not healthy after the health timeout: ${first.health.message ?? first.health.status}`,
        },
        object: first.ref,
      },
    };
  }
  // read again next time: what the caller held is out of date by then
  return { state: 'waiting', pending: readAgain(unhealthy), worst: first };
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
