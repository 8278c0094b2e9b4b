/**
 * Scalar typing as kustomize's replacements end up doing it. kustomize edits YAML nodes:
 * it copies only the *text* of the source into an existing scalar target, which keeps its
 * tag, and go-yaml v3 later decodes that text under the tag (the output's JSON round
 * trip). A field the replacement created has no tag, so its text is resolved like a plain
 * YAML scalar (`"4"` → `4`, `0644` → `420`, `null` → null). We work on JSON values, so
 * this file re-creates both decodings. Written by hand: core/yaml.ts resolves whole
 * documents with js-yaml and exports no scalar resolver.
 *
 * Behaviour checked against `kubectl kustomize` (v5.5): `yes` stays a string, `True` is a
 * boolean, `0x1F` into an int field gives 31, `abc` into an int field is an error
 * ("cannot decode !!str `abc` as a !!int"), an int fits a float field.
 */
import type { JsonValue } from '../../../core/object.js';

/** The YAML tags a scalar can carry after decoding. */
export type ScalarTag = 'str' | 'int' | 'float' | 'bool' | 'null' | 'timestamp';

/** A resolved scalar: its tag and its JSON value. */
export interface Resolved {
  tag: ScalarTag;
  value: JsonValue;
}

// go-yaml v3's resolve table: exact spellings decoded without further parsing.
const fixed = new Map<string, Resolved>();
for (const s of ['true', 'True', 'TRUE']) fixed.set(s, { tag: 'bool', value: true });
for (const s of ['false', 'False', 'FALSE']) fixed.set(s, { tag: 'bool', value: false });
for (const s of ['', '~', 'null', 'Null', 'NULL']) fixed.set(s, { tag: 'null', value: null });
for (const s of ['-0', '-0.0']) fixed.set(s, { tag: 'float', value: -0 });
const nonFinite = new Set(['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
for (const s of ['-.inf', '-.Inf', '-.INF']) nonFinite.add(s);

// Go's strconv.ParseInt with base 0 after underscores are dropped.
const goInt = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
// go-yaml's yamlStyleFloat.
const goFloat = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const dotFloat = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
// go-yaml v3 accepts "2006-1-2", "2006-1-2T15:4:5.999999999Z07:00" (t or T) and
// "2006-1-2 15:4:5.999999999"; Go's time.Parse reads one or two digits where the layout has one.
const timestamp =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?))?$/;

/** Thrown when text cannot be decoded under a tag; `message` is go-yaml's wording. */
export class ScalarDecodeError extends Error {}

/**
 * Resolves the text of an untagged (plain) scalar as go-yaml v3 would, then as its JSON
 * encoding would present it (timestamps become RFC 3339 strings).
 */
export function resolvePlain(text: string): JsonValue {
  return resolve(text, true).value;
}

/**
 * Decodes `text` under an existing scalar's tag, as go-yaml v3 does when kustomize
 * serializes a node whose text a replacement changed but whose tag it kept.
 */
export function decodeAs(tag: ScalarTag, text: string): JsonValue {
  if (tag === 'str' || tag === 'timestamp') return text;
  const r = resolve(text, false);
  if (r.tag === tag) return r.value;
  if (tag === 'float' && r.tag === 'int') return r.value;
  throw new ScalarDecodeError(`cannot decode !!${r.tag} \`${text}\` as a !!${tag}`);
}

/** The tag a JSON scalar had when it was read (integers are `int`, other numbers `float`). */
export function tagOf(value: JsonValue): ScalarTag {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      throw new Error('tagOf: not a scalar');
  }
}

/** The text of a JSON scalar, as the YAML node's value would read. */
export function scalarText(value: JsonValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

/** True for the JSON values YAML calls scalars. */
export function isScalar(value: JsonValue | undefined): value is string | number | boolean | null {
  return value === null || (typeof value !== 'object' && value !== undefined);
}

function resolve(text: string, allowTimestamp: boolean): Resolved {
  const known = fixed.get(text);
  if (known) return known;
  if (nonFinite.has(text)) {
    // go-yaml decodes these to ±Inf/NaN, which kustomize's JSON encoder then refuses.
    throw new ScalarDecodeError(`\`${text}\` decodes to a number JSON cannot hold`);
  }
  const c = text.charCodeAt(0);
  if (text[0] === '.') {
    if (dotFloat.test(text)) return { tag: 'float', value: parseFloat(text) };
    return { tag: 'str', value: text };
  }
  const digit = c >= 48 && c <= 57;
  if (!digit && text[0] !== '+' && text[0] !== '-') return { tag: 'str', value: text };
  if (allowTimestamp && digit) {
    const t = parseTimestamp(text);
    if (t !== undefined) return { tag: 'timestamp', value: t };
  }
  const plain = text.includes('_') ? text.replaceAll('_', '') : text;
  if (goInt.test(plain)) return { tag: 'int', value: parseGoInt(plain) };
  if (goFloat.test(plain)) {
    const f = parseFloat(plain);
    // Go's ParseFloat fails on overflow (1e400) and go-yaml then keeps the string.
    if (Number.isFinite(f)) return { tag: 'float', value: f };
  }
  return { tag: 'str', value: text };
}

function parseGoInt(s: string): number {
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  const p = s.slice(0, 2).toLowerCase();
  if (p === '0x') return sign * parseInt(s.slice(2), 16);
  if (p === '0o') return sign * parseInt(s.slice(2), 8);
  if (p === '0b') return sign * parseInt(s.slice(2), 2);
  if (s.length > 1 && s[0] === '0') return sign * parseInt(s.slice(1), 8);
  return sign * Number(s);
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const pad2 = (n: string) => n.padStart(2, '0');

/**
 * Go's time.Time JSON form of a YAML timestamp: RFC 3339 with nanoseconds, trailing zeros
 * trimmed, `Z` for a zero offset: `2024-1-2` → `2024-01-02T00:00:00Z`.
 */
function parseTimestamp(text: string): string | undefined {
  const m = timestamp.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined;
  const hh = m[4] ?? m[9] ?? '0';
  const mi = m[5] ?? m[10] ?? '0';
  const ss = m[6] ?? m[11] ?? '0';
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) return undefined;
  const frac = (m[7] ?? m[12] ?? '').slice(0, 9).replace(/0+$/, '');
  let zone = m[8] ?? 'Z';
  if (zone === '+00:00' || zone === '-00:00') zone = 'Z';
  return `${m[1]}-${pad2(m[2])}-${pad2(m[3])}T${pad2(hh)}:${pad2(mi)}:${pad2(ss)}${frac ? '.' + frac : ''}${zone}`;
}
