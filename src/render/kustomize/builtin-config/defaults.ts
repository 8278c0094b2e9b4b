/** kustomize v5.5's default transformer configuration, assembled from the lists beside it. */
import { commonAnnotationsSpecs, commonLabelsSpecs, templateLabelsSpecs } from './labels.js';
import { sortTransformerConfig } from './merge.js';
import { nameReferenceDefaults } from './name-reference.js';
import {
  imagesSpecs,
  namePrefixSpecs,
  namespaceSpecs,
  nameSuffixSpecs,
  replicasSpecs,
} from './simple-lists.js';
import type { TransformerConfig } from './types.js';
import { varReferenceSpecs } from './var-reference.js';

let cached: TransformerConfig | undefined;

/**
 * The default configuration (kustomize's MakeDefaultConfig), sorted as kustomize sorts
 * it. Each call returns a fresh copy the caller may change.
 */
export function defaultTransformerConfig(): TransformerConfig {
  cached ??= sortTransformerConfig({
    namePrefix: namePrefixSpecs(),
    nameSuffix: nameSuffixSpecs(),
    namespace: namespaceSpecs(),
    commonLabels: commonLabelsSpecs(),
    labels: [],
    templateLabels: templateLabelsSpecs(),
    commonAnnotations: commonAnnotationsSpecs(),
    varReference: varReferenceSpecs(),
    images: imagesSpecs(),
    replicas: replicasSpecs(),
    nameReference: nameReferenceDefaults(),
  });
  return structuredClone(cached);
}
