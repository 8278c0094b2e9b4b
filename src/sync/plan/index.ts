/** The sync planner: order, waves, hooks and prune, as a pure function of desired and live objects. */
export { planSync, planSteps, stepObject } from './plan.js';
export { describePlan } from './describe.js';
export { compareForCreation, kindRank, KNOWN_KIND_ORDER } from './kind-order.js';
export { isTrackedBy } from './prune.js';
export { keyOf, refOf, describeRef } from './refs.js';
export type {
  HookDeletePolicy,
  HookPhase,
  ObjectRef,
  PlanPhase,
  PlanStep,
  PlanSyncInput,
  PlanWave,
  PruneStep,
  SyncPhase,
  SyncPlan,
} from './types.js';
