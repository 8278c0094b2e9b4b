/**
 * The transformer configuration: kustomize v5.5's defaults as data, `configurations:`
 * files, `crds:` files, and kustomize's merge rules.
 */
export type { NameBackReference, TransformerConfig, FieldSpecListName } from './types.js';
export { emptyTransformerConfig, FIELD_SPEC_LISTS } from './types.js';
export { defaultTransformerConfig } from './defaults.js';
export { parseTransformerConfig } from './parse.js';
export { configFromCrdSchema } from './crd.js';
export {
  mergeTransformerConfig,
  mergeFieldSpecs,
  mergeNameReferences,
  sortTransformerConfig,
} from './merge.js';
export { labelFieldSpecs } from './label-specs.js';
export { compareGvk, LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST } from './gvk-order.js';
