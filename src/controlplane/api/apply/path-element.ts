/**
 * One step of a field path, as structured-merge-diff (fieldpath/element.go) defines it:
 * a field name (`f:replicas`), the key of an associative-list item
 * (`k:{"containerPort":80,"protocol":"TCP"}`), a set member (`v:"foreground"`), or a list
 * index (`i:0`; the API server never writes one, since lists are either atomic — owned as
 * a whole — or associative — owned per key or value).
 *
 * Written here rather than taken from a library: no JavaScript port of
 * structured-merge-diff exists.
 */
import type { JsonValue } from '../../../core/index.js';
import { compareStrings, kindOf } from './json-util.js';

/** A key field of an associative-list item: name and (scalar) value. */
export type KeyField = readonly [name: string, value: JsonValue];

export type PathElement =
  | { readonly field: string }
  | { readonly key: readonly KeyField[] }
  | { readonly value: JsonValue }
  | { readonly index: number };

export type FieldPath = readonly PathElement[];

/** A field-name element. */
export const fieldPE = (field: string): PathElement => ({ field });

/** A key element; fields are sorted by name as SMD sorts them (`value.FieldList.Sort`). */
export const keyPE = (fields: readonly KeyField[]): PathElement => ({
  key: [...fields].sort((a, b) => compareStrings(a[0], b[0])),
});

const kindRank = (pe: PathElement) => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);

const typeRank = (v: JsonValue): number => {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  return { list: 3, map: 4, null: 5, scalar: 6 }[kindOf(v)];
};

/** SMD's `value.Compare`: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number') return a === b ? 0 : a < (b as number) ? -1 : 1;
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a)) {
    const bl = b as JsonValue[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i]!, bl[i]!);
      if (c !== 0) return c;
    }
    return a.length - bl.length === 0 ? 0 : a.length < bl.length ? -1 : 1;
  }
  if (a === null) return 0;
  // Maps: by sorted keys, then values (SMD's MapCompare).
  const am = a as Record<string, JsonValue>;
  const bm = b as Record<string, JsonValue>;
  const ak = Object.keys(am).sort(compareStrings);
  const bk = Object.keys(bm).sort(compareStrings);
  for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
    const c = compareStrings(ak[i]!, bk[i]!) || compareValues(am[ak[i]!]!, bm[bk[i]!]!);
    if (c !== 0) return c;
  }
  return ak.length === bk.length ? 0 : ak.length < bk.length ? -1 : 1;
}

/** SMD's `PathElement.Compare`: fields < keys < values < indices, then by content. */
export function comparePE(a: PathElement, b: PathElement): number {
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if ('field' in a) return compareStrings(a.field, (b as { field: string }).field);
  if ('key' in a) {
    const bk = (b as { key: readonly KeyField[] }).key;
    for (let i = 0; i < Math.min(a.key.length, bk.length); i++) {
      const c = compareStrings(a.key[i]![0], bk[i]![0]) || compareValues(a.key[i]![1], bk[i]![1]);
      if (c !== 0) return c;
    }
    return a.key.length === bk.length ? 0 : a.key.length < bk.length ? -1 : 1;
  }
  if ('value' in a) return compareValues(a.value, (b as { value: JsonValue }).value);
  const bi = (b as { index: number }).index;
  return a.index === bi ? 0 : a.index < bi ? -1 : 1;
}

/**
 * The FieldsV1 form of an element, also its identity in maps:
 * `f:image`, `k:{"name":"app"}`, `v:"a"`, `i:3`.
 */
export function serializePE(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe)
    return `k:{${pe.key.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(',')}}`;
  if ('value' in pe) return `v:${JSON.stringify(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses `f:…`, `k:{…}`, `v:…`, `i:…`; throws on anything else. */
export function parsePE(s: string): PathElement {
  const rest = s.slice(2);
  switch (s.slice(0, 2)) {
    case 'f:':
      return { field: rest };
    case 'k:': {
      const obj = JSON.parse(rest) as JsonValue;
      if (kindOf(obj) !== 'map') throw new Error(`invalid key ${s}`);
      return keyPE(Object.entries(obj as Record<string, JsonValue>));
    }
    case 'v:':
      return { value: JSON.parse(rest) as JsonValue };
    case 'i:': {
      const index = Number(rest);
      if (!Number.isInteger(index)) throw new Error(`invalid index ${s}`);
      return { index };
    }
    default:
      throw new Error(`unknown path element ${JSON.stringify(s)}`);
  }
}

/** Go's `%q` for a string, `%v` for the rest — SMD's `value.ToString` on scalars. */
function valueString(v: JsonValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (typeof v === 'object')
    return Object.entries(v)
      .map(([k, x]) => `${k}=${valueString(x)}`)
      .join('');
  return String(v);
}

/**
 * The path as conflict messages print it (SMD `Path.String`):
 * `.spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"]`,
 * `.metadata.finalizers[="a"]`.
 */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      if ('field' in pe) return `.${pe.field}`;
      if ('key' in pe) return `[${pe.key.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
      if ('value' in pe) return `[=${valueString(pe.value)}]`;
      return `[${pe.index}]`;
    })
    .join('');
}
