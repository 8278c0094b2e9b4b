/**
 * Desired (from Git) against live (from the cluster): normalized, ignoreDifferences applied,
 * Secret values masked, then the three-way walk of `three-way.ts`.
 */
import { builtinPatchSchema, gvkOf, type JsonObject, type KubeObject } from '../core/index.js';
import { managedFieldsEntries, ownership } from './fields-v1.js';
import { matchingIgnores, type IgnoreDifference } from './ignore.js';
import { maskSecretValues } from './mask.js';
import { applyIgnores, pairId, stripServerFields } from './normalize.js';
import { walkThreeWay, type FieldDifference } from './three-way.js';

export const DEFAULT_FIELD_MANAGER = 'capstan';

export interface CompareOptions {
  /** the field manager Capstan applies with (default `capstan`): its `Apply` fields are the three-way base */
  manager?: string;
  /** the application's exclusions; entries are matched against the live object (else the desired one) */
  ignoreDifferences?: readonly IgnoreDifference[];
}

export interface CompareResult {
  /** nothing changed and nothing removed */
  inSync: boolean;
  /**
   * fields the desired object sets that live lacks or holds differently; a missing live
   * object is one change at the root (`.`)
   */
  changed: FieldDifference[];
  /** fields our manager owns, Git no longer sets and no other manager owns: apply removes them */
  removed: FieldDifference[];
}

/** A comparison with the objects behind it, for the outputs: all normalized and masked. */
export interface Comparison extends CompareResult {
  live?: KubeObject;
  desired?: KubeObject;
  /** live with the drift corrected: what live becomes once desired is applied */
  predicted?: KubeObject;
}

const apiServerSchema = builtinPatchSchema('apiserver');

/**
 * Compares one desired object with its live counterpart (undefined: not in the cluster).
 * Server-set fields and API defaults are not drift; neither are fields other managers own
 * that Git does not set. See `three-way.ts` for the rules.
 */
export function compare(
  desired: KubeObject,
  live: KubeObject | undefined,
  options: CompareOptions = {},
): CompareResult {
  const { inSync, changed, removed } = comparison(desired, live, options);
  return { inSync, changed, removed };
}

/** `compare` with the normalized objects; either side may be missing (a creation, a prune). */
export function comparison(
  desired: KubeObject | undefined,
  live: KubeObject | undefined,
  options: CompareOptions = {},
): Comparison {
  if (!desired && !live) return { inSync: true, changed: [], removed: [] };
  const ignores = options.ignoreDifferences?.length
    ? matchingIgnores(options.ignoreDifferences, pairId(desired, live))
    : [];
  const entries = managedFieldsEntries(live);
  const prepare = (obj: KubeObject | undefined) =>
    obj && applyIgnores(stripServerFields(obj), ignores, entries);
  const [l, d] = maskSecretValues([prepare(live), prepare(desired)]);
  const root = (obj: KubeObject) => obj as unknown as JsonObject;
  if (!l)
    return {
      inSync: false,
      changed: [{ path: '.', pointer: '', desired: root(d!) }],
      removed: [],
      desired: d,
    };
  if (!d)
    return { inSync: false, changed: [], removed: [{ path: '.', pointer: '', live: root(l) }], live: l };
  const { owned, others } = ownership(entries, options.manager ?? DEFAULT_FIELD_MANAGER);
  const rootType = apiServerSchema.rootType(gvkOf(d));
  const walk = walkThreeWay(root(d), root(l), rootType, owned, others);
  return {
    inSync: walk.changed.length === 0 && walk.removed.length === 0,
    changed: walk.changed,
    removed: walk.removed,
    live: l,
    desired: d,
    predicted: walk.predicted as unknown as KubeObject,
  };
}
