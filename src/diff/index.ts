/**
 * The diff layer's public face: normalization, the three-way comparison of desired against
 * live, the human (unified YAML) and machine (JSON patch) diffs, and Secret masking. Pure
 * functions: no I/O, and a comparison that finds nothing allocates next to nothing.
 */
export { compare, comparison, DEFAULT_FIELD_MANAGER } from './compare.js';
export { explainDrift, shortRevision, shortValue } from './explain.js';
export type { DriftExplanation, DriftInput, DriftReason } from './explain.js';
export type { CompareOptions, CompareResult, Comparison } from './compare.js';
export type { FieldDifference } from './three-way.js';
export { normalize, LAST_APPLIED_ANNOTATION, type NormalizeOptions } from './normalize.js';
export { validateIgnoreDifferences, type IgnoreDifference } from './ignore.js';
export { maskSecretValues } from './mask.js';
export { unifiedDiff, type UnifiedDiffOptions } from './unified.js';
export { renderedDiff, type RenderedObjectDiff } from './rendered.js';
export { jsonPatch } from './json-patch.js';
export { diffLines, hunks, type Edit, type Hunk } from './line-diff.js';
export {
  FieldsNode,
  formatPath,
  managedFieldsEntries,
  ownership,
  parseFieldsV1,
  parsePathElement,
  type FieldPath,
  type ManagedFieldsEntry,
  type PathElement,
} from './fields-v1.js';
