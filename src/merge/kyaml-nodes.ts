/**
 * Node helpers mirroring kustomize's kyaml on plain JSON values: how kyaml reads a scalar
 * as text, matches list elements by key values, and sets or removes elements. Its merge
 * result depends on these details (elements are matched by the *text* of their keys,
 * empty maps and nulls are dropped whenever a list is rewritten), so they are kept exact.
 * Arrays are edited in place: the caller works on its own copy.
 */
import { CapstanError } from '../core/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../core/object.js';

/** Result of walking a node: a value, undefined (field removed) or a null kept as written. */
export const KEEP_NULL = Symbol('keep-null');
export type WalkResult = JsonValue | undefined | typeof KEEP_NULL;

/** The text of a YAML node (`yaml.Node.Value`): '' for maps and lists, 'null' for null. */
export function nodeText(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** A key value as kyaml's ElementValuesList reads it: '' for absent, null or empty. */
export function keyText(elem: unknown, key: string): string {
  if (!isJsonObject(elem)) return '';
  const v = elem[key];
  return v === null || v === undefined ? '' : nodeText(v);
}

/** kyaml's IsMissingOrNull (a kept null counts as null). */
export function isMissingOrNull(v: unknown): v is null | undefined | typeof KEEP_NULL {
  return v === undefined || v === null || v === KEEP_NULL;
}

/** A map without fields. */
export function isEmptyMap(v: unknown): boolean {
  if (!isJsonObject(v)) return false;
  for (const _ in v) return false;
  return true;
}

function kindName(v: unknown): string {
  if (Array.isArray(v)) return 'SequenceNode';
  if (isJsonObject(v)) return 'MappingNode';
  return 'ScalarNode';
}

/** kyaml's "wrong node kind" error, with the path where the shapes disagree. */
export function wrongKind(expected: string, got: unknown, path: readonly string[]): CapstanError {
  const where = path.length ? path.join('.') : '(root)';
  return new CapstanError(
    'MERGE_INVALID_PATCH',
    `cannot merge field ${where}: expected ${expected} but got ${kindName(got)} (${JSON.stringify(got)})`,
    { path: where },
  );
}

/**
 * Does `elem` match `name: value`? An empty `value` matches any element having the field
 * (kyaml's FieldMatcher without a value); an empty `name` compares the scalar itself.
 */
function fieldMatches(elem: JsonValue, name: string, value: string, path: readonly string[]): boolean {
  if (elem === null) return false;
  if (name === '') {
    if (Array.isArray(elem) || isJsonObject(elem)) throw wrongKind('ScalarNode', elem, path);
    return nodeText(elem) === value;
  }
  if (!isJsonObject(elem)) throw wrongKind('MappingNode', elem, path);
  if (!(name in elem)) return false;
  return value === '' || nodeText(elem[name]) === value;
}

/**
 * kyaml's ElementSetter: drops null and empty-map elements, then replaces every element
 * matching all `keys`/`values` by `element` (removes them when `element` is undefined) and
 * appends `element` when nothing matched.
 */
export function setElement(
  list: JsonValue[],
  element: WalkResult,
  keys: readonly string[],
  values: readonly string[],
  path: readonly string[],
): void {
  if (keys.length === 0) keys = [''];
  const mappingSetter = keys[0] !== '' && values.length > 0 && values[0] !== '';
  const out: JsonValue[] = [];
  let found = false;
  for (const elem of list) {
    if (elem === null || elem === undefined || isEmptyMap(elem)) continue;
    if (mappingSetter && !isJsonObject(elem)) {
      out.push(elem);
      continue;
    }
    // As in kyaml, a key without a value reuses the previous key's verdict.
    let matched = false;
    for (let j = 0; j < keys.length; j++) {
      if (j < values.length) matched = fieldMatches(elem, keys[j]!, values[j]!, path);
      if (!matched) break;
    }
    if (!matched) {
      if (values.length > 0) out.push(elem);
      continue;
    }
    found = true;
    if (!isMissingOrNull(element)) out.push(element);
  }
  list.length = 0;
  for (const e of out) list.push(e);
  if (isMissingOrNull(element)) return;
  if (!found) list.push(element);
}

/** kyaml's ElementList: the first map element whose `keys` have exactly these texts. */
export function findElement(
  list: JsonValue | undefined,
  keys: readonly string[],
  values: readonly string[],
): JsonValue | undefined {
  if (!Array.isArray(list)) return undefined;
  if (keys.length === 0 || keys[0] === '') {
    const want = values[0] ?? '';
    return list.find((e) => nodeText(e) === want);
  }
  for (const elem of list) {
    if (!isJsonObject(elem)) continue;
    let all = true;
    for (let i = 0; i < keys.length && all; i++) {
      const k = keys[i]!;
      all = k in elem && nodeText(elem[k]) === (values[i] ?? '');
    }
    if (all) return elem;
  }
  return undefined;
}

/** A key value written back into an element: YAML would re-read the bare text, so do we. */
export function scalarFromText(text: string): JsonValue {
  if (/^-?(0|[1-9][0-9]*)$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** The value as a map, or undefined. */
export function asMap(v: unknown): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}
