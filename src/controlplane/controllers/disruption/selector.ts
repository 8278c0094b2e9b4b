/**
 * The pods a budget covers: those of its namespace its selector matches, as
 * metav1.LabelSelectorAsSelector reads it — no selector selects nothing, `{}` selects every
 * pod (policy/v1), and a selector that does not compile is an error, not an empty match.
 */
import type { JsonValue } from '../../../core/index.js';
import { selectorMatches, validateLabelSelector } from '../../api/kinds/apps/label-selector.js';
import type { Pod, PodDisruptionBudget } from './types.js';

/** The pods `pdb` selects among `pods` (all of its namespace); throws when the selector is invalid. */
export function podsSelectedBy(pdb: PodDisruptionBudget, pods: readonly Pod[]): Pod[] {
  const selector = (pdb.spec.selector ?? undefined) as JsonValue | undefined;
  // The API validates selectors on write, but an object stored by an older server may not be.
  const [invalid] = validateLabelSelector(selector, 'selector');
  if (invalid) throw new Error(`${invalid.field}: ${invalid.message}`);
  return pods.filter((p) => selectorMatches(selector, (p.metadata.labels ?? {}) as JsonValue));
}
