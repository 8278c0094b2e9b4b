/**
 * Merges an applied configuration into a live object (SMD typed/merge.go with
 * `ruleKeepRHS`): maps merge field by field, associative lists merge item by item on
 * their keys, everything else (scalars, atomic lists and maps) is replaced.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import { isMap, kindOf } from './json-util.js';
import { fieldPE, pathString, serializePE, type PathElement } from './path-element.js';
import type { Shape } from './shape.js';
import { itemPE, SchemaMismatchError } from './to-field-set.js';

const isEmpty = (v: JsonValue | undefined) =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0);

/**
 * `live` with `config` merged in. A null in the config replaces a scalar but leaves a
 * non-empty live map or list alone (SMD reads it as an empty container).
 */
export function mergeValues(
  live: JsonValue | undefined,
  config: JsonValue | undefined,
  shape: Shape,
): JsonValue {
  return merge(live, config, shape, [])!;
}

function merge(
  l: JsonValue | undefined,
  r: JsonValue | undefined,
  shape: Shape,
  path: PathElement[],
): JsonValue | undefined {
  if (r === undefined) return l === undefined ? undefined : structuredClone(l);
  if (l === undefined) return structuredClone(r);
  const lk = kindOf(l);
  const rk = kindOf(r);
  const kind = lk === 'null' ? rk : rk === 'null' || rk === lk ? lk : 'mismatch';
  if (isEmpty(l) && isEmpty(r)) return structuredClone(r);
  if (kind === 'map' && !shape.atomicMap) {
    return mergeMaps(isMap(l) ? l : {}, isMap(r) ? r : {}, shape, path);
  }
  if (kind === 'list' && !shape.list.atomic) {
    return mergeLists(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], shape, path);
  }
  return structuredClone(r);
}

function mergeMaps(l: JsonObject, r: JsonObject, shape: Shape, path: PathElement[]): JsonObject {
  const out: JsonObject = {};
  for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
    const v = merge(l[k], r[k], shape.field(k), [...path, fieldPE(k)]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Items merge on their keys. Order, as SMD produces it: live items the config does not
 * mention keep their places; items in both follow the config's order; new items go
 * where the config puts them relative to shared ones.
 *
 * live `[a, b, c]`, config `[c, d, a]` → `[b, c, d, a]`: `b` stays first (unmentioned),
 * then the config's order `c, d, a` (shared `c` and `a`, new `d` between them).
 */
function mergeLists(l: JsonValue[], r: JsonValue[], shape: Shape, path: PathElement[]): JsonValue[] {
  const list = shape.list;
  if (list.atomic) return structuredClone(r);
  const item = shape.item();
  const peOf = (x: JsonValue, i: number) => itemPE(x, list, shape, path, i);
  const lPEs = l.map((x, i) => serializePE(peOf(x, i)));
  const rPEs = r.map((x, i) => serializePE(peOf(x, i)));
  const rItems = new Map<string, JsonValue>();
  rPEs.forEach((id, i) => {
    if (rItems.has(id))
      throw new SchemaMismatchError(path, `duplicate entries for key ${pathString([peOf(r[i]!, i)])}`);
    rItems.set(id, r[i]!);
  });
  // The first live item of a key is the one merged with the config's; live duplicates
  // the config does not mention are kept as they are.
  const lItems = new Map<string, JsonValue>();
  lPEs.forEach((id, i) => lItems.has(id) || lItems.set(id, l[i]!));

  const shared = rPEs.filter((id) => lItems.has(id));
  let nextShared = 0;
  const merged = new Set<string>();
  const out: JsonValue[] = [];
  const emit = (lv: JsonValue | undefined, rv: JsonValue | undefined, pe: PathElement) => {
    const v = merge(lv, rv, item, [...path, pe]);
    if (v !== undefined) out.push(v);
  };

  let li = 0;
  let ri = 0;
  while (li < l.length || ri < r.length) {
    if (li < l.length && ri < r.length) {
      const id = lPEs[li]!;
      if (id === rPEs[ri]) {
        merged.add(id);
        emit(lItems.get(id), rItems.get(id), peOf(r[ri]!, ri));
        li++;
        ri++;
        nextShared++;
        continue;
      }
      // A shared item that the config wants later: skip it here, it is merged when
      // the config reaches it.
      if (rItems.has(id) && nextShared < shared.length && shared[nextShared] !== id) {
        li++;
        continue;
      }
    }
    if (li < l.length) {
      const id = lPEs[li]!;
      if (!rItems.has(id)) {
        emit(l[li], undefined, peOf(l[li]!, li));
        li++;
        continue;
      }
      if (merged.has(id)) li++;
    }
    if (ri < r.length) {
      const id = rPEs[ri]!;
      merged.add(id);
      emit(lItems.get(id), rItems.get(id), peOf(r[ri]!, ri));
      ri++;
      if (nextShared < shared.length && shared[nextShared] === id) nextShared++;
    }
  }
  return out;
}
