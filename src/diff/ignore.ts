/**
 * Per-application `ignoreDifferences`, in Argo CD's shape
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/): an entry picks objects by
 * group and kind (globs, `*` matches anything; an omitted group is the core group, as in
 * Argo CD) and optionally by name and namespace, then excludes fields from the comparison:
 * those at `jsonPointers`, and those that `managedFieldsManagers` own in the live object
 * (a trusted manager's value wins over Git's and never shows in a diff).
 */
import {
  CapstanError,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type ResourceId,
} from '../core/index.js';
import { keyString, type FieldsNode } from './fields-v1.js';
import { parsePointer, removeAtPointer } from './pointer.js';

export interface IgnoreDifference {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  /** RFC 6901 pointers (`/spec/replicas`), applied to each object as it is (list indices included) */
  jsonPointers?: readonly string[];
  /** fields owned by these managers in the live object take the live value: not compared, not shown */
  managedFieldsManagers?: readonly string[];
}

function invalid(at: string, message: string): CapstanError {
  return new CapstanError('DIFF_IGNORE_DIFFERENCES_INVALID', `${at}: ${message}`, { at });
}

const known = new Set(['group', 'kind', 'name', 'namespace', 'jsonPointers', 'managedFieldsManagers']);
const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Checks the shape of an `ignoreDifferences` list (from an application's configuration);
 * throws `DIFF_IGNORE_DIFFERENCES_INVALID` naming the entry and the field at fault.
 */
export function validateIgnoreDifferences(value: unknown, at = 'ignoreDifferences'): IgnoreDifference[] {
  if (!Array.isArray(value)) throw invalid(at, 'must be a list of entries');
  value.forEach((e: unknown, i) => {
    const here = `${at}[${i}]`;
    if (!isJsonObject(e))
      throw invalid(here, 'must be a map with kind and jsonPointers or managedFieldsManagers');
    for (const f of Object.keys(e))
      if (!known.has(f))
        throw invalid(
          `${here}.${f}`,
          f === 'jqPathExpressions'
            ? 'jq path expressions are not supported: use jsonPointers'
            : `unknown field (known: ${[...known].join(', ')})`,
        );
    if (typeof e.kind !== 'string' || e.kind === '')
      throw invalid(here, 'kind is required (use "*" for any)');
    for (const f of ['group', 'name', 'namespace'] as const)
      if (e[f] !== undefined && typeof e[f] !== 'string') throw invalid(`${here}.${f}`, 'must be a string');
    for (const f of ['jsonPointers', 'managedFieldsManagers'] as const)
      if (e[f] !== undefined && !strings(e[f])) throw invalid(`${here}.${f}`, 'must be a list of strings');
    ((e.jsonPointers ?? []) as string[]).forEach((p, j) => {
      if (!p.startsWith('/'))
        throw invalid(
          `${here}.jsonPointers[${j}]`,
          `${JSON.stringify(p)} is not a JSON pointer (it must start with "/")`,
        );
    });
  });
  return value as IgnoreDifference[];
}

const globs = new Map<string, RegExp>();
function glob(pattern: string, s: string): boolean {
  if (!pattern.includes('*')) return pattern === s;
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    globs.set(pattern, re);
  }
  return re.test(s);
}

/** The entries that apply to the object `id`. */
export function matchingIgnores(
  entries: readonly IgnoreDifference[] | undefined,
  id: ResourceId,
): IgnoreDifference[] {
  if (!entries || entries.length === 0) return [];
  return entries.filter(
    (e) =>
      glob(e.group ?? '', id.group) &&
      glob(e.kind, id.kind) &&
      (!e.name || e.name === id.name) &&
      (!e.namespace || e.namespace === (id.namespace ?? '')),
  );
}

/** `value` without the fields at `pointers` (each checked; a pointer that does not resolve is ignored). */
export function removePointers(value: JsonObject, pointers: readonly string[]): JsonObject {
  let out: JsonValue = value;
  for (const p of pointers) {
    if (!p.startsWith('/'))
      throw invalid(
        'ignoreDifferences',
        `${JSON.stringify(p)} is not a JSON pointer (it must start with "/")`,
      );
    out = removeAtPointer(out, parsePointer(p));
  }
  return out as JsonObject;
}

/**
 * `value` without the fields a manager owns (`fields`, its FieldsV1 trie), or undefined
 * when nothing is left of it. A leaf goes whole; a node with children is descended into and
 * goes only if it was a member and ends empty, so a manager that merely created a map (`.`)
 * does not hide the other managers' keys in it. Only what is removed is copied.
 */
export function removeOwned(value: JsonValue, fields: FieldsNode): JsonValue | undefined {
  if (isLeaf(fields)) return undefined;
  let out: JsonValue = value;
  if (isJsonObject(value)) {
    let copy: JsonObject | undefined;
    for (const name of fields.fieldNames()) {
      const v = value[name];
      if (v === undefined) continue;
      const kept = removeOwned(v, fields.field(name)!);
      if (kept === v) continue;
      copy ??= { ...value };
      if (kept === undefined) delete copy[name];
      else copy[name] = kept;
    }
    if (!copy) return value;
    out = copy;
    if (Object.keys(copy).length > 0) return copy;
  } else if (Array.isArray(value)) {
    const keyed = fields.keyed();
    const sets = fields.values();
    let changed = false;
    const copy: JsonValue[] = [];
    for (const item of value) {
      let node: FieldsNode | undefined;
      if (keyed && isJsonObject(item)) node = keyed.byKey.get(keyString(item, keyed.fields));
      else if (sets.length > 0) {
        const text = JSON.stringify(item);
        node = sets.find((s) => s.text === text)?.node;
      }
      const kept = node ? removeOwned(item, node) : item;
      if (kept !== item) changed = true;
      if (kept !== undefined) copy.push(kept);
    }
    if (!changed) return value;
    out = copy;
    if (copy.length > 0) return copy;
  } else return value;
  return fields.isMember ? undefined : out;
}

function isLeaf(fields: FieldsNode): boolean {
  for (const element in fields.raw) if (element !== '.') return false;
  return true;
}
