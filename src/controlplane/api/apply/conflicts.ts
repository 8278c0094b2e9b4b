/**
 * Apply conflicts as the API server reports them (apimachinery managedfields
 * internal/conflict.go): 409, reason Conflict, one FieldManagerConflict cause per field.
 */
import { ApiError } from '../errors.js';
import type { FieldCause } from '../types.js';
import { compareStrings } from './json-util.js';
import { printManager } from './managed-fields.js';
import { pathString } from './path-element.js';
import type { Conflict } from './updater.js';

/**
 * The 409 for `conflicts`. One conflict:
 * `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`.
 * Several: grouped by manager (sorted by identifier), one `- path` line each:
 * `Apply failed with 2 conflicts: conflicts with "mgr" using apps/v1:\n- .spec.replicas\n- .spec.paused`.
 */
export function applyConflictError(conflicts: readonly Conflict[]): ApiError {
  const managers = [...new Set(conflicts.map((c) => c.manager))].sort(compareStrings);
  const ordered = managers.flatMap((m) => conflicts.filter((c) => c.manager === m));
  const causes: FieldCause[] = ordered.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (ordered.length === 1) {
    const c = ordered[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const lines = managers.flatMap((m) => [
      `conflicts with ${printManager(m)}:`,
      ...ordered.filter((c) => c.manager === m).map((c) => `- ${pathString(c.path)}`),
    ]);
    message = `Apply failed with ${ordered.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
