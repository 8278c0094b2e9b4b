/**
 * The field specs of one `labels:` entry of a kustomization, chosen as kustomize's
 * label transformer configuration does (api/internal/target/kusttarget_configplugin.go).
 */
import type { FieldSpec, Label } from '../types.js';
import { mergeFieldSpecs } from './merge.js';
import type { TransformerConfig } from './types.js';

/**
 * The entry's own `fields`, then the configuration's `labels` list, then either all of
 * `commonLabels` (includeSelectors) or, without selectors, `templateLabels` when
 * includeTemplates is set and always `metadata/labels` (created).
 * `commonLabels:` in a kustomization uses `config.commonLabels` as it is.
 */
export function labelFieldSpecs(config: TransformerConfig, label: Label): FieldSpec[] {
  let specs = mergeFieldSpecs(label.fields ?? [], config.labels, 'labels field specs');
  if (label.includeSelectors) return mergeFieldSpecs(specs, config.commonLabels, 'labels field specs');
  if (label.includeTemplates) specs = mergeFieldSpecs(specs, config.templateLabels, 'labels field specs');
  return mergeFieldSpecs(specs, [{ path: 'metadata/labels', create: true }], 'labels field specs');
}
