/**
 * Merging transformer configurations as kustomize does (TransformerConfig.Merge,
 * FsSlice.MergeAll, nbrSlice.mergeAll): lists are appended to, a spec already covered is
 * dropped, and every list is sorted by GVK afterwards.
 */
import { CapstanError } from '../../../core/errors.js';
import type { FieldSpec } from '../types.js';
import { compareGvk } from './gvk-order.js';
import {
  emptyTransformerConfig,
  FIELD_SPEC_LISTS,
  type NameBackReference,
  type TransformerConfig,
} from './types.js';

/**
 * True when `incoming` adds nothing to `existing` (kustomize's effectivelyEquals): same
 * path, and each non-empty part of incoming's GVK equals existing's. It is asymmetric: a
 * kind-less incoming spec is covered by a kind-specific one with the same path.
 */
function covers(existing: FieldSpec, incoming: FieldSpec): boolean {
  return (
    existing.path === incoming.path &&
    (!incoming.group || incoming.group === (existing.group ?? '')) &&
    (!incoming.version || incoming.version === (existing.version ?? '')) &&
    (!incoming.kind || incoming.kind === (existing.kind ?? ''))
  );
}

function describeSpec(fs: FieldSpec): string {
  const gvk = [fs.group, fs.version, fs.kind].filter(Boolean).join('/');
  return `'${fs.path}'${gvk ? ` of ${gvk}` : ''}`;
}

/**
 * Appends each spec of `incoming` not already covered by one in the result (in order,
 * so later incoming specs are checked against earlier ones too). A covered spec that
 * differs in `create` is an error, as in kustomize ("conflicting fieldspecs").
 */
export function mergeFieldSpecs(
  existing: readonly FieldSpec[],
  incoming: readonly FieldSpec[],
  what = 'field specs',
): FieldSpec[] {
  const result = [...existing];
  for (const fs of incoming) {
    const found = result.find((x) => covers(x, fs));
    if (found === undefined) {
      result.push(fs);
    } else if ((found.create === true) !== (fs.create === true)) {
      throw new CapstanError(
        'RENDER_CONFIGURATION_CONFLICT',
        `conflicting ${what}: ${describeSpec(fs)} has create: ${fs.create === true} but ${describeSpec(found)} ` +
          `already has create: ${found.create === true}; give both the same value`,
        { what, path: fs.path },
      );
    }
  }
  return result;
}

function sameGvk(a: NameBackReference, b: NameBackReference): boolean {
  return (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && a.kind === b.kind;
}

/** Merges name references: referrers of an already listed GVK are merged into it, others appended. */
export function mergeNameReferences(
  existing: readonly NameBackReference[],
  incoming: readonly NameBackReference[],
): NameBackReference[] {
  const result = existing.map((n) => ({ ...n, fieldSpecs: [...n.fieldSpecs] }));
  for (const nbr of incoming) {
    const found = result.find((x) => sameGvk(x, nbr));
    if (found) {
      found.fieldSpecs = mergeFieldSpecs(
        found.fieldSpecs,
        nbr.fieldSpecs,
        `nameReference field specs of ${nbr.kind}`,
      );
    } else {
      result.push({ ...nbr, fieldSpecs: [...nbr.fieldSpecs] });
    }
  }
  return result;
}

/** Sorts every list of `config` in place by GVK, as kustomize does after a parse or a merge. */
export function sortTransformerConfig(config: TransformerConfig): TransformerConfig {
  for (const key of FIELD_SPEC_LISTS) config[key].sort(compareGvk);
  config.nameReference.sort(compareGvk);
  return config;
}

/**
 * `a` merged with `b` (missing lists count as empty), sorted; kustomize's
 * TransformerConfig.Merge. Per kustomization, kustomize starts from an empty
 * configuration and merges into it, in order: the configurations its resources (bases)
 * accumulated, the defaults merged with its `configurations:` files (these merged one
 * after the other), what its `crds:` give, then its components' — so a base's
 * configuration also applies in every kustomization above it.
 */
export function mergeTransformerConfig(
  a: Partial<TransformerConfig>,
  b: Partial<TransformerConfig>,
): TransformerConfig {
  const merged = emptyTransformerConfig();
  for (const key of FIELD_SPEC_LISTS)
    merged[key] = mergeFieldSpecs(a[key] ?? [], b[key] ?? [], `${key} field specs`);
  merged.nameReference = mergeNameReferences(a.nameReference ?? [], b.nameReference ?? []);
  return sortTransformerConfig(merged);
}
