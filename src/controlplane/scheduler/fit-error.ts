/**
 * The text kube-scheduler puts in a pod's PodScheduled condition and FailedScheduling event
 * when no node fits: `FitError.Error()` in pkg/scheduler/schedule_one.go followed by the
 * DefaultPreemption PostFilter's own FitError, e.g.
 *
 *   0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node
 *   affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found
 *   for incoming pod, 2 Preemption is not helpful for scheduling.
 *
 * Reasons are counted per node and the `"<count> <reason>"` strings sorted as plain strings
 * (Go's sort.Strings), so "10 …" sorts before "2 …" exactly as kube-scheduler prints it.
 */
import type { FilterResult } from './filters.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

/** Counts each reason over the nodes that reported it. */
export function countReasons(statuses: FilterResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of statuses) for (const r of s?.reasons ?? []) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** `0/N nodes are available: <sorted histogram>.` */
export function histogramMessage(numNodes: number, counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([reason, n]) => `${n} ${reason}`);
  // Go compares strings bytewise; so does `<` on JS strings for the ASCII these hold.
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const head = `0/${numNodes} nodes are available:`;
  return parts.length === 0 ? head : `${head} ${parts.join(', ')}.`;
}

/**
 * The preemption half. Capstan never evicts pods to make room, so every node whose failure
 * preemption could cure is reported the way kube-scheduler reports a node without
 * lower-priority pods to evict; a pod with `preemptionPolicy: Never` is not eligible at all.
 */
export function preemptionMessage(numNodes: number, statuses: FilterResult[], preemptNever: boolean): string {
  if (preemptNever) return 'preemption: not eligible due to preemptionPolicy=Never.';
  const counts: Record<string, number> = {};
  for (const s of statuses) {
    const reason = s?.resolvable ? NO_PREEMPTION_VICTIMS : PREEMPTION_NOT_HELPFUL;
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return `preemption: ${histogramMessage(numNodes, counts)}`;
}

/** The full FitError text for nodes that all failed a filter. */
export function fitErrorMessage(numNodes: number, statuses: FilterResult[], preemptNever: boolean): string {
  return `${histogramMessage(numNodes, countReasons(statuses))} ${preemptionMessage(numNodes, statuses, preemptNever)}`;
}
