/** The kubelet's process runtime: Pods run as local processes, with probes and pod status. */
export {
  ProcessRuntime,
  type ProcessRuntimeOptions,
  type LogOptions,
  type PodUsage,
} from './process-runtime.js';
export { MIN_RATE_WINDOW_MS, type ContainerUsage } from './usage.js';
export type { ResolvedPod, RuntimeEvent } from './pod-worker.js';
export type { PortMapping } from './ports.js';
export type { ImageCommand } from './command.js';
export { imageMatches, expandVars } from './command.js';
export { systemClock, scaledClock, type Clock, type TimerHandle } from './clock.js';
export { CrashBackoff, DEFAULT_BACKOFF } from './backoff.js';
export {
  computePhase,
  buildPodStatus,
  type ContainerRecord,
  type ContainerState,
  type PodPhase,
} from './pod-status.js';
export * from './simulated/index.js';
