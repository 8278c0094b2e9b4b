/**
 * Which pods a shrinking ReplicaSet deletes first — replica_set.go's getPodsToDelete and
 * controller_utils.go's ActivePodsWithRanks. The least valuable go first:
 *   1. not yet scheduled < scheduled
 *   2. Pending < Unknown < Running
 *   3. not ready < ready
 *   4. lower `controller.kubernetes.io/pod-deletion-cost` < higher
 *   5. more colocated siblings on the same node < fewer (spreads what remains)
 *   6. ready for less time < more time
 *   7. more container restarts < fewer
 *   8. created later < earlier (newer first)
 * Steps 6 and 8 compare ages in powers of two when `now` is given (LogarithmicScaleDown,
 * on by default): pods 3 and 3.5 minutes old are in the same bucket, so the tie is broken by
 * uid — a spread of deletions rather than always the very newest pod.
 */
import { isPodActive, isPodReady, podReadyTime } from '../util/pods.js';
import { POD_DELETION_COST_ANNOTATION, type Pod } from '../types.js';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const nodeOf = (p: Pod): string => (typeof p.spec?.nodeName === 'string' ? p.spec.nodeName : '');

/**
 * The first `count` of `pods` in deletion order. `related` are the pods of all the owner's
 * ReplicaSets (default: `pods`), used to count colocated siblings per node.
 */
export function podsToDelete(
  pods: readonly Pod[],
  count: number,
  related: readonly Pod[] = pods,
  now?: Date,
): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) perNode.set(nodeOf(p), (perNode.get(nodeOf(p)) ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: perNode.get(nodeOf(pod)) ?? 0 }));
  ranked.sort((a, b) => compare(a.pod, a.rank, b.pod, b.rank, now?.getTime()));
  return ranked.slice(0, count).map((r) => r.pod);
}

/** Negative when `a` should be deleted before `b`. */
function compare(a: Pod, rankA: number, b: Pod, rankB: number, now: number | undefined): number {
  const [na, nb] = [nodeOf(a), nodeOf(b)];
  if (na !== nb && (!na || !nb)) return na ? 1 : -1;
  const [pa, pb] = [PHASE_ORDER[a.status?.phase ?? ''] ?? 0, PHASE_ORDER[b.status?.phase ?? ''] ?? 0];
  if (pa !== pb) return pa - pb;
  const [ra, rb] = [isPodReady(a), isPodReady(b)];
  if (ra !== rb) return ra ? 1 : -1;
  const [ca, cb] = [deletionCost(a), deletionCost(b)];
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const c = compareTimes(podReadyTime(a), podReadyTime(b), a, b, now);
    if (c) return c;
  }
  const [ka, kb] = [restarts(a), restarts(b)];
  if (ka[0] !== kb[0]) return kb[0] - ka[0];
  if (ka[1] !== kb[1]) return kb[1] - ka[1];
  return compareTimes(created(a), created(b), a, b, now);
}

const created = (p: Pod): number | undefined =>
  p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : undefined;

// Later (younger) first; a missing time counts as youngest of all (afterOrZero). With
// `now`, ages are bucketed by floor(log2(age in ns)) and equal buckets fall back to uid.
function compareTimes(
  ta: number | undefined,
  tb: number | undefined,
  a: Pod,
  b: Pod,
  now: number | undefined,
): number {
  if (ta === tb) return 0;
  if (ta === undefined || tb === undefined) return ta === undefined ? -1 : 1;
  if (now === undefined) return tb - ta;
  const diff = bucket(now - ta) - bucket(now - tb);
  if (diff !== 0) return diff;
  const [ua, ub] = [a.metadata.uid ?? '', b.metadata.uid ?? ''];
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

const bucket = (ageMs: number): number => (ageMs > 0 ? Math.floor(Math.log2(ageMs * 1e6)) : -1);

// controller.kubernetes.io/pod-deletion-cost: an int32; anything else counts as 0
function deletionCost(p: Pod): number {
  const v = p.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

// [regular containers' max restarts, restartable (sidecar) init containers' max restarts]
function restarts(p: Pod): [number, number] {
  const regular = Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  const initContainers = (p.spec?.initContainers ?? []) as { name?: string; restartPolicy?: string }[];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const sidecar = Math.max(
    0,
    ...(p.status?.initContainerStatuses ?? [])
      .filter((c) => sidecars.has(c.name))
      .map((c) => c.restartCount ?? 0),
  );
  return [regular, sidecar];
}
