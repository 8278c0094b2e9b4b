/** The disruption controller's arithmetic and lookups; disruption-controller.ts runs them. */
export * from './types.js';
export { podsSelectedBy } from './selector.js';
export { expectedPods, type ExpectedPods } from './expected-pods.js';
export {
  budgetStatus,
  countHealthyPods,
  disruptedPodMap,
  failedStatus,
  DELETION_TIMEOUT_MS,
  type BudgetCounts,
} from './status.js';
export { registryScaleFinder } from './scale-finders.js';
