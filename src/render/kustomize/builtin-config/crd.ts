/**
 * Transformer configuration from the files a kustomization lists under `crds:`
 * (kustomize's accumulator/loadconfigfromcrds.go). Despite the name these are not
 * CustomResourceDefinition manifests (kustomize refuses those too) but OpenAPI
 * definitions keyed by Go type name, as kube-openapi's generator writes them:
 *
 *   { "example.com/pkg/apis/v1.MyKind": { "Schema": { "properties": {
 *       "spec": { "$ref": "example.com/pkg/apis/v1.MyKindSpec" } } } },
 *     "example.com/pkg/apis/v1.MyKindSpec": { "Schema": { "properties": {
 *       "secretRef": { "x-kubernetes-object-ref-api-version": "v1",
 *                      "x-kubernetes-object-ref-kind": "Secret" } } } } }
 *
 * Every type whose properties include kind, apiVersion and metadata is a root; its kind
 * is the type name after the last dot. Walking its properties and, through `$ref` only,
 * the referenced types' properties, a property carrying (with a string value):
 *   x-kubernetes-annotation      → a commonAnnotations spec at that path
 *   x-kubernetes-label-selector  → a commonLabels spec
 *   x-kubernetes-identity        → a namePrefix spec (not nameSuffix)
 *   x-kubernetes-object-ref-api-version + x-kubernetes-object-ref-kind
 *       → a nameReference to that version and kind at `<path>/<name key>`, the name key
 *         being x-kubernetes-object-ref-name-key or `name`.
 * Specs match the root's kind only, in any group and version, and never create.
 * Extension and schema keys must be written in lower case (the `Schema` key may be in
 * any case) — observed with kubectl kustomize v5.5.
 */
import { parseAllDocuments } from './yaml-1-1.js';
import { CapstanError } from '../../../core/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/object.js';
import type { FieldSpec } from '../types.js';
import { mergeFieldSpecs, mergeNameReferences, mergeTransformerConfig } from './merge.js';
import { emptyTransformerConfig, type TransformerConfig } from './types.js';

function fail(source: string, message: string): CapstanError {
  return new CapstanError('RENDER_CONFIGURATION_CRD_INVALID', `${source}: ${message}`, { source });
}

/** Parses as kustomize: JSON when the text starts with `{`, YAML (1.1, first document) otherwise. */
function parse(text: string, source: string): JsonValue {
  if (text.length === 0)
    throw fail(source, 'the file is empty; expected OpenAPI definitions keyed by type name');
  if (text[0] === '{') {
    try {
      return JSON.parse(text) as JsonValue;
    } catch (e) {
      throw fail(source, `invalid JSON: ${(e as Error).message}`);
    }
  }
  const doc = parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(doc) || doc.length === 0) return null;
  if (doc[0].errors.length > 0) throw fail(source, `invalid YAML: ${doc[0].errors[0].message}`);
  return (doc[0].toJS({ maxAliasCount: -1 }) ?? null) as JsonValue;
}

/** Type name → that type's schema properties (empty when it has none). */
function readDefinitions(top: JsonValue, source: string): Map<string, JsonObject> {
  const defs = new Map<string, JsonObject>();
  if (top === null) return defs;
  if (!isJsonObject(top)) throw fail(source, 'expected a map of OpenAPI definitions keyed by type name');
  for (const [name, def] of Object.entries(top)) {
    if (def !== null && !isJsonObject(def)) {
      throw fail(source, `definition "${name}" must be a map with a "Schema" (this is not a CRD manifest)`);
    }
    let schema: JsonValue | undefined;
    for (const [key, value] of Object.entries(def ?? {})) if (key.toLowerCase() === 'schema') schema = value;
    if (schema !== undefined && schema !== null && !isJsonObject(schema)) {
      throw fail(source, `the Schema of "${name}" must be a map`);
    }
    const props = schema?.properties;
    if (props !== undefined && props !== null && !isJsonObject(props)) {
      throw fail(source, `the properties of "${name}" must be a map`);
    }
    defs.set(name, props ?? {});
  }
  return defs;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The transformer configuration that kustomize derives from one `crds:` file: lists of
 * commonAnnotations, commonLabels, namePrefix and nameReference entries, merged and sorted.
 */
export function configFromCrdSchema(text: string, source: string): TransformerConfig {
  const defs = readDefinitions(parse(text, source), source);
  let result = emptyTransformerConfig();
  for (const [typeName, props] of defs) {
    if (!('kind' in props && 'apiVersion' in props && 'metadata' in props)) continue;
    const kind = typeName.slice(typeName.lastIndexOf('.') + 1);
    const tc = emptyTransformerConfig();
    collect(tc, kind, defs, typeName, [], [], source);
    result = mergeTransformerConfig(result, tc);
  }
  return result;
}

function collect(
  tc: TransformerConfig,
  kind: string,
  defs: Map<string, JsonObject>,
  typeName: string,
  path: string[],
  chain: string[],
  source: string,
): void {
  const props = defs.get(typeName);
  if (props === undefined) return;
  if (chain.includes(typeName)) {
    throw fail(source, `"$ref" cycle: ${[...chain, typeName].join(' → ')}`);
  }
  for (const [prop, raw] of Object.entries(props)) {
    if (!isJsonObject(raw)) continue;
    const at = (...p: string[]): FieldSpec => ({ kind, path: [...path, ...p].join('/') });
    if (str(raw['x-kubernetes-annotation']) !== undefined) {
      tc.commonAnnotations = mergeFieldSpecs(tc.commonAnnotations, [at(prop)]);
    }
    if (str(raw['x-kubernetes-label-selector']) !== undefined) {
      tc.commonLabels = mergeFieldSpecs(tc.commonLabels, [at(prop)]);
    }
    if (str(raw['x-kubernetes-identity']) !== undefined) {
      tc.namePrefix = mergeFieldSpecs(tc.namePrefix, [at(prop)]);
    }
    const refVersion = str(raw['x-kubernetes-object-ref-api-version']);
    const refKind = str(raw['x-kubernetes-object-ref-kind']);
    if (refVersion !== undefined && refKind !== undefined) {
      const nameKey = str(raw['x-kubernetes-object-ref-name-key']) ?? 'name';
      const nbr = {
        kind: refKind,
        ...(refVersion ? { version: refVersion } : {}),
        fieldSpecs: [at(prop, nameKey)],
      };
      tc.nameReference = mergeNameReferences(tc.nameReference, [nbr]);
    }
    const ref = str(raw.$ref);
    if (ref !== undefined) collect(tc, kind, defs, ref, [...path, prop], [...chain, typeName], source);
  }
}
