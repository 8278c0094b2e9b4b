/**
 * How health states aggregate, in gitops-engine's order (pkg/health/health.go,
 * `healthOrder`), from most to least healthy:
 *
 *   Healthy < Suspended < Progressing < Missing < Degraded < Unknown
 *
 * An application is as healthy as its least healthy object. `Suspended` ranks just above
 * Healthy: a paused object is intended, so it should not hold an application in
 * Progressing. `Missing` ranks above Progressing: an object that is not there at all is
 * further from done than one rolling out. `Unknown` is the worst: when an assessment
 * failed, nothing vouches for the object, so it must not hide behind a better verdict.
 */
import type { HealthCode, HealthStatus } from './types.js';

export const HEALTH_ORDER: readonly HealthCode[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

const rank = (code: HealthCode): number => HEALTH_ORDER.indexOf(code);

/** Negative when `a` is healthier than `b`, positive when worse, 0 when equal (for sorting). */
export function compareHealth(a: HealthCode, b: HealthCode): number {
  return rank(a) - rank(b);
}

/** True when `next` is a worse state than `current` (gitops-engine's `IsWorse`). */
export function isWorse(current: HealthCode, next: HealthCode): boolean {
  return rank(next) > rank(current);
}

/**
 * The least healthy of `statuses` (codes or assessments); `Healthy` for none, as an
 * application without objects is healthy in Argo CD.
 */
export function worstHealth(statuses: Iterable<HealthCode | HealthStatus>): HealthCode {
  let worst: HealthCode = 'Healthy';
  for (const s of statuses) {
    const code = typeof s === 'string' ? s : s.status;
    if (isWorse(worst, code)) worst = code;
  }
  return worst;
}
