/**
 * How a plain (unquoted) scalar reads, shared by the YAML readers (js-yaml in yaml.ts and
 * the block-style fast path in yaml-block.ts) and the writer (yaml-emit.ts, which quotes
 * what would read back as something else):
 * YAML 1.2 core nulls and booleans as go-yaml v3 reads them, Go-style numbers and
 * timestamps. One list of implicit types, so reading and writing cannot disagree.
 */
import jsYaml from 'js-yaml';

const isDigit = (c: number) => c >= 48 && c <= 57;

/** go-yaml only reads a plain scalar as a number when it starts like one: a cheap pre-check. */
function mayBeNumber(data: string): boolean {
  const c = data.charCodeAt(0);
  return isDigit(c) || c === 43 /* + */ || c === 45 /* - */ || c === 46; /* . */
}

/**
 * go-yaml v3 integers: underscores are dropped, then Go's ParseInt with base 0, so `0x1F`
 * is 31, `0o17` is 15, `0b101` is 5 and a leading zero means octal (`0644` is 420).
 * `09` is not an octal integer; the float rule below then reads it as 9.
 */
const goInt = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) =>
    mayBeNumber(data) &&
    /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(data.replaceAll('_', '')),
  construct: (data: string) => {
    let s = data.replaceAll('_', '');
    let sign = 1;
    if (s[0] === '-' || s[0] === '+') {
      if (s[0] === '-') sign = -1;
      s = s.slice(1);
    }
    const lower = s.toLowerCase();
    if (lower.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
    if (lower.startsWith('0o')) return sign * parseInt(s.slice(2), 8);
    if (lower.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
    if (s.length > 1 && s[0] === '0') return sign * parseInt(s.slice(1), 8);
    return sign * Number(s);
  },
  predicate: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
  represent: (v: unknown) => String(v),
});

/** Plain floats as go-yaml reads them; `.inf`/`.nan` are refused later (JSON cannot hold them). */
const goFloat = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string) =>
    mayBeNumber(data) &&
    // go-yaml leaves an out-of-range number (`1e400`) a string
    ((/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(data.replaceAll('_', '')) &&
      Number.isFinite(parseFloat(data.replaceAll('_', '')))) ||
      /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(data)),
  construct: (data: string) => {
    const s = data.replaceAll('_', '');
    if (/inf/i.test(s)) return s[0] === '-' ? -Infinity : Infinity;
    if (/nan/i.test(s)) return NaN;
    return parseFloat(s);
  },
  predicate: (v: unknown) => typeof v === 'number' && !Number.isInteger(v),
  represent: (v: unknown) => String(v),
});

/**
 * Unquoted timestamps: go-yaml decodes them to time.Time and JSON encodes that as
 * RFC 3339 with nanoseconds, trailing zeros trimmed: `2001-12-14t21:59:43.10-05:00` →
 * `"2001-12-14T21:59:43.1-05:00"`, `2002-12-14` → `"2002-12-14T00:00:00Z"`.
 */
const timestampPattern =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?))?$/;

const pad = (n: string, width = 2) => n.padStart(width, '0');

const goTimestamp = new jsYaml.Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string) => data.length >= 8 && isDigit(data.charCodeAt(0)) && timestampPattern.test(data),
  construct: (data: string) => {
    const m = timestampPattern.exec(data)!;
    const [, y, mo, d] = m;
    const hh = m[5] ?? m[10] ?? '0';
    const mi = m[6] ?? m[11] ?? '0';
    const ss = m[7] ?? m[12] ?? '0';
    const frac = (m[8] ?? m[13] ?? '').replace(/0+$/, '');
    let zone = m[9] ?? 'Z';
    if (zone === '+00:00' || zone === '-00:00') zone = 'Z';
    return `${y}-${pad(mo)}-${pad(d)}T${pad(hh)}:${pad(mi)}:${pad(ss)}${frac ? '.' + frac : ''}${zone}`;
  },
});

// js-yaml exports its built-in types at run time; its type declarations omit them
const builtin = (
  jsYaml as unknown as { types: Record<'null' | 'bool' | 'merge', InstanceType<typeof jsYaml.Type>> }
).types;

/** Plain-scalar types in the order they are tried (js-yaml tries a schema's implicit types in order). */
const implicitTypes = [builtin.null, builtin.bool, goInt, goFloat, goTimestamp, builtin.merge];

/** Parsing schema: YAML 1.2 core booleans and nulls (as go-yaml v3), Go-style numbers and timestamps. */
export const loadSchema = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: implicitTypes });

/** The `<<` merge key: a string wherever it is not a key. */
export const mergeKeyType = builtin.merge;

/**
 * What a plain (unquoted) scalar reads as: the first implicit type that claims it makes
 * the value, else it stays a string (js-yaml's order, so both readers agree).
 */
export function resolvePlainScalar(data: string): unknown {
  for (let i = 0; i < implicitTypes.length; i++) {
    const type = implicitTypes[i];
    if (type.resolve(data)) return type.construct(data);
  }
  return data;
}

/**
 * True when a plain scalar `data` reads back as this very string: no implicit type but the
 * merge key claims it (the YAML writer quotes what another type would take).
 */
export function readsAsString(data: string): boolean {
  for (const type of implicitTypes) {
    if (type !== mergeKeyType && type.resolve(data)) return false;
  }
  return true;
}
