/**
 * The API server's strategic merge patch (apimachinery `StrategicMergeMapPatch` with
 * MergeParallelList and IgnoreUnmatchedNulls), on plain JSON, for the embedded API
 * server's PATCH: `$patch`, `$retainKeys`, `$setElementOrder/<f>`,
 * `$deleteFromPrimitiveList/<f>`, unions of primitive lists with strategy merge.
 * Works in place on copies made by the caller.
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/strategicpatch/patch.go
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../core/object.js';
import { patchField, type PatchType } from '../core/patch-meta.js';
import {
  applySpecialElements,
  dedupeScalars,
  fail,
  noMergeKey,
  normalizeOrder,
  sliceElementType,
} from './apimachinery-list.js';

const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

/** Removes `$patch` maps (and list items) from a value the original did not have. */
function removeDirectives(v: JsonValue): [JsonValue, boolean] {
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const e of v) {
      const [x, keep] = removeDirectives(e);
      if (keep) out.push(x);
    }
    return [out, true];
  }
  if (isJsonObject(v)) {
    if ('$patch' in v) return [null, false];
    for (const k of Object.keys(v)) {
      const [x, keep] = removeDirectives(v[k]!);
      if (keep) v[k] = x;
      else delete v[k];
    }
  }
  return [v, true];
}

function discardNulls(v: JsonValue): void {
  if (Array.isArray(v)) v.forEach(discardNulls);
  else if (isJsonObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]!);
    }
  }
}

/** Strategy other than retainKeys (apimachinery's extractRetainKeysPatchStrategy). */
function mainStrategy(strategy: string | undefined): string {
  return (strategy ?? '').split(',').find((s) => s && s !== 'retainKeys') ?? '';
}

function typeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return isJsonObject(v) ? 'map' : typeof v;
}

function setPatched(original: JsonObject, key: string, patchV: JsonValue): void {
  discardNulls(patchV);
  const [v, keep] = removeDirectives(patchV);
  if (keep) original[key] = v;
  else delete original[key];
}

/** Merges `patch` into `original` (both owned by the caller); returns the result. */
export function mergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  type: PatchType | undefined,
  path: readonly string[],
): JsonObject {
  if ('$patch' in patch) {
    if (patch.$patch === 'replace') {
      delete patch.$patch;
      return patch;
    }
    if (patch.$patch === 'delete') return {};
    throw fail(`unknown patch type: ${String(patch.$patch)} in map ${JSON.stringify(patch)}`, path);
  }
  original ??= {};
  applyRetainKeys(original, patch, path);
  applySetElementOrder(original, patch, type, path);

  for (const rawKey of Object.keys(patch)) {
    if (!(rawKey in patch)) continue;
    const patchV = patch[rawKey]!;
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith('$deleteFromPrimitiveList')) {
      if (!rawKey.startsWith(DELETE_PRIMITIVE)) throw fail('invalid patch format of primitive list', path);
      key = rawKey.slice(DELETE_PRIMITIVE.length);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[key];
      continue;
    }
    const sub = [...path, key];
    if (!(key in original) || typeName(original[key]!) !== typeName(patchV)) {
      if (!isDeleteList) setPatched(original, key, patchV);
      continue;
    }
    const field = patchField(type, key);
    const origV = original[key]!;
    if (isJsonObject(origV)) {
      original[key] =
        mainStrategy(field?.meta?.strategy) === 'replace'
          ? patchV
          : mergeMap(origV, patchV as JsonObject, field?.type, sub);
    } else if (Array.isArray(origV)) {
      const strategy = mainStrategy(field?.meta?.strategy);
      original[key] =
        strategy === 'merge' || isDeleteList
          ? mergeSlice(
              origV,
              patchV as JsonValue[],
              field?.type,
              field?.meta?.mergeKey ?? '',
              isDeleteList,
              sub,
            )
          : (patchV as JsonValue[]);
    } else {
      const [v, keep] = removeDirectives(patchV);
      if (keep) original[key] = v;
      else delete original[key];
    }
  }
  return original;
}

