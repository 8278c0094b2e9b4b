/**
 * Removes the fields and list items of a set from a value (SMD typed/remove.go), which
 * is how an apply drops what its manager stopped applying.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import type { FieldSet } from './field-set.js';
import { isMap } from './json-util.js';
import { fieldPE, type PathElement } from './path-element.js';
import type { Shape } from './shape.js';
import { itemPE } from './to-field-set.js';

/**
 * `value` without the members of `set` (each with everything under it). A map or list
 * left with nothing becomes null — as in SMD; the caller strips those at the end.
 * Atomic lists and maps are never entered.
 *
 * `{spec: {replicas: 2, paused: true}}` minus `{.spec.paused}` → `{spec: {replicas: 2}}`.
 */
export function removeItems(value: JsonValue, set: FieldSet, shape: Shape): JsonValue {
  return remove(value, set, shape, []);
}

function remove(value: JsonValue, set: FieldSet, shape: Shape, path: PathElement[]): JsonValue {
  if (Array.isArray(value)) {
    const list = shape.list;
    if (value.length === 0 || list.atomic) return value;
    const out: JsonValue[] = [];
    value.forEach((item, i) => {
      const pe = itemPE(item, list, shape, path, i);
      if (set.has([pe])) return;
      const below = set.withPrefix(pe);
      out.push(below.isEmpty() ? item : remove(item, below, shape.item(), [...path, pe]));
    });
    return out.length > 0 ? out : null;
  }
  if (isMap(value)) {
    if (Object.keys(value).length === 0 || shape.atomicMap) return value;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const pe = fieldPE(k);
      if (set.has([pe])) continue;
      const below = set.withPrefix(pe);
      out[k] = below.isEmpty() ? v : remove(v, below, shape.field(k), [...path, pe]);
    }
    return Object.keys(out).length > 0 ? out : null;
  }
  return value;
}
