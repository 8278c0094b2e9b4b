/**
 * List merging of the API server's strategic merge patch (apimachinery strategicpatch):
 * `$patch` elements, element merge by key, primitive unions, and the element order it
 * produces — patch items in patch order, interleaved with server-only items kept in their
 * live order. Example: live [a, b, d], patch [c, a] → [c, a, b, d].
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/strategicpatch/patch.go
 */
import { CapstanError } from '../core/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../core/object.js';

/** A MERGE_INVALID_PATCH error located at `path`. */
export const fail = (message: string, path: readonly string[]) =>
  new CapstanError('MERGE_INVALID_PATCH', `${path.join('.') || '(root)'}: ${message}`, {
    path: path.join('.'),
  });

export type ElementKind = 'map' | 'string' | 'number' | 'boolean' | 'null';

function elementKind(v: JsonValue): ElementKind | 'list' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isJsonObject(v)) return 'map';
  return typeof v as 'string' | 'number' | 'boolean';
}

/** The one element type of the lists; errors as apimachinery does on mixed or nested lists. */
export function sliceElementType(lists: readonly JsonValue[][], path: readonly string[]): ElementKind {
  let kind: ElementKind | undefined;
  for (const l of lists) {
    for (const v of l) {
      const k = elementKind(v);
      if (k === 'list') throw fail('lists of lists are not supported', path);
      if (kind !== undefined && kind !== k) throw fail('list element types are not identical', path);
      kind = k;
    }
  }
  if (kind === undefined) throw fail('no elements in any of the given slices', path);
  return kind;
}

/** apimachinery's ErrNoMergeKey. */
export function noMergeKey(m: JsonObject, key: string, path: readonly string[]): CapstanError {
  return fail(`list element ${JSON.stringify(m)} does not contain declared merge key: ${key}`, path);
}

const keyOf = (v: JsonValue, mergeKey: string, kind: ElementKind): unknown =>
  kind === 'map' ? (isJsonObject(v) ? v[mergeKey] : undefined) : v;

/** First index of each key value (apimachinery's `index`, made O(1) per lookup). */
function indexer(list: readonly JsonValue[], mergeKey: string, kind: ElementKind): (v: JsonValue) => number {
  const first = new Map<unknown, number>();
  list.forEach((v, i) => {
    const k = keyOf(v, mergeKey, kind);
    if (!first.has(k)) first.set(k, i);
  });
  return (v) => first.get(keyOf(v, mergeKey, kind)) ?? -1;
}

/** apimachinery's normalizeSliceOrder: sort by `order`, `$patch: delete` items last. */
function sortByOrder(
  toSort: JsonValue[],
  order: readonly JsonValue[],
  mergeKey: string,
  kind: ElementKind,
  path: readonly string[],
): JsonValue[] {
  let toDelete: JsonValue[] = [];
  if (kind === 'map') {
    for (const item of [...toSort, ...order]) {
      if (!isJsonObject(item)) throw fail('expected a map in the list', path);
      if (!(mergeKey in item)) throw noMergeKey(item, mergeKey, path);
    }
    const keep: JsonValue[] = [];
    for (const v of toSort) ((v as JsonObject).$patch === 'delete' ? toDelete : keep).push(v);
    toSort = keep;
  } else {
    toDelete = [];
  }
  const idx = indexer(order, mergeKey, kind);
  const at = toSort.map(idx);
  let sorted: JsonValue[];
  if (at.every((i) => i >= 0)) {
    sorted = toSort
      .map((v, i) => [v, at[i]!] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([v]) => v);
  } else {
    // Go's stable sort with apimachinery's comparator (an item not found is "less"): for
    // such inputs only an insertion sort reproduces it.
    sorted = [...toSort];
    const less = (a: JsonValue, b: JsonValue) => {
      const ia = idx(a);
      const ib = idx(b);
      return ia >= 0 && ib >= 0 ? ia < ib : true;
    };
    for (let i = 1; i < sorted.length; i++) {
      for (let j = i; j > 0 && less(sorted[j]!, sorted[j - 1]!); j--) {
        [sorted[j], sorted[j - 1]] = [sorted[j - 1]!, sorted[j]!];
      }
    }
  }
  return [...sorted, ...toDelete];
}

/** Inserts server-only items among the patch items, by their live order where both are live. */
function mergeSorted(
  left: JsonValue[],
  right: JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: ElementKind,
) {
  const idx = indexer(serverOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = idx(left[i]!);
      const ri = idx(right[j]!);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

/** Orders a merged list: items present in the patch follow the patch, the rest the live list. */
export function normalizeOrder(
  merged: JsonValue[],
  patch: readonly JsonValue[],
  original: readonly JsonValue[],
  mergeKey: string,
  kind: ElementKind,
  path: readonly string[],
): JsonValue[] {
  const patchItems: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  if (!mergeKey) {
    const inPatch = new Set<unknown>(patch);
    for (const v of merged) (inPatch.has(v) ? patchItems : serverOnly).push(v);
  } else {
    const patchKeys = new Set<unknown>();
    for (const p of patch) {
      if (!isJsonObject(p)) throw fail('expected a map in the list', path);
      if (mergeKey in p) patchKeys.add(p[mergeKey]);
    }
    for (const v of merged) {
      if (!isJsonObject(v)) throw fail('expected a map in the list', path);
      if (!(mergeKey in v)) throw noMergeKey(v, mergeKey, path);
      (patchKeys.has(v[mergeKey]) ? patchItems : serverOnly).push(v);
    }
  }
  const p = sortByOrder(patchItems, patch, mergeKey, kind, path);
  const s = sortByOrder(serverOnly, original, mergeKey, kind, path);
  return mergeSorted(s, p, original, mergeKey, kind);
}

/** apimachinery's deduplicateScalars, swap-with-last included (the order is normalized later). */
export function dedupeScalars(s: JsonValue[]): JsonValue[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length]!;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/** Applies `$patch: delete|replace` elements; returns the new live list and the plain patch items. */
export function applySpecialElements(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  path: readonly string[],
): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!('$patch' in m)) {
      plain.push(v);
      continue;
    }
    switch (m.$patch) {
      case 'delete':
        if (!(mergeKey in m)) throw noMergeKey(m, mergeKey, path);
        original = original.filter((o) => {
          if (!isJsonObject(o)) throw fail('expected a map in the list', path);
          return !(mergeKey in o && o[mergeKey] === m[mergeKey]);
        });
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw fail('merging lists cannot yet be specified in the patch', path);
      default:
        throw fail(`unknown patch type: ${String(m.$patch)} in ${JSON.stringify(m)}`, path);
    }
  }
  return replace ? [plain, []] : [original, plain];
}
