/**
 * The three-way walk behind `compare`. Comparing a manifest with what the API server
 * returns would flag every default the server filled in (imagePullPolicy, strategy,
 * protocol, …). So, as kubectl diff and Argo CD's server-side diff effectively do, the live
 * object is looked at only where it matters:
 *
 * 1. where the desired object sets a field — a different live value is drift;
 * 2. where our manager owns a field (its `Apply` entry in `managedFields`) that the desired
 *    object no longer sets — server-side apply will remove it, unless another manager
 *    owns it too, so it is reported as a removal.
 *
 * Anything else in the live object (defaults, fields other managers set, such as an HPA's
 * `spec.replicas` or a `kubectl edit`) is left alone. Associative lists (containers by
 * name, ports by containerPort and protocol, env by name, …, from patch-meta or from the
 * `k:` keys in managedFields) are matched by key, sets (`v:`, finalizers) by value, and
 * every other list is atomic and compared as a whole.
 *
 * The walk also builds the *predicted* live object — live with the desired values and the
 * removals applied — that the human diff and the JSON patch show, so they show exactly the
 * drift found here. It copies only what differs: a walk that finds nothing allocates nothing
 * but its result.
 */
import {
  isJsonObject,
  patchField,
  type JsonObject,
  type JsonValue,
  type PatchField,
  type PatchType,
} from '../core/index.js';
import { formatPath, keyString, type FieldsNode, type PathElement } from './fields-v1.js';
import { covers, isEmptyMap, lastField, sameScalar } from './equality.js';
import { formatPointer } from './pointer.js';

/** One field that differs; values are as normalized (Secret values masked). */
export interface FieldDifference {
  /** readable: `.spec.template.spec.containers[name="web"].image` */
  path: string;
  /** RFC 6901 pointer into the live object (`/-` ends the pointer of a list element live lacks) */
  pointer: string;
  /** absent when live does not have the field */
  live?: JsonValue;
  /** absent for a removal */
  desired?: JsonValue;
}

export interface WalkResult {
  changed: FieldDifference[];
  removed: FieldDifference[];
  /** live with the drift corrected, sharing every unchanged part with live */
  predicted: JsonObject;
}

class Walker {
  readonly path: PathElement[] = [];
  readonly pointer: (string | number)[] = [];
  readonly changed: FieldDifference[] = [];
  readonly removed: FieldDifference[] = [];

  constructor(readonly others: readonly FieldsNode[]) {}

  push(pe: PathElement, segment: string | number): void {
    this.path.push(pe);
    this.pointer.push(segment);
  }

  pop(): void {
    this.path.pop();
    this.pointer.pop();
  }

  here(live: JsonValue | undefined, desired?: JsonValue): FieldDifference {
    const d: FieldDifference = { path: formatPath(this.path), pointer: formatPointer(this.pointer) };
    if (live !== undefined) d.live = live;
    if (desired !== undefined) d.desired = desired;
    return d;
  }

  change(live: JsonValue | undefined, desired: JsonValue): JsonValue {
    this.changed.push(this.here(live, desired));
    return desired;
  }

  /** The other managers' nodes at the current path. */
  othersHere(): FieldsNode[] {
    const out: FieldsNode[] = [];
    for (const o of this.others) {
      const n = o.at(this.path);
      if (n) out.push(n);
    }
    return out;
  }
}

/** Walks `desired` against `live` (both normalized); `owned` is our manager's fields, `others` everyone else's. */
export function walkThreeWay(
  desired: JsonObject,
  live: JsonObject,
  rootType: PatchType | undefined,
  owned: FieldsNode | undefined,
  others: readonly FieldsNode[],
): WalkResult {
  const w = new Walker(others);
  const predicted = walkMap(w, desired, live, rootType, owned);
  return { changed: w.changed, removed: w.removed, predicted };
}

function walkValue(
  w: Walker,
  d: JsonValue,
  l: JsonValue | undefined,
  field: PatchField | undefined,
  o: FieldsNode | undefined,
  keyFields?: readonly string[],
): JsonValue | undefined {
  if (isJsonObject(d)) {
    if (isJsonObject(l)) return walkMap(w, d, l, field?.type, o, keyFields);
    // an empty map sets nothing: the server may well drop it (`annotations: {}`)
    return l === undefined && isEmptyMap(d) ? l : w.change(l, d);
  }
  if (Array.isArray(d)) {
    if (Array.isArray(l)) return walkList(w, d, l, field, o);
    return l === undefined && d.length === 0 ? l : w.change(l, d);
  }
  return sameScalar(d, l, lastField(w.path, 1), lastField(w.path, 2)) ? l : w.change(l, d);
}

