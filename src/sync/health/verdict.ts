import type { HealthCause, HealthCode, HealthStatus } from './types.js';

/** A HealthStatus without empty fields, so that results compare and print cleanly. */
export function verdict(status: HealthCode, message?: string, cause?: HealthCause): HealthStatus {
  const out: HealthStatus = { status };
  if (message) out.message = message;
  if (cause && Object.keys(cause).length) out.cause = cause;
  return out;
}
