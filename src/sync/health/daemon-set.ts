/**
 * DaemonSet health (gitops-engine's health_daemonset.go, after `kubectl rollout status`):
 * Progressing until the controller has observed the latest generation; with OnDelete,
 * Healthy from then on (pods are replaced only when deleted); otherwise Progressing until
 * every node's pod is updated and then available. With 3 nodes: "1 out of 3 new pods have
 * been updated...", then "2 of 3 updated pods are available...".
 */
import type { KubeObject } from '../../core/index.js';
import { generationOf, num, objAt, str } from './read.js';
import type { HealthContext, HealthStatus } from './types.js';
import { withOwnedPodsCause } from './with-cause.js';

function daemonSetVerdict(ds: KubeObject): HealthStatus {
  const status = objAt(ds, 'status');
  if (generationOf(ds) > num(status.observedGeneration)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    };
  }
  const desired = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  const available = num(status.numberAvailable);
  if (str(objAt(ds, 'spec', 'updateStrategy').type) === 'OnDelete') {
    return {
      status: 'Healthy',
      message: `daemon set ${updated} out of ${desired} new pods have been updated`,
    };
  }
  const name = JSON.stringify(ds.metadata?.name ?? '');
  if (updated < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  }
  return { status: 'Healthy' };
}

export function daemonSetHealth(ds: KubeObject, context: HealthContext): HealthStatus {
  return withOwnedPodsCause(ds, daemonSetVerdict(ds), context);
}
