/**
 * The transformer configuration: for each built-in transformer, the fields it acts on.
 * The same shape as kustomize's `TransformerConfig` (api/internal/plugins/builtinconfig),
 * which is also the shape of a kustomization's `configurations:` files.
 */
import type { FieldSpec } from '../types.js';

/** The fields that may hold the name of an object of one kind (kustomize's NameBackReferences). */
export interface NameBackReference {
  group?: string;
  version?: string;
  kind: string;
  /** the referrers: where names of this kind appear in other objects */
  fieldSpecs: FieldSpec[];
}

/** Where each built-in transformer acts. */
export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  /** `commonLabels`, and `labels` entries with `includeSelectors: true` */
  commonLabels: FieldSpec[];
  /** added to every `labels` entry (empty by default; a `configurations:` file may set it) */
  labels: FieldSpec[];
  /** `labels` entries with `includeTemplates: true` (and no selectors) */
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
  nameReference: NameBackReference[];
}

/** The keys of TransformerConfig that hold plain field spec lists. */
export const FIELD_SPEC_LISTS = [
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'templateLabels',
  'commonAnnotations',
  'varReference',
  'images',
  'replicas',
] as const;

/** One of the plain field spec lists of a TransformerConfig. */
export type FieldSpecListName = (typeof FIELD_SPEC_LISTS)[number];

/** A configuration with every list empty. */
export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    labels: [],
    templateLabels: [],
    commonAnnotations: [],
    varReference: [],
    images: [],
    replicas: [],
    nameReference: [],
  };
}
