/**
 * Which failures the cluster causes and may cure by itself, without a new commit: the
 * caller tries the same revision again later instead of marking it failed. What the
 * revision itself causes (a refused object, an unhealthy rollout, a failed hook) is not.
 */
import { ClusterError } from '../cluster/types.js';

/**
 * True for a ClusterError that is the cluster's, not the revision's:
 * - 0: the API server could not be reached;
 * - 409 Conflict: another writer got there first;
 * - 429 throttling and any 5xx: the server is busy or failing;
 * - 404 on a write (apply, dry run, validation): the object's Namespace does not exist yet
 *   (`namespaces "app-0" not found`) or its kind is not served yet (a CRD not installed).
 */
export function isTransientWriteError(e: unknown): boolean {
  if (!(e instanceof ClusterError)) return false;
  return e.status === 0 || e.status === 404 || e.status === 409 || e.status === 429 || e.status >= 500;
}

/** As `isTransientWriteError`, for reads and deletes, where NotFound is an answer and not an error. */
export function isTransientReadError(e: unknown): boolean {
  return e instanceof ClusterError && e.status !== 404 && isTransientWriteError(e);
}
