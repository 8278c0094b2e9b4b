/**
 * ReplicaSet health (gitops-engine's health_replicaset.go): Progressing until the
 * controller has observed the latest generation; Degraded while its ReplicaFailure
 * condition is True (pods cannot be created: a quota, an admission webhook), with that
 * condition's message; Progressing while fewer pods are available than wanted.
 */
import type { KubeObject } from '../../core/index.js';
import { conditionsOf, findCondition, generationOf, num, objAt, specReplicas } from './read.js';
import type { HealthContext, HealthStatus } from './types.js';
import { verdict } from './verdict.js';
import { withOwnedPodsCause } from './with-cause.js';

function replicaSetVerdict(rs: KubeObject): HealthStatus {
  const status = objAt(rs, 'status');
  if (generationOf(rs) > num(status.observedGeneration)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    };
  }
  const failure = findCondition(conditionsOf(status), 'ReplicaFailure');
  if (failure?.status === 'True') return verdict('Degraded', failure.message);
  const wanted = specReplicas(rs);
  const available = num(status.availableReplicas);
  if (available < wanted) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} out of ${wanted} new replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}

export function replicaSetHealth(rs: KubeObject, context: HealthContext): HealthStatus {
  return withOwnedPodsCause(rs, replicaSetVerdict(rs), context);
}