function walkMap(
  w: Walker,
  d: JsonObject,
  l: JsonObject,
  type: PatchType | undefined,
  o: FieldsNode | undefined,
  keyFields?: readonly string[],
): JsonObject {
  let out: JsonObject | undefined;
  for (const k in d) {
    const dv = d[k];
    // null sets nothing (`creationTimestamp: null` in generated manifests; the server defaults it anyway)
    if (dv === undefined || dv === null) continue;
    const lv = l[k];
    w.push({ field: k }, k);
    const p = walkValue(w, dv, lv, patchField(type, k), o?.field(k));
    w.pop();
    if (p !== lv) out = put(out ?? { ...l }, k, p);
  }
  if (o) {
    for (const element in o.raw) {
      // `f:` elements only, without slicing each name: this loop runs for every owned map
      if (element.charCodeAt(0) !== 102 /* f */ || element.charCodeAt(1) !== 58 /* : */) continue;
      const k = element.slice(2);
      // a list element's key fields stay with it (a defaulted `protocol` is not a removal)
      if (d[k] !== undefined || l[k] === undefined || isIdentity(w, k) || keyFields?.includes(k)) continue;
      w.push({ field: k }, k);
      const r = removeUnder(w, l[k], o.field(k)!);
      w.pop();
      if (r !== l[k]) out = put(out ?? { ...l }, k, r);
    }
  }
  return out ?? l;
}

function put(m: JsonObject, k: string, v: JsonValue | undefined): JsonObject {
  if (v === undefined) delete m[k];
  else m[k] = v;
  return m;
}

/** apiVersion, kind, metadata.name and namespace name the object: never "removed". */
function isIdentity(w: Walker, k: string): boolean {
  if (w.path.length === 0) return k === 'apiVersion' || k === 'kind';
  return w.path.length === 1 && w.pointer[0] === 'metadata' && (k === 'name' || k === 'namespace');
}

type ListKind = { type: 'keyed'; fields: readonly string[] } | { type: 'set' } | { type: 'atomic' };

function listKind(
  d: readonly JsonValue[],
  field: PatchField | undefined,
  o: FieldsNode | undefined,
): ListKind {
  const maps = d.every(isJsonObject);
  // the keys the server itself recorded win: they also cover custom resources' list-map-keys
  const keyFields = o?.keyFields();
  if (keyFields) return maps ? { type: 'keyed', fields: keyFields } : { type: 'atomic' };
  const meta = field?.meta;
  if (meta?.mergeKey && maps && d.every((item) => (item as JsonObject)[meta.mergeKey!] !== undefined))
    return { type: 'keyed', fields: meta.listMapKeys ?? [meta.mergeKey] };
  const scalars = d.every((v) => v === null || typeof v !== 'object');
  if (
    scalars &&
    ((meta && meta.strategy.startsWith('merge') && !meta.mergeKey) || (o && o.values().length > 0))
  )
    return { type: 'set' };
  return { type: 'atomic' };
}

function walkList(
  w: Walker,
  d: JsonValue[],
  l: JsonValue[],
  field: PatchField | undefined,
  o: FieldsNode | undefined,
): JsonValue[] {
  const kind = listKind(d, field, o);
  if (kind.type === 'atomic') return covers(d, l, undefined, undefined) ? l : (w.change(l, d) as JsonValue[]);
  return kind.type === 'set' ? walkSet(w, d, l, o) : walkKeyed(w, d, l, kind.fields, field, o);
}

/** The key fields of an item, for a readable path (`[name="web"]`). */
function pick(item: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const f of fields) if (item[f] !== undefined) out[f] = item[f];
  return out;
}

