/**
 * The DaemonSet controller's decisions as pure functions over plain JSON: given a DaemonSet,
 * the nodes and its pods, which pods to create on which node, which to delete, and the
 * status — after kubernetes/kubernetes pkg/controller/daemon. No API calls, no clocks.
 */
export * from './types.js';
export {
  nodesShouldRun,
  nodeShouldRunDaemonPod,
  daemonTolerations,
  targetNodeName,
  type NodeVerdict,
} from './placement.js';
export { newDaemonPod, pinToNode, daemonSetHash, templateGeneration, isPodUpdated } from './new-pod.js';
export { podsByNode, podsShouldBeOnNode, manage, allowsSurge, type NodeActions } from './manage.js';
export { rollingUpdate, fenceposts } from './rolling.js';
export { daemonSetStatus } from './status.js';
export { planDaemonSet, type DaemonSetPlan } from './plan.js';
