/**
 * The set of fields a value sets (SMD typed/tofieldset.go) and the path element of a list
 * item (typed/helpers.go). An applied configuration's field set is what its manager owns.
 */
import type { JsonValue } from '../../../core/index.js';
import { FieldSet } from './field-set.js';
import { isMap, kindOf } from './json-util.js';
import {
  fieldPE,
  keyPE,
  pathString,
  serializePE,
  type FieldPath,
  type KeyField,
  type PathElement,
} from './path-element.js';
import type { ListType, Shape } from './shape.js';

/** A value that does not fit its schema (an item without key fields, a map in a set, …). */
export class SchemaMismatchError extends Error {
  constructor(path: FieldPath, message: string) {
    super(`${pathString(path) || '.'}: ${message}`);
    this.name = 'SchemaMismatchError';
  }
}

/**
 * The element that names `item` in an associative list: `k:{…}` from its key fields
 * (a missing key takes its default, or is left out if it has none), `v:…` in a set.
 */
export function itemPE(
  item: JsonValue,
  list: ListType & { atomic: false },
  shape: Shape,
  at: FieldPath,
  i: number,
): PathElement {
  const fail = (why: string) => new SchemaMismatchError(at, `element ${i}: ${why}`);
  if (list.keys.length === 0) {
    const k = kindOf(item);
    if (k === 'map') throw fail("associative list without keys has an element that's a map type");
    if (k === 'list') throw fail('not supported: associative list with lists as elements');
    if (k === 'null') throw fail("associative list without keys has an element that's an explicit null");
    return { value: item };
  }
  if (item === null) throw fail('associative list with keys may not have a null element');
  if (!isMap(item)) throw fail('associative list with keys may not have non-map elements');
  const fields: KeyField[] = [];
  for (const name of list.keys) {
    const v = name in item ? item[name] : shape.keyDefault(name);
    if (v !== undefined) fields.push([name, v]);
  }
  if (fields.length === 0) {
    throw fail(
      `associative list with keys has an element that omits all key fields ${JSON.stringify(list.keys)} (and doesn't have default values for any key fields)`,
    );
  }
  return keyPE(fields);
}

/**
 * The fields `value` sets. Scalars, atomic lists and atomic maps are leaves; list items
 * are members themselves (`k:{"name":"app"}: {".": {}, …}`); a field whose value is null
 * or `{}` is a leaf; an empty associative list sets nothing.
 *
 * `{spec: {replicas: 2, template: {spec: {containers: [{name: 'app', image: 'x'}]}}}}` →
 * `.spec.replicas`, `.spec.template.spec.containers[name="app"]` and its `.name`, `.image`.
 */
export function toFieldSet(value: JsonValue, shape: Shape): FieldSet {
  const set = new FieldSet();
  walk(value, shape, [], set);
  return set;
}

function walk(value: JsonValue, shape: Shape, path: PathElement[], set: FieldSet): void {
  if (Array.isArray(value)) {
    const list = shape.list;
    if (list.atomic) {
      set.insert(path);
      return;
    }
    // A key seen twice is owned as a whole (live objects may hold duplicates).
    const pes = value.map((item, i) => itemPE(item, list, shape, path, i));
    const count = new Map<string, number>();
    for (const pe of pes) count.set(serializePE(pe), (count.get(serializePE(pe)) ?? 0) + 1);
    pes.forEach((pe, i) => {
      const itemPath = [...path, pe];
      if (count.get(serializePE(pe))! > 1) {
        set.insert(itemPath);
        return;
      }
      walk(value[i]!, shape.item(), itemPath, set);
      set.insert(itemPath);
    });
    return;
  }
  if (isMap(value)) {
    if (shape.atomicMap) {
      set.insert(path);
      return;
    }
    for (const [name, v] of Object.entries(value)) {
      const childPath = [...path, fieldPE(name)];
      walk(v, shape.field(name), childPath, set);
      if (v === null || (isMap(v) && Object.keys(v).length === 0)) set.insert(childPath);
    }
    return;
  }
  set.insert(path);
}
