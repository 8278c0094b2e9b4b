import { CapstanError } from '../../core/errors.js';

/**
 * The error codes of a promotion's pure steps (what the target must change, and the edit
 * of its kustomization). Every message names the kustomization file and says why; none is
 * transient: a user must change the repository (or the promotion's options).
 *
 * | code | meaning |
 * |---|---|
 * | `PROMOTE_INVALID_ARGUMENT` | the source and target are the same directory, or a configMapLiterals name is empty |
 * | `PROMOTE_AMBIGUOUS` | an overlay's bases disagree on an image or replica count, so it has no single value to promote |
 * | `PROMOTE_IMAGE_SET_ELSEWHERE` | an image is set by a patch, a replacement or an ImageTagTransformer plugin, which the edit of `images:` would not change |
 * | `PROMOTE_UNREPRESENTABLE` | the target's own kustomization cannot express the source's value (its base sets a tag the source does not, or it has no such ConfigMap generator) |
 * | `PROMOTE_KUSTOMIZATION_UNEDITABLE` | the target kustomization cannot be edited without touching more than the changed values: several YAML documents, an anchor or alias on the changed node, a flow or block-scalar style where an entry must be added, two entries for one name |
 */
export type PromoteErrorCode =
  | 'PROMOTE_INVALID_ARGUMENT'
  | 'PROMOTE_AMBIGUOUS'
  | 'PROMOTE_IMAGE_SET_ELSEWHERE'
  | 'PROMOTE_UNREPRESENTABLE'
  | 'PROMOTE_KUSTOMIZATION_UNEDITABLE';

/** A CapstanError with a promotion code; `file` (a display path) goes into `data.file`. */
export function promoteError(
  code: PromoteErrorCode,
  file: string,
  message: string,
  data: Record<string, unknown> = {},
): CapstanError {
  return new CapstanError(code, `${file}: ${message}`, { ...data, file });
}
