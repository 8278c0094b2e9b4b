/**
 * YAML in and out with the value semantics of kustomize (go-yaml v3 decoding followed by a
 * JSON round trip) — see ../shared/notes/kustomize-behaviour.md, "Output".
 *
 * Built on js-yaml rather than the `yaml` package: on this 2-core machine js-yaml parses
 * 4 MB of manifests in ~110 ms where `yaml` takes ~1.5 s, which alone would break the
 * renderer's 1 s budget for 6,000 resources.
 */
import jsYaml from 'js-yaml';
import { CapstanError } from './errors.js';
import { emitYaml, emitYamlDocuments } from './yaml-emit.js';
import type { JsonValue } from './object.js';

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

/** Parsing schema: YAML 1.2 core booleans and nulls (as go-yaml v3), Go-style numbers and timestamps. */
const loadSchema = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [builtin.null, builtin.bool, goInt, goFloat, goTimestamp, builtin.merge],
});

/** Limits that keep hostile input (alias bombs, huge files) from exhausting the process. */
export interface YamlLimits {
  /** bytes in one file */
  maxBytes: number;
  /** JSON nodes produced by expanding aliases in one file */
  maxAliasNodes: number;
}

export const defaultYamlLimits: YamlLimits = { maxBytes: 64 * 1024 * 1024, maxAliasNodes: 1_000_000 };

/**
 * Parses a multi-document YAML (or JSON) stream into JSON values. Empty documents are
 * skipped. Errors name the file and the line.
 */
export function parseYamlDocuments(
  text: string,
  file: string,
  limits: YamlLimits = defaultYamlLimits,
): JsonValue[] {
  // a UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when the text may be too large
  const bytes = text.length * 3 > limits.maxBytes ? Buffer.byteLength(text, 'utf8') : text.length;
  if (bytes > limits.maxBytes) {
    throw new CapstanError(
      'YAML_TOO_LARGE',
      `${file}: file is ${bytes} bytes, more than the limit of ${limits.maxBytes}`,
      { file },
    );
  }
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, undefined, { schema: loadSchema, filename: file });
  } catch (e) {
    throw yamlError(e, file);
  }
  // Aliases come back as shared references; give every document a tree of its own so that
  // later in-place edits never leak between places (and bound alias-bomb expansion).
  const mayHaveAliases = text.includes('&');
  const out: JsonValue[] = [];
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    try {
      out.push(
        mayHaveAliases
          ? materialize(doc, file, { left: limits.maxAliasNodes, limit: limits.maxAliasNodes })
          : checkNumbers(doc, file),
      );
    } catch (e) {
      const at =
        e instanceof CapstanError && e.code === 'YAML_UNSUPPORTED_VALUE' ? findNonFinite(doc, '') : undefined;
      if (at === undefined) throw e;
      throw new CapstanError(
        'YAML_UNSUPPORTED_VALUE',
        `${file}: field ${at}: .inf and .nan cannot be represented in JSON`,
        {
          file,
          field: at,
        },
      );
    }
  }
  return out;
}

/** Parses a single-document YAML text (a kustomization, a patch); empty text gives null. */
export function parseYamlDocument(
  text: string,
  file: string,
  limits: YamlLimits = defaultYamlLimits,
): JsonValue {
  const docs = parseYamlDocuments(text, file, limits);
  if (docs.length > 1) {
    throw new CapstanError(
      'YAML_MULTIPLE_DOCUMENTS',
      `${file}: expected one YAML document, found ${docs.length}`,
      {
        file,
      },
    );
  }
  return docs[0] ?? null;
}

function yamlError(e: unknown, file: string): CapstanError {
  if (e instanceof jsYaml.YAMLException) {
    const line = e.mark ? e.mark.line + 1 : undefined;
    const where = line ? `${file}, line ${line}` : file;
    return new CapstanError('YAML_INVALID', `${where}: invalid YAML: ${e.reason}`, { file, line });
  }
  return new CapstanError('YAML_INVALID', `${file}: invalid YAML: ${String(e)}`, { file });
}

function materialize(v: unknown, file: string, budget: { left: number; limit: number }): JsonValue {
  if (--budget.left < 0) {
    throw new CapstanError(
      'YAML_ALIAS_LIMIT',
      `${file}: YAML aliases expand to more than ${budget.limit} nodes (an alias bomb?)`,
      { file },
    );
  }
  if (Array.isArray(v)) return v.map((x) => materialize(x, file, budget));
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, JsonValue> = {};
    for (const k of Object.keys(v)) o[k] = materialize((v as Record<string, unknown>)[k], file, budget);
    return o;
  }
  return checkScalar(v, file);
}

/** Walks a document without copying, refusing values JSON cannot carry (as kustomize does). */
function checkNumbers(v: unknown, file: string): JsonValue {
  if (Array.isArray(v)) {
    for (const x of v) checkNumbers(x, file);
  } else if (typeof v === 'object' && v !== null) {
    for (const k in v) checkNumbers((v as Record<string, unknown>)[k], file);
  } else {
    checkScalar(v, file);
  }
  return v as JsonValue;
}

function checkScalar(v: unknown, file: string): JsonValue {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new CapstanError(
      'YAML_UNSUPPORTED_VALUE',
      `${file}: unsupported value ${v} (JSON has no NaN or Infinity)`,
      {
        file,
      },
    );
  }
  return v as JsonValue;
}

/** Where in `doc` the first NaN or Infinity is, as a dotted path (only computed on error). */
function findNonFinite(v: unknown, at: string): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : at;
  if (typeof v !== 'object' || v === null) return undefined;
  for (const [k, x] of Object.entries(v)) {
    const found = findNonFinite(x, at ? `${at}.${k}` : k);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Serializes objects as a multi-document YAML stream, keys sorted like `kubectl kustomize`. */
export function stringifyYamlDocuments(docs: readonly unknown[]): string {
  return emitYamlDocuments(docs);
}

/** One YAML document (block style, sorted keys). */
export function stringifyYaml(doc: unknown): string {
  return emitYaml(doc);
}
