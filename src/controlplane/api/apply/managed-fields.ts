/**
 * `metadata.managedFields` in and out (apimachinery pkg/util/managedfields/internal:
 * managedfields.go, conflict.go). Entries are keyed by a manager *identifier*: the JSON
 * of the entry without its fields and time — and, for appliers, without the apiVersion,
 * so one applier has one entry whatever version it applies:
 * `{"manager":"kubectl","operation":"Apply"}`,
 * `{"manager":"kubectl-edit","operation":"Update","apiVersion":"apps/v1"}`.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import { FieldSet } from './field-set.js';
import { compareStrings, isMap } from './json-util.js';
import type { Managers } from './updater.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

/** Who wrote fields: the identity part of a managedFields entry. */
export interface ManagerInfo {
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  /** kept for Update entries only */
  readonly apiVersion?: string;
  readonly subresource?: string;
}

/** Managers with the time of their last change (RFC 3339), by identifier. */
export interface Managed {
  readonly managers: Managers;
  readonly times: Map<string, string>;
}

/** The identifier of a manager, in Go's field order with empty fields left out. */
export function managerId(info: ManagerInfo): string {
  const id: JsonObject = { manager: info.manager, operation: info.operation };
  if (info.manager === '') delete id.manager;
  if (info.operation === 'Update' && info.apiVersion) id.apiVersion = info.apiVersion;
  if (info.subresource) id.subresource = info.subresource;
  return JSON.stringify(id);
}

function parseManagerId(id: string): ManagerInfo {
  const o = JSON.parse(id) as Record<string, string>;
  return {
    manager: o.manager ?? '',
    operation: o.operation as ManagedFieldsOperation,
    apiVersion: o.apiVersion,
    subresource: o.subresource,
  };
}

/** `2024-05-01T10:00:00Z`: RFC 3339 in UTC, whole seconds, as metav1.Time serialises. */
export const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/**
 * Whether a request's managedFields ask for a reset: an empty list, or a list of one
 * empty entry (`[]` or `[{}]`).
 */
export function isResetManagedFields(v: JsonValue | undefined): boolean {
  if (!Array.isArray(v)) return false;
  return v.length === 0 || (v.length === 1 && isMap(v[0]) && Object.keys(v[0]).length === 0);
}

/** Decodes managedFields; throws an Error naming the bad entry. Absent or null → empty. */
export function decodeManagedFields(entries: JsonValue | undefined): Managed {
  const managed: Managed = { managers: new Map(), times: new Map() };
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((e, i) => {
    if (!isMap(e)) throw new Error(`managed fields entry ${i} must be an object`);
    const { operation, apiVersion, fieldsType, manager, subresource, time } = e;
    if (operation !== 'Apply' && operation !== 'Update')
      throw new Error('operation must be `Apply` or `Update`');
    if (typeof apiVersion !== 'string' || apiVersion === '') throw new Error('apiVersion must not be empty');
    if (fieldsType === undefined || fieldsType === '')
      throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1')
      throw new Error(`invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`);
    const id = managerId({
      manager: typeof manager === 'string' ? manager : '',
      operation,
      apiVersion,
      subresource: typeof subresource === 'string' ? subresource : undefined,
    });
    const set =
      e.fieldsV1 === undefined || e.fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(e.fieldsV1);
    managed.managers.set(id, { set, apiVersion, applied: operation === 'Apply' });
    if (typeof time === 'string') managed.times.set(id, time);
    else managed.times.delete(id);
  });
  return managed;
}

// A stored object's managedFields are deep-frozen JSON that encoding produced: keep, for
// each set decoded from them, the fieldsV1 it came from, so that a manager the write leaves
// unchanged is not serialised again. (Keyed weakly by the set, which lives for one write;
// keeping decoded sets per stored version instead cost ~90 MB at 1,000 applications.)
const fieldsV1Of = new WeakMap<FieldSet, JsonObject>();

/** `decodeManagedFields` of a stored (deep-frozen) list, remembering each set's fieldsV1. */
export function decodeStoredManagedFields(entries: JsonValue | undefined): Managed {
  const managed = decodeManagedFields(entries);
  if (!Array.isArray(entries) || !Object.isFrozen(entries)) return managed;
  for (const e of entries) {
    if (!isMap(e) || !isMap(e.fieldsV1) || !Object.isFrozen(e.fieldsV1)) continue;
    const id = managerId({
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation as ManagedFieldsOperation,
      apiVersion: e.apiVersion as string,
      subresource: typeof e.subresource === 'string' ? e.subresource : undefined,
    });
    // a later entry of the same manager replaces an earlier one, here as in the decode
    const set = managed.managers.get(id)?.set;
    if (set) fieldsV1Of.set(set, e.fieldsV1);
  }
  return managed;
}

const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);

/**
 * The managedFields list, sorted as the API server sorts it: Apply before Update, then
 * oldest first, then by manager, apiVersion and subresource. Undefined when empty (the
 * API server then leaves the field out).
 */
export function encodeManagedFields(managed: Managed): JsonObject[] | undefined {
  if (managed.managers.size === 0) return undefined;
  const entries = [...managed.managers].map(([id, vs]) => {
    const info = parseManagerId(id);
    const entry: JsonObject = {};
    if (info.manager) entry.manager = info.manager;
    entry.operation = vs.applied ? 'Apply' : info.operation;
    entry.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    // a set decoded from a stored list serialises back to the (frozen) JSON it came from
    entry.fieldsV1 = fieldsV1Of.get(vs.set) ?? vs.set.toFieldsV1();
    if (info.subresource) entry.subresource = info.subresource;
    return entry;
  });
  const str = (e: JsonObject, k: string) => (typeof e[k] === 'string' ? (e[k] as string) : '');
  entries.sort(
    (p, q) =>
      compareStrings(str(p, 'operation'), str(q, 'operation')) ||
      seconds(str(p, 'time')) - seconds(str(q, 'time')) ||
      compareStrings(str(p, 'manager'), str(q, 'manager')) ||
      compareStrings(str(p, 'apiVersion'), str(q, 'apiVersion')) ||
      compareStrings(str(p, 'subresource'), str(q, 'subresource')),
  );
  return entries;
}

/**
 * A manager as conflict messages name it: `"kubectl"` for an applier,
 * `"kubectl-client-side-apply" using apps/v1` for an updater,
 * `"mgr" with subresource "status"` for a subresource applier.
 */
export function printManager(id: string): string {
  let info: ManagerInfo;
  try {
    info = parseManagerId(id);
  } catch {
    return JSON.stringify(id);
  }
  let s = JSON.stringify(info.manager);
  if (info.subresource) s += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === 'Update') s += ` using ${info.apiVersion ?? ''}`;
  return s;
}
