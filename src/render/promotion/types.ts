/** What a promotion changes in the target overlay's kustomization. */

/**
 * What an overlay's `images:` entries (its own and its bases', composed in kustomize's
 * order) do to one image. A field left out keeps the manifest's value: `{ newTag: '1.5.0' }`
 * sets the tag and drops any digest (kustomize's rule for newTag alone), `{}` changes nothing.
 */
export interface ImageSetting {
  newName?: string;
  newTag?: string;
  digest?: string;
  /** appended to the manifest's tag when neither newTag nor digest is set */
  tagSuffix?: string;
}

export type PromotionChange =
  | {
      kind: 'image';
      /** the `name:` of the target's `images:` entry that takes the change (the image's name as its bases leave it) */
      name: string;
      from: ImageSetting;
      to: ImageSetting;
    }
  | {
      kind: 'replicas';
      /** the workload's name, as in a `replicas:` entry */
      name: string;
      /** undefined: the target sets no count (the manifest's stands) */
      from: number | undefined;
      to: number;
    }
  | {
      kind: 'configMapLiteral';
      /** the configMapGenerator's name */
      generator: string;
      key: string;
      /** undefined: the target's generator has no such literal */
      from: string | undefined;
      to: string;
    };

/** What to promote beyond images. */
export interface PromotionInclude {
  /** also the counts of `replicas:` */
  replicas?: boolean;
  /** also the literals of these configMapGenerator entries (by generator name) */
  configMapLiterals?: string[];
}