function mergeSlice(
  original: JsonValue[],
  patch: JsonValue[],
  type: PatchType | undefined,
  mergeKey: string,
  isDeleteList: boolean,
  path: readonly string[],
): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType([original, patch], path);
  let merged: JsonValue[];
  if (kind !== 'map') {
    if (isDeleteList) {
      const gone = new Set<unknown>(patch);
      return original.filter((v) => !gone.has(v));
    }
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw fail('cannot merge lists without merge key', path);
    [original, patch] = applySpecialElements(original, patch, mergeKey, path);
    merged = [...original];
    for (const v of patch) {
      const m = v as JsonObject;
      if (!(mergeKey in m)) throw noMergeKey(m, mergeKey, path);
      const at = merged.findIndex((o) => {
        if (!isJsonObject(o)) throw fail('expected a map in the list', path);
        return mergeKey in o && o[mergeKey] === m[mergeKey];
      });
      if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, m, type, path);
      else merged.push(v);
    }
  }
  return normalizeOrder(merged, patch, original, mergeKey, kind, path);
}

/** `$retainKeys: [..]`: drop every other field of the original; the patch may set only those. */
function applyRetainKeys(original: JsonObject, patch: JsonObject, path: readonly string[]): void {
  if (!('$retainKeys' in patch)) return;
  const retain = patch.$retainKeys;
  delete patch.$retainKeys;
  if (!Array.isArray(retain)) throw fail('invalid patch format of retainKeys', path);
  const keep = new Set<unknown>(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k))
      throw fail(`invalid patch format of retainKeys: ${k} is not listed in $retainKeys`, path);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<field>`: merges that list now and orders it as the directive says. */
function applySetElementOrder(
  original: JsonObject,
  patch: JsonObject,
  type: PatchType | undefined,
  path: readonly string[],
): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER.slice(0, -1))) continue;
    if (!key.startsWith(SET_ORDER)) throw fail('invalid patch format of setElementOrder list', path);
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw fail(`${key} must be a list`, path);
    const field = key.slice(SET_ORDER.length);
    const sub = [...path, field];
    const origList = original[field];
    const patchList = patch[field];
    if (origList !== undefined && !Array.isArray(origList)) throw fail('expected a list', sub);
    if (patchList !== undefined && !Array.isArray(patchList)) throw fail('expected a list', sub);
    const meta = patchField(type, field);
    const mergeKey = meta?.meta?.mergeKey ?? '';
    validateOrder(patchList ?? [], order, mergeKey, sub);
    let merged: JsonValue[];
    if (origList !== undefined && patchList === undefined) merged = origList;
    else if (origList === undefined && patchList !== undefined)
      merged = removeDirectives(patchList)[0] as JsonValue[];
    else if (origList !== undefined && patchList !== undefined) {
      merged =
        mainStrategy(meta?.meta?.strategy) === 'merge'
          ? mergeSlice(origList, patchList, meta?.type, mergeKey, false, sub)
          : patchList;
    } else continue;
    const kind = sliceElementType([origList ?? [], patchList ?? []], sub);
    original[field] = normalizeOrder(merged, order, origList ?? [], mergeKey, kind, sub);
    delete patch[field];
  }
}

/** The patch list must follow the `$setElementOrder` list (deletions aside). */
function validateOrder(
  patchList: JsonValue[],
  order: JsonValue[],
  mergeKey: string,
  path: readonly string[],
) {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((p) => !(isJsonObject(p) && p.$patch === 'delete')) : patchList;
  const keyOf = (v: JsonValue) => {
    if (!mergeKey) return v;
    if (!isJsonObject(v)) throw fail('expected a map in the list', path);
    if (!(mergeKey in v)) throw noMergeKey(v, mergeKey, path);
    return v[mergeKey];
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isJsonObject(items[p]) && '$patch' in (items[p] as JsonObject)) {
      p++;
      continue;
    }
    if (keyOf(items[p]!) === keyOf(order[o]!)) p++;
    o++;
  }
  if (p < items.length)
    throw fail('the order of the patch list does not match its $setElementOrder list', path);
}
