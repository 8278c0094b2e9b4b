import type { KubeObject } from '../../core/index.js';
import { ownedPodsCause } from './pod-failure-cause.js';
import type { HealthContext, HealthStatus } from './types.js';
import { verdict } from './verdict.js';

/** `health` with the worst trouble of `owner`'s own pods as its cause, when not healthy. */
export function withOwnedPodsCause(
  owner: KubeObject,
  health: HealthStatus,
  context: HealthContext,
): HealthStatus {
  if (health.status === 'Healthy' || health.status === 'Suspended' || !context.pods) return health;
  return verdict(health.status, health.message, ownedPodsCause(owner, context.pods));
}
