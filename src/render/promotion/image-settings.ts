/**
 * kustomize's images transformer as arithmetic on rules rather than on manifests: what a
 * chain of `images:` entries does to an image, and which entry fields give a wanted result.
 *
 * Rules apply in order, each to the image as the earlier rules left it
 * (transformers/images.ts, updateImage): base `{name: shop, newName: ghcr.io/acme/shop}`
 * then overlay `{name: ghcr.io/acme/shop, newTag: 1.5.0}` turn `shop:1.0` into
 * `ghcr.io/acme/shop:1.5.0`, so the overlay's effective setting for `shop` is
 * `{newName: ghcr.io/acme/shop, newTag: 1.5.0}`.
 */
import type { Image } from '../kustomize/types.js';
import type { ImageSetting } from './types.js';

const TAG_FIELDS = ['newTag', 'digest', 'tagSuffix'] as const;

/** Kustomization values may be numbers (`newTag: 2`); the renderer uses them as text. */
const text = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : String(v);

/** The setting an `images:` entry gives on its own (its name left out). */
export function settingOfRule(rule: Image): ImageSetting {
  return clean({
    newName: text(rule.newName),
    newTag: text(rule.newTag),
    digest: text(rule.digest),
    tagSuffix: text(rule.tagSuffix),
  });
}

/**
 * `earlier` followed by `rule` (already known to match): a newName replaces the name;
 * newTag and/or digest replace both tag and digest; a tagSuffix alone extends the tag.
 */
export function compose(earlier: ImageSetting, rule: ImageSetting): ImageSetting {
  const out: ImageSetting = { newName: rule.newName ?? earlier.newName };
  if (rule.newTag !== undefined || rule.digest !== undefined) {
    out.newTag = rule.newTag;
    out.digest = rule.digest;
  } else if (rule.tagSuffix !== undefined) {
    if (earlier.newTag !== undefined || earlier.digest !== undefined) {
      out.newTag = (earlier.newTag ?? '') + rule.tagSuffix; // the digest goes, as in updateImage
    } else {
      out.tagSuffix = (earlier.tagSuffix ?? '') + rule.tagSuffix;
    }
  } else {
    for (const f of TAG_FIELDS) out[f] = earlier[f];
  }
  return clean(out);
}

/** The name later rules see for an image first named `key`. */
export const outputName = (key: string, s: ImageSetting): string => s.newName ?? key;

export function sameSetting(a: ImageSetting, b: ImageSetting): boolean {
  return (
    a.newName === b.newName && a.newTag === b.newTag && a.digest === b.digest && a.tagSuffix === b.tagSuffix
  );
}

/**
 * The fields the target's own entry should hold after a change from `from` to `to`
 * (both effective settings): only what differs is touched, and newTag, digest and
 * tagSuffix move together, since writing one alone would reset the others.
 * `entry` is the entry as it is (undefined: there is none yet).
 */
export function entryAfterChange(
  entry: ImageSetting | undefined,
  from: ImageSetting,
  to: ImageSetting,
): ImageSetting {
  const out: ImageSetting = { ...entry };
  if (from.newName !== to.newName) out.newName = to.newName;
  if (TAG_FIELDS.some((f) => from[f] !== to[f])) for (const f of TAG_FIELDS) out[f] = to[f];
  return clean(out);
}

/** Drops undefined fields, so settings compare and print alike. */
export function clean(s: ImageSetting): ImageSetting {
  const out: ImageSetting = {};
  if (s.newName !== undefined) out.newName = s.newName;
  if (s.newTag !== undefined) out.newTag = s.newTag;
  if (s.digest !== undefined) out.digest = s.digest;
  if (s.tagSuffix !== undefined) out.tagSuffix = s.tagSuffix;
  return out;
}
