/** One line per promotion change, for commit messages and pull-request bodies. */
import type { ImageSetting, PromotionChange } from './types.js';

/**
 * `image ghcr.io/acme/shop: 1.4.0 → 1.5.0`, `replicas hello: 2 → 3`,
 * `configMap hello-config greeting: "Hello" → "Hi"`. A value the target does not set
 * reads `(manifest)`: the manifest's own value stands.
 */
export function describeChange(change: PromotionChange): string {
  switch (change.kind) {
    case 'image': {
      // a name both sides give (a base's newName) says nothing: show what changes
      const sameName = change.from.newName === change.to.newName;
      const show = (s: ImageSetting) => imageText(sameName ? { ...s, newName: undefined } : s);
      return `image ${change.name}: ${show(change.from)} → ${show(change.to)}`;
    }
    case 'replicas':
      return `replicas ${change.name}: ${change.from ?? '(manifest)'} → ${change.to}`;
    case 'configMapLiteral':
      return `configMap ${change.generator} ${change.key}: ${
        change.from === undefined ? '(unset)' : JSON.stringify(change.from)
      } → ${JSON.stringify(change.to)}`;
  }
}

/** `1.5.0`, `ghcr.io/acme/shop:1.5.0`, `1.5.0@sha256:…`, `@sha256:…`, `(manifest)+-debug`. */
function imageText(s: ImageSetting): string {
  let out = s.newName ?? '';
  if (s.newTag !== undefined) out += (out ? ':' : '') + s.newTag;
  if (s.digest !== undefined) out += '@' + s.digest;
  if (s.tagSuffix !== undefined) out += `${out ? '' : '(manifest)'}+${s.tagSuffix}`;
  return out === '' ? '(manifest)' : out;
}
