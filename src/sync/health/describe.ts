import type { HealthCause } from './types.js';

/**
 * A cause in one line, for rollback reasons, events and logs:
 * - `pod web-7d9f-x2x container web: readiness probe failing`
 * - `pod web-7d9f-x2x container web: CrashLoopBackOff (exit code 1)`
 * - `pod web-7d9f-x2x container web: liveness probe failing, CrashLoopBackOff (exit code 137)`
 * - `pod web-7d9f-x2x container web: ImagePullBackOff: Back-off pulling image "web:9"`
 * - `pod web-7d9f-x2x: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.`
 */
export function describeCause(cause: HealthCause): string {
  const subject = [cause.pod && `pod ${cause.pod}`, cause.container && `container ${cause.container}`]
    .filter(Boolean)
    .join(' ');
  const generic = cause.reason === 'NotReady' || cause.reason === 'Unhealthy';
  const parts: string[] = [];
  if (cause.probe) parts.push(`${cause.probe} probe failing`);
  if (cause.reason && !(generic && cause.probe))
    parts.push(cause.reason === 'NotReady' ? 'not ready' : cause.reason);
  let what = parts.join(', ') || 'not healthy';
  if (cause.exitCode !== undefined) what += ` (exit code ${cause.exitCode})`;
  else if (cause.message && !cause.probe) what += `: ${cause.message}`;
  return subject ? `${subject}: ${what}` : what;
}
