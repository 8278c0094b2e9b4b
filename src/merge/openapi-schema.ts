/**
 * Reads a kustomization's `openapi:` document (swagger 2 `definitions`, top-level
 * definitions tagged with `x-kubernetes-group-version-kind`) into a patch schema lookup.
 *
 * kustomize (v5.5, checked with kubectl) uses such a document *instead of* its built-in
 * schema: a Deployment's containers are then replaced wholesale unless the document also
 * describes Deployments. `fallback` restores the built-in types for kinds the document
 * does not define — useful for the API server, not what kustomize does.
 */
import { CapstanError } from '../core/errors.js';
import { isJsonObject, type Gvk, type JsonObject } from '../core/object.js';
import type {
  ListMeta,
  PatchField,
  PatchSchemaLookup,
  PatchStrategy,
  PatchType,
} from '../core/patch-meta.js';

export interface OpenApiSchemaOptions {
  /** Consulted for kinds the document does not define. */
  fallback?: PatchSchemaLookup;
  /** Names the document in errors. */
  source?: string;
}

const STRATEGIES = new Set(['merge', 'replace', 'retainKeys', 'merge,retainKeys', 'retainKeys,merge']);

/** Builds a lookup from an OpenAPI v2 document (already parsed from JSON or YAML). */
export function openApiPatchSchema(doc: unknown, options: OpenApiSchemaOptions = {}): PatchSchemaLookup {
  const defs = isJsonObject(doc) && isJsonObject(doc.definitions) ? doc.definitions : undefined;
  if (!defs) {
    throw new CapstanError(
      'MERGE_INVALID_SCHEMA',
      `${options.source ?? 'openapi schema'}: expected a document with a "definitions" map`,
      { source: options.source },
    );
  }
  const built = new Map<string, PatchType>();
  const byGvk = new Map<string, PatchType>();

  // Types are built once, lazily; a placeholder entered before the fields makes cycles safe.
  const typeOf = (schema: JsonObject, seen: number): PatchType | undefined => {
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    if (ref) return named(ref.replace(/^#\/definitions\//, ''), seen);
    if (seen > 64) return undefined;
    const fields = new Map<string, PatchField>();
    const type: { fields: Map<string, PatchField>; additional?: PatchField } = { fields };
    if (isJsonObject(schema.properties)) {
      for (const [name, prop] of Object.entries(schema.properties)) {
        if (isJsonObject(prop)) fields.set(name, fieldOf(prop, seen + 1));
      }
    }
    if (isJsonObject(schema.additionalProperties))
      type.additional = fieldOf(schema.additionalProperties, seen + 1);
    return type;
  };

  const named = (name: string, seen: number): PatchType | undefined => {
    const cached = built.get(name);
    if (cached) return cached;
    const def = defs[name];
    if (!isJsonObject(def)) return undefined;
    const placeholder: { fields: Map<string, PatchField>; additional?: PatchField } = { fields: new Map() };
    built.set(name, placeholder);
    const t = typeOf(def, seen + 1);
    if (t) {
      for (const [k, v] of t.fields) placeholder.fields.set(k, v);
      if (t.additional) placeholder.additional = t.additional;
    }
    return placeholder;
  };

  const fieldOf = (prop: JsonObject, seen: number): PatchField => {
    const strategy = prop['x-kubernetes-patch-strategy'];
    let meta: ListMeta | undefined;
    if (typeof strategy === 'string' && STRATEGIES.has(strategy)) {
      const mergeKey = prop['x-kubernetes-patch-merge-key'];
      const mapKeys = prop['x-kubernetes-list-map-keys'];
      meta = {
        strategy: (strategy === 'retainKeys,merge' ? 'merge,retainKeys' : strategy) as PatchStrategy,
        ...(typeof mergeKey === 'string' ? { mergeKey } : {}),
        ...(Array.isArray(mapKeys) && mapKeys.every((k) => typeof k === 'string')
          ? { listMapKeys: mapKeys as string[] }
          : {}),
      };
    }
    const valueSchema = prop.type === 'array' && isJsonObject(prop.items) ? prop.items : prop;
    const type = typeOf(valueSchema, seen);
    return { ...(meta ? { meta } : {}), ...(type ? { type } : {}) };
  };

  for (const [name, def] of Object.entries(defs)) {
    if (!isJsonObject(def) || !Array.isArray(def['x-kubernetes-group-version-kind'])) continue;
    for (const g of def['x-kubernetes-group-version-kind']) {
      if (!isJsonObject(g) || typeof g.kind !== 'string' || typeof g.version !== 'string') continue;
      const t = named(name, 0);
      if (t) byGvk.set(`${typeof g.group === 'string' ? g.group : ''}|${g.version}|${g.kind}`, t);
    }
  }
  const fallback = options.fallback;
  return {
    rootType: (gvk: Gvk) => byGvk.get(`${gvk.group}|${gvk.version}|${gvk.kind}`) ?? fallback?.rootType(gvk),
  };
}
