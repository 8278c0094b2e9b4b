/**
 * JSON exactly as Go's `encoding/json.Marshal` writes a `map[string]interface{}`, which is
 * what kustomize hashes. Written here because no library reproduces Go's output: map keys
 * sorted by their UTF-8 bytes, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c` …,
 * `\b`/`\f` short escapes (Go ≥ 1.22, kubectl 1.32 is built with it), ill-formed UTF-16
 * (lone surrogates, Go's invalid bytes) written as `\ufffd`.
 */
import type { JsonValue } from '../../../core/object.js';

// Characters JSON.stringify leaves alone but Go escapes.
const goOnlyEscapes = /[<>&\u2028\u2029]/g;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function escapeGoOnly(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

function wellFormedJsonString(s: string): string {
  // JSON.stringify already matches Go for `"`, `\`, \b \f \n \r \t and other controls
  // (`\u001f`, lowercase hex).
  return JSON.stringify(s).replace(goOnlyEscapes, escapeGoOnly);
}

/** Encodes one string as Go does (quotes included). */
export function goJsonString(s: string): string {
  if (!loneSurrogate.test(s)) return wellFormedJsonString(s);
  // A lone surrogate (only from a YAML `"\ud800"` escape) is, to Go, invalid UTF-8,
  // which it writes as the escaped replacement character.
  const pieces = s.split(loneSurrogate).map((p) => wellFormedJsonString(p).slice(1, -1));
  return '"' + pieces.join('\\ufffd') + '"';
}

/**
 * Orders strings as Go's `sort.Strings` does: by UTF-8 bytes, i.e. by code point. JS
 * compares UTF-16 code units, which disagree only when one side is a surrogate (a code
 * point above U+FFFF) and the other is in U+E000–U+FFFF; shifting those two ranges at
 * the first differing unit restores code-point order.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Encodes a JSON value as Go's `json.Marshal` would after decoding it into `interface{}`. */
export function goJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(goJson).join(',') + ']';
  const keys = Object.keys(value).sort(compareGoStrings);
  return '{' + keys.map((k) => goJsonString(k) + ':' + goJson(value[k])).join(',') + '}';
}
