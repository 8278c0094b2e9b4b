/** The sync engine: plan, dry run, waves gated on health (as resumable steps), prune. This file is the layer's only public face. */
export {
  syncApplication,
  type SyncEvent,
  type SyncOptions,
  type SyncResult,
  type SyncedResource,
} from './engine.js';
export { startSync, continueSync, type SyncOperation, type SyncStep } from './operation.js';
export { kindsOf, type KindRef } from './live.js';
export { previewSync, type ObjectPreview } from './preview.js';
export { APP_LABEL, TRACKING_ANNOTATION, SYNC_WAVE_ANNOTATION, HOOK_ANNOTATION } from './annotations.js';
export {
  assessHealth,
  describeCause,
  worstHealth,
  type HealthCause,
  type HealthCode,
  type HealthStatus,
} from './health/index.js';
export { describePlan, type SyncPlan } from './plan/index.js';
export { describeObject } from './messages.js';
