/**
 * What both entry points (apply and update) share: the request's shape and reset fields,
 * the metadata fields no manager ever owns, and managedFields on and off an object.
 */
import type { Gvk, JsonObject, JsonValue } from '../../../core/index.js';
import { FieldSet } from './field-set.js';
import { isMap } from './json-util.js';
import { encodeManagedFields, type Managed } from './managed-fields.js';
import { fieldPE } from './path-element.js';
import { Shape } from './shape.js';
import type { UpdaterContext } from './updater.js';

/** Field paths (as field names from the root) that a request's managers never own. */
export type ResetFields = readonly (readonly string[])[];

/**
 * The API server's reset fields by default: a write to the main resource cannot change
 * status, a write to the status subresource cannot change spec (the strategies'
 * `GetResetFields`). Kinds without a status subresource should pass `[]`.
 */
export function defaultResetFields(subresource: string | undefined): ResetFields {
  return subresource === 'status' ? [['spec']] : [['status']];
}

const setOf = (paths: ResetFields) => FieldSet.of(...paths.map((p) => p.map(fieldPE)));

/** The updater context of one request. */
export function requestContext(
  gvk: Gvk,
  subresource: string | undefined,
  reset?: ResetFields,
): UpdaterContext {
  return { shape: Shape.root(gvk), reset: setOf(reset ?? defaultResetFields(subresource)) };
}

export const apiVersionOf = (gvk: Gvk): string => (gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);

/**
 * Fields never recorded as owned, whatever sets them (internal/stripmeta.go): the type,
 * the object's identity and the server-managed metadata. Exact paths: `metadata` itself
 * is stripped, `metadata.labels` is not.
 */
export const STRIPPED_FIELDS = FieldSet.of(
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  [fieldPE('metadata')],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => [fieldPE('metadata'), fieldPE(f)]),
);

/** Removes the stripped fields from one manager's set, and the manager if nothing is left. */
export function stripMeta(managed: Managed, id: string): void {
  const vs = managed.managers.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED_FIELDS);
  if (set.isEmpty()) managed.managers.delete(id);
  else managed.managers.set(id, { ...vs, set });
}

/** A deep copy of `obj` without `metadata.managedFields`. */
export function withoutManagedFields(obj: JsonObject): JsonObject {
  const copy = structuredClone(obj);
  if (isMap(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/**
 * `obj` without `metadata.managedFields`, copying only the top level and metadata: the
 * rest is shared with `obj`, so read it, do not change it (what the update path needs, and
 * cheaper than a deep copy of every object written).
 */
export function viewWithoutManagedFields(obj: JsonObject): JsonObject {
  if (!isMap(obj.metadata)) return { ...obj };
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

/** `obj` with `metadata.managedFields` set from `managed` (removed when there are none). */
export function withManagedFields(obj: JsonObject, managed: Managed): JsonObject {
  const entries = encodeManagedFields(managed);
  const metadata: JsonObject = isMap(obj.metadata) ? obj.metadata : {};
  if (entries) metadata.managedFields = entries as JsonValue;
  else delete metadata.managedFields;
  if (entries || isMap(obj.metadata)) obj.metadata = metadata;
  return obj;
}

/** A copy of the managers and times, so a failed attempt leaves the original intact. */
export const copyManaged = (m: Managed): Managed => ({
  managers: new Map(m.managers),
  times: new Map(m.times),
});
