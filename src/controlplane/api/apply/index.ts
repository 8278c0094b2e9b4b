/**
 * Server-side apply and managedFields for the embedded API server, as pure functions:
 * a TypeScript port of the structured-merge-diff semantics kube-apiserver uses.
 */
import type { Gvk, JsonObject } from '../../../core/index.js';
import { requestContext, STRIPPED_FIELDS, type ResetFields } from './request-context.js';
import { toFieldSet } from './to-field-set.js';

export {
  serverSideApply,
  LAST_APPLIED_ANNOTATION,
  type ServerSideApplyRequest,
} from './server-side-apply.js';
export {
  updateManagedFields,
  MAX_UPDATE_MANAGERS,
  type UpdateManagedFieldsRequest,
} from './update-managed-fields.js';
export { defaultResetFields, type ResetFields } from './request-context.js';
export { FieldSet } from './field-set.js';
export { pathString, type FieldPath, type PathElement } from './path-element.js';
export { isResetManagedFields, rfc3339 } from './managed-fields.js';

/**
 * The fields an apply of `obj` would own, in FieldsV1 form:
 * `{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}}`.
 * Type and identity fields (apiVersion, kind, metadata.name, namespace, uid, …) are left
 * out, and so are the reset fields (status, for the main resource).
 * Throws when an associative-list item lacks its key.
 */
export function fieldSetOf(
  obj: JsonObject,
  gvk: Gvk,
  options: { subresource?: 'status'; resetFields?: ResetFields } = {},
): JsonObject {
  const ctx = requestContext(gvk, options.subresource, options.resetFields);
  return toFieldSet(obj, ctx.shape).recursiveDifference(ctx.reset).difference(STRIPPED_FIELDS).toFieldsV1();
}

/**
 * The manager of a request without `fieldManager`: the user agent up to its first `/`,
 * printable characters only, at most 128 (`kubectl/v1.32.0 (linux/amd64)` → `kubectl`).
 */
export function managerFromUserAgent(
  fieldManager: string | undefined,
  userAgent: string | undefined,
): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0]!;
  let out = '';
  for (const ch of prefix) {
    if (out.length >= 128) break;
    if (/\p{C}/u.test(ch)) continue;
    out += ch;
  }
  return out;
}
