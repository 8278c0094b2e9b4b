/**
 * Rolling-update fenceposts: how far above (`maxSurge`) and below (`maxUnavailable`)
 * `spec.replicas` a rollout may go, as deployment_util.go's ResolveFenceposts.
 */
import { CapstanError } from '../../../../core/index.js';
import type { Deployment, IntOrPercent } from '../types.js';

/**
 * An int-or-percent against `total`, as intstr.GetScaledValueFromIntOrPercent: a number is
 * itself; `"N%"` is N% of total, rounded up or down. 10 replicas, "25%": up → 3, down → 2.
 */
export function scaledValue(value: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(-?\d+)%$/.exec(value);
  if (!m)
    throw new CapstanError(
      'DEPLOYMENT_INVALID_INT_OR_PERCENT',
      `invalid value ${JSON.stringify(value)}: not an integer or percentage`,
      {
        value,
      },
    );
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * Resolves `maxSurge` and `maxUnavailable` together for `replicas` pods. Surge rounds up and
 * unavailability rounds down, so a percentage never blocks a rollout by rounding both to 0:
 * 10 replicas at 25%/25% → surge 3, unavailable 2. If both still come out 0 (1 replica,
 * surge 0, unavailable 1%), unavailable becomes 1 — Kubernetes' bet that surging might be
 * impossible (quota), while taking one pod down always is.
 */
export function resolveFenceposts(
  maxSurge: IntOrPercent | undefined,
  maxUnavailable: IntOrPercent | undefined,
  replicas: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true);
  let unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** `spec.replicas`, defaulted to 1 as the API server does. */
export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

// Missing fields take the API server's defaults (25%/25%), so an object that skipped
// defaulting still rolls out the way it would in a cluster.
function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge ?? '25%', ru.maxUnavailable ?? '25%', desiredReplicas(d));
}

/** Pods a rolling deployment may run above `spec.replicas`; 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

/**
 * Pods a rolling deployment may have unavailable, never more than `spec.replicas`; 0 for
 * Recreate and for a deployment scaled to 0.
 */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** The fewest available pods a rollout keeps: 10 replicas, maxUnavailable 2 → 8. */
export function minAvailable(d: Deployment): number {
  return isRollingUpdate(d) ? desiredReplicas(d) - maxUnavailable(d) : 0;
}
