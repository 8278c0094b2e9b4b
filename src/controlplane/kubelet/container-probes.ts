/**
 * Wires a running container's startup, readiness and liveness probes to its record:
 * startup passing sets `started` (and `ready` when there is no readiness probe), readiness
 * sets `ready`, and a failed startup or liveness probe kills the run with the probe's
 * terminationGracePeriodSeconds (else the pod's); the restart policy decides what follows.
 */
import type { Clock } from './clock.js';
import type { ContainerSpec } from './pod-spec.js';
import type { ContainerRecord } from './pod-status.js';
import { ProbeWorker } from './probe-worker.js';
import type { ProbeTarget } from './probe.js';

/** What the probes of one run need from the pod worker. */
export interface ProbeWiring {
  spec: ContainerSpec;
  rec: ContainerRecord;
  target: ProbeTarget;
  clock: Clock;
  startedAt: number;
  /** False once this run has exited or been replaced: late results are then ignored. */
  alive(): boolean;
  /** Kills this run; `graceSeconds` undefined means the pod's grace period. */
  kill(graceSeconds: number | undefined): void;
  emit(type: 'Normal' | 'Warning', reason: string, message: string): void;
  changed(): void;
}

/** Starts the probe workers of one run and returns them (to stop when the run ends). */
export function startProbes(w: ProbeWiring): ProbeWorker[] {
  const { spec: c, rec } = w;
  const started = () => rec.started;
  const fail = (what: string, grace: number | undefined, message?: string) => {
    if (!w.alive()) return;
    rec.ready = false;
    w.emit('Warning', 'Unhealthy', `${what} probe failed: ${message ?? ''}`.trim());
    w.emit('Normal', 'Killing', `Container ${c.name} failed ${what.toLowerCase()} probe, will be restarted`);
    w.changed();
    w.kill(grace);
  };
  const workers: ProbeWorker[] = [];
  const add = (
    kind: ProbeWorker['kind'],
    probe: ContainerSpec['startupProbe'],
    onResult: (ok: boolean, m?: string) => void,
  ) => {
    if (probe)
      workers.push(new ProbeWorker(kind, probe, w.target, w.clock, w.startedAt, { started, onResult }));
  };
  add('startup', c.startupProbe, (ok, message) => {
    if (!w.alive()) return;
    if (!ok) return fail('Startup', c.startupProbe?.terminationGracePeriodSeconds, message);
    rec.started = true;
    rec.ready = !c.readinessProbe;
    w.changed();
  });
  add('readiness', c.readinessProbe, (ok, message) => {
    if (!w.alive()) return;
    if (!ok) w.emit('Warning', 'Unhealthy', `Readiness probe failed: ${message ?? ''}`.trim());
    rec.ready = ok;
    w.changed();
  });
  add('liveness', c.livenessProbe, (ok, message) => {
    if (!ok) fail('Liveness', c.livenessProbe?.terminationGracePeriodSeconds, message);
  });
  return workers;
}
