/**
 * Small JSON helpers for the apply engine: value kinds, deep equality, null stripping and
 * the Go `encoding/json` form of a value (for the last-applied annotation).
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';

export type ValueKind = 'map' | 'list' | 'scalar' | 'null';

export function kindOf(v: JsonValue): ValueKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'map' : 'scalar';
}

export const isMap = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of two JSON values (map key order does not matter, list order does). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => k in b && jsonEqual(a[k], b[k]));
}

/**
 * Drops `null` map values at any depth. Pruning leaves `null` where a map or list lost all
 * its items (structured-merge-diff's remove walker does), and the API server turns those
 * into absent fields when it converts back to its Go types: `labels: null` → no labels.
 */
export function stripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isMap(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
  return out;
}

/** Orders strings by code point, which is the byte order of their UTF-8 form (Go's `<`). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

// Go's encoder escapes these for safe embedding in HTML (json.Encoder's default).
const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };
const goString = (s: string) =>
  JSON.stringify(s)
    .replace(/[<>&]/g, (c) => HTML_ESCAPES[c]!)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/**
 * `json.NewEncoder(w).Encode(obj)` as the API server writes it into
 * `kubectl.kubernetes.io/last-applied-configuration`: map keys sorted, HTML characters
 * escaped, a trailing newline. `{"b":1,"a":"<x>"}` → `{"a":"\u003cx\u003e","b":1}\n`.
 */
export function goJsonEncode(v: JsonValue): string {
  const enc = (x: JsonValue): string => {
    if (x === null || typeof x === 'boolean' || typeof x === 'number') return JSON.stringify(x);
    if (typeof x === 'string') return goString(x);
    if (Array.isArray(x)) return `[${x.map(enc).join(',')}]`;
    const keys = Object.keys(x).sort(compareStrings);
    return `{${keys.map((k) => `${goString(k)}:${enc(x[k]!)}`).join(',')}}`;
  };
  return `${enc(v)}\n`;
}
