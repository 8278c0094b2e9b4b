/** The kubelet's simulated runtime: pod lifecycles without processes (tests, scale benchmarks). */
export { SimulatedRuntime, type SimulatedRuntimeOptions } from './simulated-runtime.js';
export {
  READY_AFTER_ANNOTATION,
  FAIL_ANNOTATION,
  IGNORE_SIGTERM_ANNOTATION,
  type SimulatedFailure,
} from './annotations.js';
export { SIMULATED_CPU_ANNOTATION, SIMULATED_MEMORY_ANNOTATION } from './declared-usage.js';
export { SIMULATED_IMAGE_ID, simulatedContainerID } from './simulated-pod.js';
