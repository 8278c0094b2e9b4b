/**
 * What changed between two versions of an object, as field sets (SMD typed/compare.go).
 * Ownership moves on these sets: an update gains `added ∪ modified`, everyone loses
 * `removed`, and an apply conflicts where another manager owns `added ∪ modified`.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import { FieldSet } from './field-set.js';
import { isMap, jsonEqual, kindOf } from './json-util.js';
import { fieldPE, serializePE, type PathElement } from './path-element.js';
import type { Shape } from './shape.js';
import { itemPE } from './to-field-set.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares `before` and `after` (either may be undefined: create, delete). Leaves
 * (scalars, atomic lists and maps, and containers empty on both sides) are reported
 * when added, removed or changed; a map or list item that appears or disappears is
 * reported too, with all that is under it.
 *
 * `{labels: {a: '1'}}` → `{labels: {a: '2', b: '1'}}`: modified `.labels.a`, added `.labels.b`.
 * `{}` → `{labels: {a: '1'}}`: added `.labels` and `.labels.a`.
 */
export function compare(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  shape: Shape,
): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  visit(c, before, after, shape, []);
  return c;
}

/** Removes paths under the reset prefixes (status on the main resource, …) from each set. */
export function filterComparison(c: Comparison, reset: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(reset),
    modified: c.modified.recursiveDifference(reset),
    removed: c.removed.recursiveDifference(reset),
  };
}

const isEmptyContainer = (v: JsonValue | undefined) =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0);

function leaf(c: Comparison, l: JsonValue | undefined, r: JsonValue | undefined, path: PathElement[]): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!jsonEqual(l, r)) c.modified.insert(path);
}

function visit(
  c: Comparison,
  l: JsonValue | undefined,
  r: JsonValue | undefined,
  shape: Shape,
  path: PathElement[],
): void {
  // The kind comes from whichever side has a value; null stands for an empty container.
  const lk = l === undefined ? 'null' : kindOf(l);
  const rk = r === undefined ? 'null' : kindOf(r);
  const kind = lk === 'null' ? rk : rk === 'null' || rk === lk ? lk : 'mismatch';
  const bothEmpty = isEmptyContainer(l) && isEmptyContainer(r);
  if (kind === 'map' && !shape.atomicMap && !bothEmpty) {
    visitMap(c, isMap(l) ? l : {}, isMap(r) ? r : {}, shape, path, l !== undefined, r !== undefined);
  } else if (kind === 'list' && !shape.list.atomic && !bothEmpty) {
    visitList(c, Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], shape, path);
  } else {
    leaf(c, l, r, path);
    return;
  }
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

function visitMap(
  c: Comparison,
  l: JsonObject,
  r: JsonObject,
  shape: Shape,
  path: PathElement[],
  lHere: boolean,
  rHere: boolean,
): void {
  const keys = new Set([...Object.keys(l), ...Object.keys(r)]);
  for (const k of keys) {
    let lv: JsonValue | undefined = l[k];
    let rv: JsonValue | undefined = r[k];
    // A field Go objects never lack (see Shape.alwaysPresent) is empty, not absent, on
    // the side that lacks it, so that an update does not gain the field itself.
    if (shape.alwaysPresent(k)) {
      const empty = (v: JsonValue | undefined): JsonValue | undefined =>
        Array.isArray(v) ? [] : isMap(v) ? {} : undefined;
      if (lv === undefined && lHere) lv = empty(rv);
      if (rv === undefined && rHere) rv = empty(lv);
    }
    visit(c, lv, rv, shape.field(k), [...path, fieldPE(k)]);
  }
}

function visitList(c: Comparison, l: JsonValue[], r: JsonValue[], shape: Shape, path: PathElement[]): void {
  const list = shape.list;
  if (list.atomic) return;
  // Items grouped by key; a key held twice on a side is compared as a whole.
  const order: PathElement[] = [];
  const groups = new Map<string, { l: JsonValue[]; r: JsonValue[] }>();
  const index = (items: JsonValue[], side: 'l' | 'r') =>
    items.forEach((item, i) => {
      const pe = itemPE(item, list, shape, path, i);
      const id = serializePE(pe);
      let g = groups.get(id);
      if (!g) {
        g = { l: [], r: [] };
        groups.set(id, g);
        order.push(pe);
      }
      g[side].push(item);
    });
  index(l, 'l');
  index(r, 'r');
  for (const pe of order) {
    const g = groups.get(serializePE(pe))!;
    const itemPath = [...path, pe];
    if (g.l.length <= 1 && g.r.length <= 1) {
      visit(c, g.l[0], g.r[0], shape.item(), itemPath);
    } else if (g.l.length >= 2 && g.r.length >= 2) {
      if (!jsonEqual(g.l, g.r)) c.modified.insert(itemPath);
    } else if (g.l.length >= 2) {
      if (g.r.length !== 0) visit(c, undefined, g.r[0], shape.item(), itemPath);
      c.removed.insert(itemPath);
    } else {
      if (g.l.length !== 0) visit(c, g.l[0], undefined, shape.item(), itemPath);
      c.added.insert(itemPath);
    }
  }
}
