/**
 * kustomize `replacements`: copy a value from one field of one object into fields of
 * other objects, in list order (a later replacement sees the earlier ones' writes).
 * The source side is in replacements/source.ts, the write side in replacements/target.ts,
 * the YAML typing rules in replacements/scalar.ts; behaviour notes live there.
 */
import { CapstanError } from '../../core/errors.js';
import { readSource, describeSelector } from './replacements/source.js';
import { applyTarget } from './replacements/target.js';
import type { Replacement, Resource } from './types.js';

/**
 * Applies `replacements` (already inlined from any `path:` files) to `resources`, editing
 * the objects in place. `context.source` is the kustomization file, for messages.
 * Throws CapstanError `RENDER_REPLACEMENT_*` on the first problem.
 */
export function applyReplacements(
  resources: Resource[],
  replacements: readonly Replacement[],
  context: { source: string },
): void {
  replacements.forEach((r, i) => {
    const where =
      `${context.source}: replacements[${i}]` + (r.source ? ` (source ${describeSelector(r.source)})` : '');
    // `targets: []` reaches kustomize as a nil list: the same error as no targets at all.
    if (!r.source || !r.targets || r.targets.length === 0) {
      throw new CapstanError(
        'RENDER_REPLACEMENT_INVALID',
        `${where}: a replacement must have a 'source' and 'targets'`,
        { source: context.source, index: i },
      );
    }
    const value = readSource(resources, r.source, where);
    r.targets.forEach((t, j) => applyTarget(resources, value, t, `${where} targets[${j}]`));
  });
}
