/**
 * Capstan's scheduler decision, as pure functions: which node a pod goes to (or the exact
 * kube-scheduler text for why none fits), the quantities and requests it reasons with, and
 * the Node object describing this machine. Binding, events and conditions live with the
 * caller.
 */
export { parseQuantity, quantityCeil } from '../../core/index.js';
export { podRequests } from './resources.js';
export type { ScheduleResult } from './schedule.js';
export { schedule } from './schedule.js';
export type { MachineFigures } from './node.js';
export { goArch, nodeForThisMachine } from './node.js';
