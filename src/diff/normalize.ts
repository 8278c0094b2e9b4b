/**
 * Normalization: what the API server sets by itself (uid, resourceVersion, managedFields,
 * status, …) never counts as drift, and neither do the fields an application's
 * `ignoreDifferences` excludes. Copy-on-write: an object with nothing to drop is returned
 * as it is, and otherwise only the maps on the way to what is dropped are copied — the
 * sync engine normalizes every object on every resync.
 */
import {
  idOf,
  isJsonObject,
  isSecret,
  type JsonObject,
  type KubeObject,
  type ResourceId,
} from '../core/index.js';
import { fieldsOf, managedFieldsEntries, type ManagedFieldsEntry } from './fields-v1.js';
import { matchingIgnores, removeOwned, removePointers, type IgnoreDifference } from './ignore.js';

/** `kubectl apply`'s copy of the applied manifest: not state, and for a Secret, its values in clear. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Set by the API server, never by a manifest. */
const serverSetMetadata = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

export interface NormalizeOptions {
  /** the application's exclusions; only the entries matching the object apply */
  ignoreDifferences?: readonly IgnoreDifference[];
  /**
   * the managedFields that `managedFieldsManagers` read; default: the object's own. A
   * desired object has none: pass the live object's so that both sides lose the same fields.
   */
  managedFields?: readonly ManagedFieldsEntry[];
}

/**
 * The object without server-set fields (metadata uid, resourceVersion, generation,
 * creationTimestamp, managedFields, selfLink, deletionTimestamp and
 * deletionGracePeriodSeconds; status; the last-applied annotation), a Secret's `stringData`
 * folded into `data` as the API server does, and the fields `ignoreDifferences` excludes.
 */
export function normalize(obj: KubeObject, options: NormalizeOptions = {}): KubeObject {
  const ignores = matchingIgnores(options.ignoreDifferences, idOf(obj));
  return applyIgnores(stripServerFields(obj), ignores, options.managedFields ?? managedFieldsEntries(obj));
}

/** Server-set fields removed, stringData folded (the first half of `normalize`). */
export function stripServerFields(obj: KubeObject): KubeObject {
  let out = obj;
  if ('status' in obj) {
    out = { ...obj };
    delete out.status;
  }
  const meta = obj.metadata;
  if (isJsonObject(meta)) {
    let m: JsonObject | undefined;
    for (const f of serverSetMetadata) {
      if (!(f in meta)) continue;
      m ??= { ...meta };
      delete m[f];
    }
    const annotations = meta.annotations;
    if (isJsonObject(annotations) && LAST_APPLIED_ANNOTATION in annotations) {
      m ??= { ...meta };
      const a = { ...annotations };
      delete a[LAST_APPLIED_ANNOTATION];
      if (Object.keys(a).length > 0) m.annotations = a;
      else delete m.annotations;
    }
    if (m) out = { ...out, metadata: m };
  }
  return isSecret(out) && 'stringData' in out ? foldStringData(out) : out;
}

/**
 * `stringData` is write-only: the API server merges it into `data`, base64-encoded, its keys
 * winning (https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data).
 * Folding the desired object the same way compares like with like.
 */
function foldStringData(secret: KubeObject): KubeObject {
  const out = { ...secret };
  const stringData = out.stringData;
  delete out.stringData;
  if (!isJsonObject(stringData)) return out;
  const data: JsonObject = isJsonObject(out.data) ? { ...out.data } : {};
  for (const [k, v] of Object.entries(stringData))
    data[k] = typeof v === 'string' ? Buffer.from(v, 'utf8').toString('base64') : v;
  out.data = data;
  return out;
}

/** The matched entries' pointers and managers' fields removed from `obj`. */
export function applyIgnores(
  obj: KubeObject,
  ignores: readonly IgnoreDifference[],
  managedFields: readonly ManagedFieldsEntry[],
): KubeObject {
  if (ignores.length === 0) return obj;
  let out = obj as unknown as JsonObject;
  const managers = new Set<string>();
  for (const e of ignores) {
    if (e.jsonPointers) out = removePointers(out, e.jsonPointers);
    for (const m of e.managedFieldsManagers ?? []) managers.add(m);
  }
  if (managers.size > 0) {
    const trusted = fieldsOf(managedFields, (e) => e.manager !== undefined && managers.has(e.manager));
    // the root is never a leaf, so something (at least `{}`) is left
    if (trusted) out = (removeOwned(out, trusted) ?? {}) as JsonObject;
  }
  return out as unknown as KubeObject;
}

/** Whose identity picks the `ignoreDifferences` entries for a pair: the live object's when there is one. */
export function pairId(desired: KubeObject | undefined, live: KubeObject | undefined): ResourceId {
  return idOf((live ?? desired)!);
}