function walkKeyed(
  w: Walker,
  d: JsonValue[],
  l: JsonValue[],
  fields: readonly string[],
  field: PatchField | undefined,
  o: FieldsNode | undefined,
): JsonValue[] {
  const index = new Map<string, number>();
  l.forEach((item, i) => {
    if (isJsonObject(item)) index.set(keyString(item, fields), i);
  });
  const itemField: PatchField | undefined = field?.type ? { type: field.type } : undefined;
  const seen = new Set<string>();
  const appended: JsonValue[] = [];
  const dropped = new Set<number>();
  let out: JsonValue[] | undefined;
  let ownedSeen = 0;
  for (const item of d as JsonObject[]) {
    const key = keyString(item, fields);
    const fresh = !seen.has(key);
    seen.add(key);
    const j = index.get(key);
    const node = o?.keyedChild(item);
    if (node && fresh) ownedSeen++;
    w.push({ key: pick(item, fields) }, j ?? '-');
    if (j === undefined) appended.push(w.change(undefined, item));
    else {
      const p = walkValue(w, item, l[j], itemField, node, fields);
      if (p !== l[j]) (out ??= l.slice())[j] = p!;
    }
    w.pop();
  }
  // only elements we own that Git no longer has can be removals: none when every owned one was seen
  const candidates = o && o.keyedCount() > ownedSeen ? (o.keyed()?.entries ?? []) : [];
  for (const { key, node } of candidates) {
    const ks = keyString(key, fields);
    const j = index.get(ks);
    if (seen.has(ks) || j === undefined) continue;
    w.push({ key: pick(l[j] as JsonObject, fields) }, j);
    const r = removeUnder(w, l[j]!, node, fields);
    w.pop();
    if (r === undefined) dropped.add(j);
    else if (r !== l[j]) (out ??= l.slice())[j] = r;
  }
  return rebuild(l, out, dropped, appended);
}

function walkSet(w: Walker, d: JsonValue[], l: JsonValue[], o: FieldsNode | undefined): JsonValue[] {
  const index = new Map<string, number>();
  l.forEach((v, i) => index.set(JSON.stringify(v), i));
  const wanted = new Set<string>();
  const appended: JsonValue[] = [];
  const dropped = new Set<number>();
  for (const v of d) {
    const text = JSON.stringify(v);
    wanted.add(text);
    if (index.has(text)) continue;
    w.push({ value: v }, '-');
    appended.push(w.change(undefined, v));
    w.pop();
  }
  for (const { value, text, node } of o?.values() ?? []) {
    const j = index.get(text);
    if (wanted.has(text) || j === undefined) continue;
    w.push({ value }, j);
    if (removeUnder(w, l[j]!, node) === undefined) dropped.add(j);
    w.pop();
  }
  return rebuild(l, undefined, dropped, appended);
}

function rebuild(
  l: JsonValue[],
  out: JsonValue[] | undefined,
  dropped: ReadonlySet<number>,
  appended: readonly JsonValue[],
): JsonValue[] {
  if (!out && dropped.size === 0 && appended.length === 0) return l;
  const base = out ?? l;
  const kept = dropped.size === 0 ? base.slice() : base.filter((_, i) => !dropped.has(i));
  kept.push(...appended);
  return kept;
}

/**
 * What server-side apply leaves of the live value `l` at a path our manager owns (node `o`)
 * and the desired object no longer sets: undefined when the whole value goes. A member goes
 * whole unless another manager owns it or something below it; then, and for a mere prefix,
 * only our own fields below are taken — never the key fields of a list element that stays.
 */
function removeUnder(
  w: Walker,
  l: JsonValue,
  o: FieldsNode,
  keyFields: readonly string[] = [],
): JsonValue | undefined {
  const theirs = w.othersHere();
  if (o.isMember && theirs.length === 0) {
    w.removed.push(w.here(l));
    return undefined;
  }
  if (theirs.some((t) => t.isMember && isLeafNode(t))) return l;
  if (isJsonObject(l)) {
    let out: JsonObject | undefined;
    for (const k of o.fieldNames()) {
      if (l[k] === undefined || keyFields.includes(k)) continue;
      w.push({ field: k }, k);
      const r = removeUnder(w, l[k], o.field(k)!);
      w.pop();
      if (r !== l[k]) out = put(out ?? { ...l }, k, r);
    }
    return out ?? l;
  }
  if (Array.isArray(l)) {
    const keyed = o.keyed();
    const dropped = new Set<number>();
    let out: JsonValue[] | undefined;
    l.forEach((item, j) => {
      let node: FieldsNode | undefined;
      let pe: PathElement;
      if (keyed && isJsonObject(item)) {
        node = keyed.byKey.get(keyString(item, keyed.fields));
        pe = { key: pick(item, keyed.fields) };
      } else {
        node = o.child({ value: item });
        pe = { value: item };
      }
      if (!node) return;
      w.push(pe, j);
      const r = removeUnder(w, item, node, keyed?.fields);
      w.pop();
      if (r === undefined) dropped.add(j);
      else if (r !== item) (out ??= l.slice())[j] = r;
    });
    return rebuild(l, out, dropped, []);
  }
  return l;
}

function isLeafNode(n: FieldsNode): boolean {
  for (const element in n.raw) if (element !== '.') return false;
  return true;
}
