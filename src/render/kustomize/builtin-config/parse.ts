/**
 * Reads a `configurations:` file: kustomize's TransformerConfig in YAML, decoded as
 * sigs.k8s.io/yaml's UnmarshalStrict does — YAML 1.1 scalars (`yes` is true), only the
 * first document, keys matched without regard to case (Go's JSON decoder), unknown
 * keys and wrongly typed values refused, null meaning "not set".
 */
import { parseAllDocuments } from './yaml-1-1.js';
import { CapstanError } from '../../../core/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/object.js';
import type { FieldSpec } from '../types.js';
import { compareGvk } from './gvk-order.js';
import { FIELD_SPEC_LISTS, type NameBackReference, type TransformerConfig } from './types.js';

const TOP_KEYS = new Map<string, keyof TransformerConfig>(
  [...FIELD_SPEC_LISTS, 'nameReference' as const].map((k) => [k.toLowerCase(), k]),
);

function fail(source: string, message: string, data: Record<string, unknown> = {}): CapstanError {
  return new CapstanError('RENDER_CONFIGURATION_INVALID', `${source}: ${message}`, { source, ...data });
}

function typeName(v: JsonValue): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'a map'
        : `the ${typeof v} ${JSON.stringify(v)}`;
}

/** Reads a map's fields by case-insensitive name; unknown names are an error. */
function fields(
  source: string,
  where: string,
  map: JsonObject,
  known: readonly string[],
): Map<string, JsonValue> {
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const out = new Map<string, JsonValue>();
  for (const [key, value] of Object.entries(map)) {
    const name = byLower.get(key.toLowerCase());
    if (name === undefined) {
      throw fail(source, `unknown field "${key}" in ${where}; expected one of ${known.join(', ')}`, {
        field: key,
      });
    }
    out.set(name, value); // as Go's decoder: the last of two spellings wins
  }
  return out;
}

function stringField(
  source: string,
  where: string,
  name: string,
  v: JsonValue | undefined,
): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail(source, `${where}.${name} must be a string, not ${typeName(v)}`);
  return v;
}

function list(source: string, where: string, v: JsonValue | undefined): JsonValue[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw fail(source, `${where} must be a list, not ${typeName(v)}`);
  return v;
}

function fieldSpec(source: string, where: string, v: JsonValue): FieldSpec {
  if (v === null) return { path: '' }; // Go decodes a null element as an empty spec
  if (!isJsonObject(v))
    throw fail(source, `${where} must be a map (group, version, kind, path, create), not ${typeName(v)}`);
  const f = fields(source, where, v, ['group', 'version', 'kind', 'path', 'create']);
  const spec: FieldSpec = { path: stringField(source, where, 'path', f.get('path')) ?? '' };
  for (const key of ['group', 'version', 'kind'] as const) {
    const s = stringField(source, where, key, f.get(key));
    if (s) spec[key] = s;
  }
  const create = f.get('create');
  if (create !== undefined && create !== null && typeof create !== 'boolean') {
    throw fail(source, `${where}.create must be true or false, not ${typeName(create)}`);
  }
  if (create === true) spec.create = true;
  return spec;
}

function fieldSpecs(source: string, where: string, v: JsonValue | undefined): FieldSpec[] {
  return list(source, where, v).map((item, i) => fieldSpec(source, `${where}[${i}]`, item));
}

function nameReference(source: string, where: string, v: JsonValue): NameBackReference {
  if (v === null) return { kind: '', fieldSpecs: [] };
  if (!isJsonObject(v))
    throw fail(source, `${where} must be a map (group, version, kind, fieldSpecs), not ${typeName(v)}`);
  const f = fields(source, where, v, ['group', 'version', 'kind', 'fieldSpecs']);
  const nbr: NameBackReference = {
    kind: stringField(source, where, 'kind', f.get('kind')) ?? '',
    fieldSpecs: fieldSpecs(source, `${where}.fieldSpecs`, f.get('fieldSpecs')),
  };
  const group = stringField(source, where, 'group', f.get('group'));
  const version = stringField(source, where, 'version', f.get('version'));
  if (group) nbr.group = group;
  if (version) nbr.version = version;
  return nbr;
}

/**
 * Parses one `configurations:` file. Each list comes back sorted by GVK but not yet
 * de-duplicated, as kustomize reads it; merging it (`mergeTransformerConfig`, starting
 * from an empty configuration) then drops covered specs and reports conflicts in that
 * sorted order, which decides which of two specs is the conflicting one.
 */
export function parseTransformerConfig(yamlText: string, source: string): Partial<TransformerConfig> {
  const docs = parseAllDocuments(yamlText, { version: '1.1' });
  if (!Array.isArray(docs)) throw fail(source, 'not a YAML document');
  const doc = docs[0];
  if (doc === undefined) return {};
  if (doc.errors.length > 0) throw fail(source, `invalid YAML: ${doc.errors[0].message}`);
  const top = doc.toJS({ maxAliasCount: -1 }) as JsonValue;
  if (top === null || top === undefined) return {};
  if (!isJsonObject(top)) {
    throw fail(source, `a transformer configuration must be a map of field spec lists, not ${typeName(top)}`);
  }
  const config: Partial<TransformerConfig> = {};
  for (const [key, value] of Object.entries(top)) {
    const name = TOP_KEYS.get(key.toLowerCase());
    if (name === undefined) {
      throw fail(source, `unknown field "${key}"; expected one of ${[...TOP_KEYS.values()].join(', ')}`, {
        field: key,
      });
    }
    if (name === 'nameReference') {
      config.nameReference = list(source, name, value)
        .map((v, i) => nameReference(source, `${name}[${i}]`, v))
        .sort(compareGvk);
    } else {
      config[name] = fieldSpecs(source, name, value).sort(compareGvk);
    }
  }
  return config;
}
