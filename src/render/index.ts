/**
 * The renderer: a directory becomes the list of Kubernetes objects to apply. A directory
 * with a kustomization file is built as `kubectl kustomize` builds it; any other
 * directory is read as plain manifests.
 */
export { render, type RenderOptions, type RenderResult } from './render.js';
export { kustomize } from './kustomize/build.js';
export { DEFAULT_RENDER_LIMITS, type RenderLimits } from './limits.js';
export {
  promotionChanges,
  describeChange,
  type ImageSetting,
  type PromotionChange,
  type PromotionChanges,
  type PromotionChangesOptions,
  type PromotionInclude,
} from './promotion-changes.js';
export { editKustomization } from './kustomization-edit.js';
export type { PromoteErrorCode } from './promotion/errors.js';
