/**
 * Structural-schema defaulting and pruning of custom resources, as apiextensions-apiserver does
 * (pkg/apiserver/schema/defaulting, pruning): defaults fill absent (and non-nullable null)
 * fields, recursively and inside array items and additionalProperties; pruning drops fields the
 * schema does not specify unless `x-kubernetes-preserve-unknown-fields` keeps them.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';

const clone = (v: JsonValue): JsonValue => JSON.parse(JSON.stringify(v)) as JsonValue;
const schemaOf = (v: JsonValue | undefined): JsonObject | undefined => (isJsonObject(v) ? v : undefined);

/** Applies the schema's `default`s to `value` in place. */
export function applyDefaults(value: JsonValue | undefined, schema: JsonObject | undefined): void {
  if (!schema) return;
  if (isJsonObject(value)) {
    const props = schemaOf(schema.properties);
    if (props) {
      for (const [key, prop] of Object.entries(props)) {
        if (!isJsonObject(prop) || prop.default === undefined) continue;
        // a null for a non-nullable field with a default means "use the default"
        if (value[key] === undefined || (value[key] === null && prop.nullable !== true))
          value[key] = clone(prop.default);
      }
      for (const [key, child] of Object.entries(value)) applyDefaults(child, schemaOf(props[key]));
    }
    const additional = schemaOf(schema.additionalProperties);
    if (additional && !props) for (const child of Object.values(value)) applyDefaults(child, additional);
  } else if (Array.isArray(value)) {
    const items = schemaOf(schema.items);
    for (const item of value) applyDefaults(item, items);
  }
}

/** Fields every object keeps at the root or in an embedded resource. */
const TYPE_META = ['apiVersion', 'kind', 'metadata'];

/**
 * Removes fields the schema does not know, in place. `root` keeps apiVersion, kind and
 * metadata, as does an `x-kubernetes-embedded-resource`.
 */
export function prune(value: JsonValue | undefined, schema: JsonObject | undefined, root = false): void {
  if (isJsonObject(value)) {
    const preserve = schema?.['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = root || schema?.['x-kubernetes-embedded-resource'] === true;
    const props = schemaOf(schema?.properties);
    const additional = schema?.additionalProperties;
    for (const key of Object.keys(value)) {
      if (embedded && TYPE_META.includes(key)) continue;
      const prop = schemaOf(props?.[key]) ?? schemaOf(additional);
      if (prop) prune(value[key], prop);
      else if (additional === true || preserve) continue;
      else delete value[key];
    }
  } else if (Array.isArray(value)) {
    const items = schemaOf(schema?.items);
    const preserve = schema?.['x-kubernetes-preserve-unknown-fields'] === true;
    // items of an array without an items schema are kept as they are only when preserved
    for (const item of value) if (items || !preserve) prune(item, items);
  }
}
