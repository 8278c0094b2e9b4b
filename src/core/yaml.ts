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
import { parseBlockYaml } from './yaml-block.js';
import { loadSchema } from './yaml-schema.js';
import type { JsonValue } from './object.js';

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
  // the block-style fast path reads most manifests; js-yaml the rest, and reports every error
  let docs: unknown[] | undefined = parseBlockYaml(text);
  const viaJsYaml = docs === undefined;
  if (docs === undefined) {
    try {
      docs = jsYaml.loadAll(text, undefined, { schema: loadSchema, filename: file });
    } catch (e) {
      throw yamlError(e, file);
    }
  }
  // Aliases come back as shared references; give every document a tree of its own so that
  // later in-place edits never leak between places (and bound alias-bomb expansion). The
  // fast path never reads an alias.
  const mayHaveAliases = viaJsYaml && text.includes('&');
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
