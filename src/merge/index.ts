/** The merge layer's public face: strategic merge, JSON merge patch, JSON patch. */
export { strategicMergePatch, type StrategicMergeOptions } from './strategic-merge.js';
export { openApiPatchSchema, type OpenApiSchemaOptions } from './openapi-schema.js';
export { jsonMergePatch } from './json-merge-patch.js';
export { applyJsonPatch, parseJsonPatch, validateJsonPatch, type JsonPatchOp } from './json-patch.js';
export type {
  ListMeta,
  PatchField,
  PatchSchemaLookup,
  PatchStrategy,
  PatchType,
} from '../core/patch-meta.js';
export { builtinPatchSchema, lookupListMeta } from '../core/patch-meta.js';
