/**
 * A generator's own `options` combined with the kustomization's `generatorOptions`
 * (kustomize's MergeGlobalOptionsIntoLocal), as `kubectl kustomize` shows:
 *   - labels and annotations: union; on a shared key the generator's value wins;
 *   - disableNameSuffixHash and immutable: true if either says true — a generator's
 *     `false` cannot undo a kustomization-wide `true`.
 */
import type { GeneratorOptions } from '../types.js';

/** The options a generator runs with. */
export function mergeGeneratorOptions(
  local: GeneratorOptions | undefined,
  global: GeneratorOptions | undefined,
): GeneratorOptions {
  const merged: GeneratorOptions = {};
  const labels = { ...global?.labels, ...local?.labels };
  const annotations = { ...global?.annotations, ...local?.annotations };
  if (Object.keys(labels).length > 0) merged.labels = labels;
  if (Object.keys(annotations).length > 0) merged.annotations = annotations;
  if (local?.disableNameSuffixHash || global?.disableNameSuffixHash) merged.disableNameSuffixHash = true;
  if (local?.immutable || global?.immutable) merged.immutable = true;
  return merged;
}
