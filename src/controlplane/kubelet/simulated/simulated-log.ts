/**
 * The log of a simulated container: no process writes one, so it is made up from what the
 * simulation does, enough for `kubectl logs` to show why the output is empty.
 */
import { FAIL_ANNOTATION, READY_AFTER_ANNOTATION } from './annotations.js';
import type { SimulatedPod, SimulatedSlot } from './simulated-pod.js';

function outcome(pod: SimulatedPod, slot: SimulatedSlot): string {
  if (slot.init) return 'completes at once (init containers always succeed)';
  const after = `after ${pod.sim.readyAfterMs} ms (${READY_AFTER_ANNOTATION})`;
  switch (pod.sim.fail) {
    case 'readiness':
      return `never becomes ready (${FAIL_ANNOTATION}: readiness)`;
    case 'crash':
      return `exits 1 ${after}`;
    case 'exit-0':
      return `exits 0 ${after}`;
    default:
      return `becomes ready ${after}`;
  }
}

/** The text of run `run` (0-based, as restartCount) of `slot`, optionally only its last lines. */
export function simulatedLog(
  pod: SimulatedPod,
  slot: SimulatedSlot,
  run: number,
  tailLines?: number,
): string {
  const v = pod.view;
  const lines = [
    `capstan: container ${slot.spec.name} of pod ${v.namespace}/${v.name} is simulated (run ${run}); no process runs`,
    `capstan: image ${slot.spec.image} is not run; the container ${outcome(pod, slot)}`,
  ];
  const kept = tailLines === undefined ? lines : lines.slice(Math.max(0, lines.length - tailLines));
  return kept.map((l) => `${l}\n`).join('');
}
