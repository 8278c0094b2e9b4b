/**
 * Deployment health: gitops-engine's health_deployment.go, which follows `kubectl rollout
 * status` (kubectl/pkg/polymorphichelpers/rollout_status.go), messages included.
 *
 * 1. `spec.paused`: Suspended — paused on purpose, checked first as Argo CD does.
 * 2. `status.observedGeneration` < `metadata.generation`: Progressing — the controller has
 *    not seen the latest spec, so every count below describes an older one.
 * 3. Progressing condition with reason ProgressDeadlineExceeded: Degraded.
 * 4. The rollout's counts, as kubectl words them. With replicas 3 during an update:
 *    updated 1 → "1 out of 3 new replicas have been updated"; updated 3 with 4 pods in all
 *    → "1 old replicas are pending termination"; updated 3, available 2 → "2 of 3 updated
 *    replicas are available".
 * 5. Otherwise Healthy.
 * When not healthy and the context has pods, `cause` names the failing pod of the newest
 * ReplicaSet (pod-failure-cause.ts).
 */
import type { KubeObject } from '../../core/index.js';
import { podFailureCause } from './pod-failure-cause.js';
import { conditionsOf, findCondition, generationOf, num, objAt, specReplicas } from './read.js';
import type { HealthContext, HealthStatus } from './types.js';
import { verdict } from './verdict.js';

function rolloutHealth(d: KubeObject): HealthStatus {
  if (objAt(d, 'spec').paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  const status = objAt(d, 'status');
  if (generationOf(d) > num(status.observedGeneration)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  const progressing = findCondition(conditionsOf(status), 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      status: 'Degraded',
      message: `Deployment ${JSON.stringify(d.metadata?.name ?? '')} exceeded its progress deadline`,
    };
  }
  const wanted = specReplicas(d);
  const replicas = num(status.replicas);
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  const waiting = (what: string): HealthStatus => ({
    status: 'Progressing',
    message: `Waiting for rollout to finish: ${what}...`,
  });
  if (updated < wanted) return waiting(`${updated} out of ${wanted} new replicas have been updated`);
  if (replicas > updated) return waiting(`${replicas - updated} old replicas are pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available`);
  return { status: 'Healthy' };
}

export function deploymentHealth(d: KubeObject, context: HealthContext): HealthStatus {
  const health = rolloutHealth(d);
  if (health.status === 'Healthy' || health.status === 'Suspended' || !context.pods) return health;
  return verdict(health.status, health.message, podFailureCause(d, context.pods, context.replicaSets));
}
