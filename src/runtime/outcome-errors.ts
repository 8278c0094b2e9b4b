/**
 * The three outcomes of a failed reconcile, as Flux's runtime distinguishes them
 * (fluxcd/pkg `runtime/errors`: Stalling, Waiting, and everything else):
 * - `StalledError`: retrying cannot help until the user changes something (an invalid
 *   manifest, a missing secret the object names). No retry; the key comes back when the
 *   object changes.
 * - `WaitingError`: not a failure, a known wait (a dependency not ready yet). Requeued after
 *   the given time, without growing the backoff.
 * - anything else is transient (a network error, a conflict): retried with backoff.
 */
import { CapstanError } from '../core/index.js';

/** Extra fields of an outcome error. */
export interface OutcomeErrorOptions {
  /** Stable code users may match on (defaults: `RECONCILE_STALLED`, `RECONCILE_WAITING`). */
  code?: string;
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** The user must act: the worker loop reports it and does not retry. */
export class StalledError extends CapstanError {
  /** PascalCase reason for the `Stalled` condition and the event, e.g. `InvalidKustomization`. */
  readonly reason: string;

  constructor(reason: string, message: string, options: OutcomeErrorOptions = {}) {
    super(options.code ?? 'RECONCILE_STALLED', message, { reason, ...options.data }, options.cause);
    this.name = 'StalledError';
    this.reason = reason;
  }
}

/** A known wait: the worker loop requeues the key after `requeueAfterMs`, not as a failure. */
export class WaitingError extends CapstanError {
  /** PascalCase reason for the `Ready=False` condition, e.g. `DependencyNotReady`. */
  readonly reason: string;
  readonly requeueAfterMs: number;

  constructor(reason: string, message: string, requeueAfterMs: number, options: OutcomeErrorOptions = {}) {
    super(
      options.code ?? 'RECONCILE_WAITING',
      message,
      { reason, requeueAfterMs, ...options.data },
      options.cause,
    );
    this.name = 'WaitingError';
    this.reason = reason;
    this.requeueAfterMs = requeueAfterMs;
  }
}

/** How the worker loop treats a thrown value. */
export type ErrorOutcome = 'stalled' | 'waiting' | 'transient';

/** Classifies a thrown value; anything that is not a Stalled or Waiting error is transient. */
export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof StalledError) return 'stalled';
  if (error instanceof WaitingError) return 'waiting';
  return 'transient';
}
