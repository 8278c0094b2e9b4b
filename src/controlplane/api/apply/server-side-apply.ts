/**
 * Server-side apply (PATCH with `application/apply-patch+yaml`): the Apply path of
 * apimachinery's FieldManager — versioncheck.go, lastappliedupdater.go,
 * lastappliedmanager.go, skipnonapplied.go, managedfieldsupdater.go, stripmeta.go and
 * structuredmerge.go — over the structured-merge-diff port in this folder.
 */
import { gvkOf, type Gvk, type JsonObject } from '../../../core/index.js';
import { ApiError, badRequest } from '../errors.js';
import { applyConflictError } from './conflicts.js';
import { compare } from './compare.js';
import type { FieldSet } from './field-set.js';
import { goJsonEncode, isMap, jsonEqual, stripNulls } from './json-util.js';
import { decodeManagedFields, managerId, rfc3339, type Managed } from './managed-fields.js';
import {
  apiVersionOf,
  copyManaged,
  requestContext,
  stripMeta,
  withManagedFields,
  withoutManagedFields,
  type ResetFields,
} from './request-context.js';
import { SchemaMismatchError, toFieldSet } from './to-field-set.js';
import { recordUpdateOperation } from './update-managed-fields.js';
import { ConflictsError, recordApply, type UpdaterContext } from './updater.js';

/** kubectl's client-side apply record, migrated and kept in sync for manager `kubectl`. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ServerSideApplyRequest {
  /** the stored object; undefined when the apply creates it */
  live: JsonObject | undefined;
  /** the applied configuration, as sent */
  applied: JsonObject;
  /** the request's fieldManager (required) */
  manager: string;
  /** take ownership of conflicting fields (`--force-conflicts`) */
  force: boolean;
  gvk: Gvk;
  subresource?: 'status';
  now: Date;
  /** defaults to `defaultResetFields(subresource)` */
  resetFields?: ResetFields;
}

const gvkString = (g: Gvk) => `${g.group}/${g.version}, Kind=${g.kind}`;

function validate(req: ServerSideApplyRequest): void {
  if (!req.manager) throw badRequest('fieldManager is required for apply requests');
  const got = gvkOf(req.applied);
  if (got.group !== req.gvk.group || got.version !== req.gvk.version || got.kind !== req.gvk.kind) {
    throw badRequest(`invalid object type: ${gvkString(got)}`);
  }
  const mf = isMap(req.applied.metadata) ? req.applied.metadata.managedFields : undefined;
  if (mf !== undefined && mf !== null) throw badRequest('metadata.managedFields must be nil');
}

interface Attempt {
  readonly ctx: UpdaterContext;
  readonly live: JsonObject;
  readonly applied: JsonObject;
  readonly apiVersion: string;
  readonly id: string;
  readonly now: Date;
}

/** One apply over a copy of `managed`: the new object and managers, or ConflictsError. */
function attempt(a: Attempt, managed: Managed, force: boolean): { object: JsonObject; managed: Managed } {
  const m = copyManaged(managed);
  const merged = recordApply(a.ctx, a.live, a.applied, a.apiVersion, m.managers, a.id, force);
  stripMeta(m, a.id);
  const object = stripNulls(merged) as JsonObject;
  // A no-op apply keeps the stored object and the manager's previous timestamp.
  if (jsonEqual(object, a.live)) return { object: structuredClone(a.live), managed: m };
  m.times.set(a.id, rfc3339(a.now));
  return { object, managed: m };
}

/**
 * The fields kubectl's client-side apply recorded that still hold their recorded values:
 * `kubectl apply --server-side` (manager `kubectl`) may take these from
 * `kubectl-client-side-apply` without `--force-conflicts` (lastappliedmanager.go).
 */
function allowedFromLastApplied(
  ctx: UpdaterContext,
  live: JsonObject,
  apiVersion: string,
): FieldSet | undefined {
  const annotations =
    isMap(live.metadata) && isMap(live.metadata.annotations) ? live.metadata.annotations : {};
  const raw = annotations[LAST_APPLIED_ANNOTATION];
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    const last = JSON.parse(raw) as unknown;
    if (!isMap(last as JsonObject) || (last as JsonObject).apiVersion !== apiVersion) return undefined;
    const lastObj = last as JsonObject;
    const diff = compare(lastObj, live, ctx.shape);
    return toFieldSet(lastObj, ctx.shape)
      .difference(diff.modified)
      .difference(diff.added)
      .difference(diff.removed);
  } catch {
    return undefined;
  }
}

/** Keeps kubectl's annotation in step with what `kubectl` now applies (lastappliedupdater.go). */
function syncLastApplied(object: JsonObject, applied: JsonObject): void {
  const annotations = isMap(object.metadata) ? object.metadata.annotations : undefined;
  if (!isMap(annotations) || typeof annotations[LAST_APPLIED_ANNOTATION] !== 'string') return;
  if (annotations[LAST_APPLIED_ANNOTATION] === '') return;
  const record = structuredClone(applied);
  if (isMap(record.metadata) && isMap(record.metadata.annotations)) {
    delete record.metadata.annotations[LAST_APPLIED_ANNOTATION];
  }
  annotations[LAST_APPLIED_ANNOTATION] = goJsonEncode(record);
}

/**
 * Applies `applied` for `manager` and returns the object to store, its managedFields
 * updated, or throws ApiError: 409 Conflict (with FieldManagerConflict causes) when
 * other managers own fields it would change and `force` is false; 400 for a request
 * without a manager, of another kind or version, or carrying managedFields; 500 when
 * the object does not fit its list types (an item without its key).
 *
 * The manager then owns exactly the fields of `applied`; what it applied last time and
 * no longer does is removed unless another manager owns it. An object that was never
 * tracked first gives its fields to `before-first-apply` (an Update entry).
 */
export function serverSideApply(req: ServerSideApplyRequest): JsonObject {
  validate(req);
  const apiVersion = apiVersionOf(req.gvk);
  let managed: Managed;
  try {
    managed = decodeManagedFields(isMap(req.live?.metadata) ? req.live.metadata.managedFields : undefined);
  } catch (e) {
    throw new ApiError(500, 'InternalError', `failed to decode managed fields: ${(e as Error).message}`);
  }
  const ctx = requestContext(req.gvk, req.subresource, req.resetFields);
  const live = req.live ? withoutManagedFields(req.live) : {};
  const a: Attempt = {
    ctx,
    live,
    applied: req.applied,
    apiVersion,
    id: managerId({ manager: req.manager, operation: 'Apply', subresource: req.subresource }),
    now: req.now,
  };
  try {
    if (managed.managers.size === 0 && req.live) {
      const before = managerId({
        manager: 'before-first-apply',
        operation: 'Update',
        apiVersion,
        subresource: req.subresource,
      });
      recordUpdateOperation(ctx, {}, live, apiVersion, managed, before, req.now);
    }
    let result: { object: JsonObject; managed: Managed };
    try {
      result = attempt(a, managed, req.force);
    } catch (e) {
      if (!(e instanceof ConflictsError)) throw e;
      const allowed = req.manager === 'kubectl' ? allowedFromLastApplied(ctx, live, apiVersion) : undefined;
      if (!allowed) throw applyConflictError(e.conflicts);
      const remaining = e.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw applyConflictError(remaining);
      result = attempt(a, managed, true);
    }
    if (req.manager === 'kubectl') syncLastApplied(result.object, req.applied);
    return withManagedFields(result.object, result.managed);
  } catch (e) {
    if (e instanceof SchemaMismatchError) throw new ApiError(500, 'InternalError', e.message);
    throw e;
  }
}
