/**
 * Strategic merge patch, in the two flavours Capstan needs: what `kustomize build` does
 * with a patch (`mode: 'kustomize'`) and what the API server does with a PATCH of type
 * application/strategic-merge-patch+json (`mode: 'apiserver'`).
 */
import { CapstanError } from '../core/errors.js';
import { isJsonObject, type Gvk, type JsonObject, type JsonValue } from '../core/object.js';
import { builtinPatchSchema, type PatchSchemaLookup } from '../core/patch-meta.js';
import { mergeMap } from './apimachinery-merge.js';
import { KyamlMerger } from './kyaml-merge.js';

export interface StrategicMergeOptions {
  mode: 'kustomize' | 'apiserver';
  /** The kind of the original object; selects the built-in schema. */
  gvk: Gvk;
  /** Replaces the built-in schema of the mode (e.g. from a kustomization's `openapi:`). */
  schema?: PatchSchemaLookup;
}

/** Copies JSON (objects from YAML or JSON hold nothing else); faster than structuredClone. */
function copy<T extends JsonValue>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (v !== null && typeof v === 'object') {
    const out: JsonObject = {};
    const src = v as JsonObject;
    const keys = Object.keys(src);
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = copy(src[keys[i]!]!);
    return out as T;
  }
  return v;
}

/**
 * Applies strategic-merge `patch` to `original` and returns the result; neither input is
 * changed. Returns undefined when the patch deletes the whole object (`$patch: delete` at
 * the top, kustomize mode; the API server gives `{}`).
 *
 * Both algorithms edit their inputs in place — kustomize's result even depends on it (a
 * merged element is the same node as the target's, then re-seated) — so each call works on
 * one copy of the target and of the patch: linear in their size, once per patch applied.
 */
export function strategicMergePatch(
  original: JsonObject,
  patch: JsonObject,
  options: StrategicMergeOptions,
): JsonObject | undefined {
  if (!isJsonObject(patch)) {
    throw new CapstanError(
      'MERGE_INVALID_PATCH',
      `a strategic merge patch must be a map, got ${JSON.stringify(patch)}`,
    );
  }
  if (!isJsonObject(original)) {
    throw new CapstanError('MERGE_INVALID_PATCH', 'the object to patch must be a map');
  }
  const schema = options.schema ?? builtinPatchSchema(options.mode);
  const root = schema.rootType(options.gvk);
  if (options.mode === 'apiserver') return mergeMap(copy(original), copy(patch), root, []);
  const merger = new KyamlMerger(schema);
  const target = copy(original);
  const out = merger.walk(target, copy(patch), root ? { type: root } : undefined, []);
  // kustomize keeps its own node, merged in place: a top-level `$patch: replace` (which
  // returns the patch node instead) therefore changes nothing — observed with kubectl.
  return out === undefined || out === null ? undefined : target;
}
