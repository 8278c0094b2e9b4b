/**
 * One scheduling decision, as a pure function of the pod, the nodes and the pods already
 * bound to them: kube-scheduler's `schedulePod` (filter every node, score the feasible ones,
 * pick the best) without the cache, queue or binding, which the caller owns.
 */
import type { JsonObject } from '../../core/index.js';
import { fitErrorMessage, countReasons } from './fit-error.js';
import type { FilterResult, NodeInfo } from './filters.js';
import { filterNode, hostPorts, nodeInfo } from './filters.js';
import { obj, str } from './json.js';
import type { PlacedPod } from './pod-affinity.js';
import { podAffinityFilter, podAffinityRawScores } from './pod-affinity.js';
import { isTerminal, requestAmounts } from './resources.js';
import { totalScores } from './scores.js';

/** Where the pod goes, or why it cannot go anywhere. */
export type ScheduleResult =
  | { node: string }
  | {
      unschedulable: true;
      /** The PodScheduled condition / FailedScheduling event text, exactly as kube-scheduler words it. */
      message: string;
      /** Filter reason → number of nodes that gave it. */
      reasons: Record<string, number>;
    };

// schedule_one.go's ErrNoNodesAvailable.
const NO_NODES = 'no nodes available to schedule pods';

/**
 * Picks a node for `pod`, or explains why none fits.
 *
 * - A pod whose `spec.nodeName` is set is already placed: that node is returned untouched.
 * - `podsByNode` maps node name → pods bound there; Succeeded/Failed pods are ignored, as
 *   they hold no resources, ports or affinity any more. Pods on nodes not in `nodes` are not
 *   seen, like pods on nodes missing from the scheduler's cache.
 * - Ties between equal best scores, which kube-scheduler breaks at random, go to the node
 *   whose name sorts first, so the same inputs always give the same answer.
 */
export function schedule(
  pod: JsonObject,
  nodes: JsonObject[],
  podsByNode: Map<string, JsonObject[]>,
): ScheduleResult {
  const bound = str(obj(pod.spec).nodeName);
  if (bound !== '') return { node: bound };
  if (nodes.length === 0) return { unschedulable: true, message: NO_NODES, reasons: {} };

  const infos: NodeInfo[] = nodes.map((n) => {
    const name = str(obj(n.metadata).name);
    return nodeInfo(
      n,
      (podsByNode.get(name) ?? []).filter((p) => !isTerminal(p)),
    );
  });
  const placed: PlacedPod[] = infos.flatMap((info) =>
    (podsByNode.get(info.name) ?? [])
      .filter((p) => !isTerminal(p))
      .map((p) => ({ pod: p, nodeLabels: info.labels })),
  );

  const request = requestAmounts(pod);
  const wantedPorts = hostPorts(pod);
  const affinityCheck = podAffinityFilter(pod, placed);
  const statuses: FilterResult[] = infos.map((info) =>
    filterNode(pod, info, request, wantedPorts, affinityCheck),
  );
  const feasible = infos.filter((_, i) => statuses[i] === undefined);

  if (feasible.length === 0) {
    const preemptNever = str(obj(pod.spec).preemptionPolicy) === 'Never';
    return {
      unschedulable: true,
      message: fitErrorMessage(infos.length, statuses, preemptNever),
      reasons: countReasons(statuses),
    };
  }
  // kube-scheduler skips scoring when only one node is left; the answer is the same.
  if (feasible.length === 1) return { node: feasible[0].name };

  const scores = totalScores(pod, feasible, requestAmounts(pod, true), podAffinityRawScores(pod, placed));
  let best = 0;
  for (let i = 1; i < feasible.length; i++) {
    const better = scores[i] > scores[best];
    const tieWin = scores[i] === scores[best] && feasible[i].name < feasible[best].name;
    if (better || tieWin) best = i;
  }
  return { node: feasible[best].name };
}
