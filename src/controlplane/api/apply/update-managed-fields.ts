/**
 * managedFields for create, update and non-apply patch requests (the Update path of
 * apimachinery's FieldManager: skipnonapplied.go, capmanagers.go, managedfieldsupdater.go).
 */
import type { Gvk, JsonObject } from '../../../core/index.js';
import { isMap, jsonEqual } from './json-util.js';
import {
  decodeManagedFields,
  decodeStoredManagedFields,
  isResetManagedFields,
  managerId,
  rfc3339,
  type Managed,
} from './managed-fields.js';
import {
  apiVersionOf,
  requestContext,
  stripMeta,
  viewWithoutManagedFields,
  withManagedFields,
  type ResetFields,
} from './request-context.js';
import { SchemaMismatchError } from './to-field-set.js';
import { recordUpdate, type UpdaterContext } from './updater.js';

/** Update managers kept before the oldest are merged into `ancient-changes` entries. */
export const MAX_UPDATE_MANAGERS = 10;

export interface UpdateManagedFieldsRequest {
  /** the stored object; undefined on create */
  old: JsonObject | undefined;
  /** the object about to be stored (its managedFields are the request's) */
  updated: JsonObject;
  /** the request's fieldManager, or the user-agent prefix; '' → `unknown` */
  manager: string;
  operation?: 'Update';
  gvk: Gvk;
  subresource?: 'status' | 'scale';
  now: Date;
  /** defaults to `defaultResetFields(subresource)` */
  resetFields?: ResetFields;
}

/** Where the previous managedFields come from (internal/fieldmanager.go decodeLiveOrNew). */
function previousManaged(req: UpdateManagedFieldsRequest): Managed {
  const fromOld = () => {
    try {
      return decodeStoredManagedFields(isMap(req.old?.metadata) ? req.old.metadata.managedFields : undefined);
    } catch {
      return decodeManagedFields(undefined);
    }
  };
  // A subresource write cannot touch managedFields.
  if (req.subresource) return fromOld();
  const requested = isMap(req.updated.metadata) ? req.updated.metadata.managedFields : undefined;
  if (isResetManagedFields(requested)) return decodeManagedFields(undefined);
  // A client that sends managedFields edits them directly; one that drops them (or sends
  // garbage) keeps the stored ones.
  try {
    // most writers send back what they read: decode it as the stored list it equals
    const stored = isMap(req.old?.metadata) ? req.old.metadata.managedFields : undefined;
    const managed =
      stored !== undefined && jsonEqual(requested, stored)
        ? decodeStoredManagedFields(stored)
        : decodeManagedFields(requested);
    if (managed.managers.size > 0) return managed;
  } catch {
    // fall through
  }
  return fromOld();
}

/**
 * Records a change by updater `id`: it gains what it added or changed, keeps what it
 * had, and its timestamp moves only if it gained something. Mutates `managed`.
 */
export function recordUpdateOperation(
  ctx: UpdaterContext,
  before: JsonObject,
  after: JsonObject,
  apiVersion: string,
  managed: Managed,
  id: string,
  now: Date,
): void {
  // Computed as a stand-in manager first, as the API server does, so that "did this
  // request change anything" is "does the stand-in own anything".
  const self = 'current-operation';
  recordUpdate(ctx, before, after, apiVersion, managed.managers, self);
  stripMeta(managed, self);
  const gained = managed.managers.get(self);
  if (gained) {
    managed.managers.delete(self);
    const previous = managed.managers.get(id);
    managed.managers.set(id, { ...gained, set: previous ? gained.set.union(previous.set) : gained.set });
    managed.times.set(id, rfc3339(now));
  }
  capUpdateManagers(managed);
}

/**
 * Keeps at most MAX_UPDATE_MANAGERS Update entries: the oldest are merged, per
 * apiVersion, into an `ancient-changes` entry. With 11 updaters at apps/v1, the two
 * oldest become one `ancient-changes` entry, leaving 10.
 */
function capUpdateManagers(managed: Managed): void {
  const { managers, times } = managed;
  const updaters = [...managers].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  const secs = (id: string) => {
    const t = times.get(id);
    return t ? Math.floor(Date.parse(t) / 1000) || 0 : 0;
  };
  updaters.sort((a, b) => secs(a) - secs(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i]!;
    const vs = managers.get(id)!;
    const bucket = managerId({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managers.has(bucket)) {
      managers.set(bucket, managers.get(first)!);
      managers.delete(first);
    }
    managers.set(bucket, { ...vs, set: vs.set.union(managers.get(bucket)!.set) });
    managers.delete(id);
    length--;
    const t = times.get(id);
    if (t) times.set(bucket, t);
    else times.delete(bucket);
  }
}

/**
 * The object to store for a create, update or non-apply patch, with its managedFields
 * brought up to date: the manager owns every field it added or changed; other managers
 * lose the fields whose values changed; removed fields leave every set. A create gives
 * the creator everything it set. An existing object without managedFields stays
 * untracked, and `managedFields: [{}]` (or `[]`) in the request clears them.
 */
export function updateManagedFields(req: UpdateManagedFieldsRequest): JsonObject {
  const apiVersion = apiVersionOf(req.gvk);
  const id = managerId({
    manager: req.manager || 'unknown',
    operation: 'Update',
    apiVersion,
    subresource: req.subresource,
  });
  const managed = previousManaged(req);
  // shallow views: the field-set comparison only reads them, and `after` is returned
  // sharing all but its top level and metadata with `req.updated`
  const after = viewWithoutManagedFields(req.updated);
  if (managed.managers.size === 0 && req.old !== undefined) return after;
  const ctx = requestContext(req.gvk, req.subresource, req.resetFields);
  const before = req.old ? viewWithoutManagedFields(req.old) : {};
  try {
    recordUpdateOperation(ctx, before, after, apiVersion, managed, id, req.now);
  } catch (e) {
    // An object that does not fit its list types (validation rejects it later) keeps
    // the stored managedFields, as UpdateNoErrors does.
    if (!(e instanceof SchemaMismatchError)) throw e;
    const old = isMap(req.old?.metadata) ? req.old.metadata.managedFields : undefined;
    if (old !== undefined && isMap(after.metadata)) after.metadata.managedFields = structuredClone(old);
    return after;
  }
  return withManagedFields(after, managed);
}
