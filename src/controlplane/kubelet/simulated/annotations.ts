/**
 * The annotations that steer a simulated pod. They are read again on every sync, so a test
 * can change a pod's fate by updating it; a value that does not parse is ignored rather
 * than rejected, since the pod itself is valid and a real runtime would run it.
 */
import { isJsonObject, type JsonObject } from '../../../core/index.js';

/** Clock milliseconds from a container's start to its outcome (Ready, crash or exit). */
export const READY_AFTER_ANNOTATION = 'capstan.dev/simulate-ready-after-ms';
/** `readiness` (never Ready), `crash` (exit 1 and restart per policy) or `exit-0` (complete). */
export const FAIL_ANNOTATION = 'capstan.dev/simulate-fail';
/** Any value but `false`: a killed container exits only when the grace period is over. */
export const IGNORE_SIGTERM_ANNOTATION = 'capstan.dev/simulate-ignore-sigterm';

/** How a simulated app container's run ends. */
export type SimulatedFailure = 'readiness' | 'crash' | 'exit-0';

/** What the annotations ask of one pod. */
export interface Simulation {
  readyAfterMs: number;
  fail?: SimulatedFailure;
  ignoreSigterm: boolean;
}

const FAILURES: readonly string[] = ['readiness', 'crash', 'exit-0'] satisfies SimulatedFailure[];

/** Reads the simulation annotations of `pod`, with `defaultReadyAfterMs` when none is set. */
export function readSimulation(pod: JsonObject, defaultReadyAfterMs: number): Simulation {
  const meta = isJsonObject(pod.metadata) ? pod.metadata : {};
  const ann = isJsonObject(meta.annotations) ? meta.annotations : {};
  const after = ann[READY_AFTER_ANNOTATION];
  // Annotation values are strings in the API; `Number('')` is 0, so an empty one is ignored too.
  const parsed = typeof after === 'string' && after.trim() !== '' ? Number(after) : NaN;
  const fail = ann[FAIL_ANNOTATION];
  const sigterm = ann[IGNORE_SIGTERM_ANNOTATION];
  return {
    readyAfterMs: Number.isFinite(parsed) && parsed >= 0 ? parsed : defaultReadyAfterMs,
    ...(typeof fail === 'string' && FAILURES.includes(fail) ? { fail: fail as SimulatedFailure } : {}),
    ignoreSigterm: typeof sigterm === 'string' && sigterm !== 'false',
  };
}
