/**
 * Records which manager set which fields (metadata.managedFields) on writes that are
 * not server-side applies, through the apply module's field-set logic.
 */
import { gvkOf, type JsonObject } from '../../../core/index.js';
import { updateManagedFields } from '../apply/index.js';
import type { ResourceType } from '../types.js';

/** kube-apiserver names a manager that sent none after the client; ours default to this. */
const DEFAULT_MANAGER = 'unknown';

export function recordCreate(
  obj: JsonObject,
  manager: string | undefined,
  _type: ResourceType,
  now: Date,
): void {
  const out = updateManagedFields({
    old: undefined,
    updated: obj,
    manager: manager || DEFAULT_MANAGER,
    operation: 'Update',
    gvk: gvkOf(obj),
    now,
  });
  (obj.metadata as JsonObject).managedFields = (out.metadata as JsonObject).managedFields ?? [];
}

export function recordUpdate(
  old: JsonObject,
  obj: JsonObject,
  manager: string | undefined,
  _type: ResourceType,
  now: Date,
  subresource?: 'status' | 'scale',
): void {
  const out = updateManagedFields({
    old,
    updated: obj,
    manager: manager || DEFAULT_MANAGER,
    operation: 'Update',
    gvk: gvkOf(obj),
    subresource: subresource === 'status' ? 'status' : undefined,
    now,
  });
  (obj.metadata as JsonObject).managedFields = (out.metadata as JsonObject).managedFields ?? [];
}
