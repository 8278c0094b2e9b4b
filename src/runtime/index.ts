/**
 * Controller machinery shared by the embedded control plane's controllers and the GitOps
 * reconciler: clock, work queue, rate limiters, worker loop, outcome errors, conditions and
 * the event recorder. This file is the layer's only public face.
 */
export { FakeClock, realClock, toKubeTime, type Clock, type Timer } from './clock.js';
export { jittered } from './jitter.js';
export {
  BucketRateLimiter,
  controllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  type ControllerRateLimiterOptions,
  type RateLimiter,
} from './rate-limiter.js';
export { WorkQueue, type WorkQueueOptions } from './work-queue.js';
export {
  errorOutcome,
  StalledError,
  WaitingError,
  type ErrorOutcome,
  type OutcomeErrorOptions,
} from './outcome-errors.js';
export {
  runWorkers,
  type ReconcileOutcome,
  type ReconcileReport,
  type ReconcileResult,
  type RunWorkersOptions,
  type Workers,
} from './workers.js';
export {
  getCondition,
  isTrue,
  removeCondition,
  setCondition,
  setDeploymentCondition,
  type Condition,
  type ConditionStatus,
  type ConditionUpdate,
  type DeploymentCondition,
} from './conditions.js';
export {
  EventRecorder,
  type EventRecorderOptions,
  type EventSink,
  type EventSubject,
  type EventType,
} from './event-recorder.js';
