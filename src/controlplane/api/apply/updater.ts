/**
 * Ownership bookkeeping of structured-merge-diff (merge/update.go): how an update or an
 * apply moves fields between managers, when an apply conflicts, and what an apply
 * prunes. Objects are plain JSON, managers are keyed by their identifier (see
 * managed-fields.ts). All versions of a kind share one shape here, so no conversion.
 */
import type { JsonValue } from '../../../core/index.js';
import { compare, filterComparison, type Comparison } from './compare.js';
import { FieldSet } from './field-set.js';
import { mergeValues } from './merge-values.js';
import type { FieldPath } from './path-element.js';
import { removeItems } from './remove-items.js';
import type { Shape } from './shape.js';
import { toFieldSet } from './to-field-set.js';

/** The fields one manager owns, at the apiVersion it used, and whether it applied them. */
export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  readonly applied: boolean;
}

/** Managers by identifier. */
export type Managers = Map<string, VersionedSet>;

/** One field another manager owns and an apply would change. */
export interface Conflict {
  readonly manager: string;
  readonly path: FieldPath;
}

/** Thrown by `apply` without force when other managers own fields it changes. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} apply conflicts`);
    this.name = 'ConflictsError';
  }
}

/** The schema and the reset fields (status on the main resource, …) of one request. */
export interface UpdaterContext {
  readonly shape: Shape;
  /** Prefixes never owned by this request's managers (SMD's ignore filter). */
  readonly reset: FieldSet;
}

/**
 * Moves ownership for a change from `before` to `after` made by `workflow`: every other
 * manager loses what was removed, and what changed or appeared under it — or, without
 * force, the change is refused with the conflicts.
 */
function reassign(
  ctx: UpdaterContext,
  before: JsonValue,
  after: JsonValue,
  managers: Managers,
  workflow: string,
  force: boolean,
): Comparison {
  const cmp = filterComparison(compare(before, after, ctx.shape), ctx.reset);
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [manager, vs] of managers) {
    if (manager === workflow) continue;
    const owned = vs.set.intersection(changed);
    if (!owned.isEmpty()) conflicts.set(manager, owned);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const [manager, set] of conflicts) for (const path of set.paths()) list.push({ manager, path });
    throw new ConflictsError(list);
  }
  for (const [manager, vs] of managers) {
    if (manager === workflow) continue;
    const lost = (conflicts.get(manager) ?? new FieldSet()).union(cmp.removed);
    // nothing lost: keep the very set (a set seen before serialises without a walk)
    if (lost.isEmpty() && !vs.set.isEmpty()) continue;
    const set = vs.set.difference(lost);
    if (set.isEmpty()) managers.delete(manager);
    else managers.set(manager, { ...vs, set });
  }
  return cmp;
}

/**
 * A create, update or non-apply patch by `manager`: it owns what it owned minus what was
 * removed, plus everything it added or changed; other managers lose those fields.
 * Mutates `managers`.
 */
export function recordUpdate(
  ctx: UpdaterContext,
  before: JsonValue,
  after: JsonValue,
  apiVersion: string,
  managers: Managers,
  manager: string,
): void {
  const cmp = reassign(ctx, before, after, managers, manager, true);
  const previous = managers.get(manager)?.set ?? new FieldSet();
  const set = previous
    .difference(cmp.removed)
    .union(cmp.modified)
    .union(cmp.added)
    .recursiveDifference(ctx.reset);
  if (set.isEmpty()) managers.delete(manager);
  else managers.set(manager, { set, apiVersion, applied: false });
}

/**
 * An apply of `config` by `manager`: merges it into `live`, makes the manager own exactly
 * the fields of `config`, prunes what it applied last time and no longer does (unless
 * someone else owns it), and moves ownership — throwing ConflictsError unless `force`.
 * Mutates `managers`; returns the new object.
 */
export function recordApply(
  ctx: UpdaterContext,
  live: JsonValue,
  config: JsonValue,
  apiVersion: string,
  managers: Managers,
  manager: string,
  force: boolean,
): JsonValue {
  let merged = mergeValues(live, config, ctx.shape);
  const lastSet = managers.get(manager)?.set;
  const set = toFieldSet(config, ctx.shape).recursiveDifference(ctx.reset);
  managers.set(manager, { set, apiVersion, applied: true });
  if (lastSet && !lastSet.isEmpty()) merged = prune(ctx, merged, managers, lastSet);
  reassign(ctx, live, merged, managers, manager, force);
  return merged;
}

/**
 * Removes a field or item iff the manager applied it last time, does not apply it now,
 * and nobody else owns it (SMD's prune, addBackOwnedItems, addBackDanglingItems).
 *
 * Last apply `{labels: {a, b}}`, this one `{labels: {a}}`, `b` also owned by an updater:
 * `b` stays. Had nobody else owned it, it would go.
 */
function prune(ctx: UpdaterContext, merged: JsonValue, managers: Managers, lastSet: FieldSet): JsonValue {
  const fieldsOf = (v: JsonValue) => toFieldSet(v, ctx.shape).ensureNamedFieldsAreMembers();
  const last = lastSet.ensureNamedFieldsAreMembers();
  // 1. Drop everything applied last time.
  const pruned = removeItems(merged, last, ctx.shape);
  // 2. Put back what anyone (this apply included) owns.
  let owned = new FieldSet();
  for (const vs of managers.values()) owned = owned.union(vs.set);
  const mergedSet = fieldsOf(merged);
  const keep = fieldsOf(pruned).union(owned.ensureNamedFieldsAreMembers());
  const withOwned = removeItems(merged, mergedSet.difference(keep), ctx.shape);
  // 3. Only what was applied last time may go: put back anything else step 1 took.
  return removeItems(merged, mergedSet.difference(fieldsOf(withOwned)).intersection(last), ctx.shape);
}
