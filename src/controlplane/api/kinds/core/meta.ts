/**
 * ObjectMeta validation of the core/v1 kinds (pkg/apis/core/validation ValidateObjectMeta):
 * apimachinery's rules plus one of core's own — a finalizer without a '/' prefix must be one
 * of the standard names, so a typo like `kubernets` is caught instead of blocking deletion forever.
 */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import { invalid, type NameFn, validateObjectMeta } from '../validation.js';
import { arr, obj } from './util.js';

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** The standard-name check of core finalizers (validateKubeFinalizerName). */
export function validateKubeFinalizers(finalizers: JsonValue | undefined, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  for (const f of arr(finalizers).map(String))
    if (!f.includes('/') && !standardFinalizers.has(f))
      out.push(invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  return out;
}

/** validateObjectMeta for a core kind (with the update rules when `old` is set). */
export function validateCoreMeta(
  o: JsonObject,
  namespaced: boolean,
  nameFn: NameFn,
  old?: JsonObject,
): FieldCause[] {
  const out = validateObjectMeta(o, { namespaced, nameFn }, old);
  out.push(...validateKubeFinalizers(obj(o.metadata)?.finalizers, 'metadata.finalizers'));
  return out;
}
