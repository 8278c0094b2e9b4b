/**
 * Associative lists as kustomize (kyaml walk, v0.18) merges them, with patch elements
 * first ("prepend", as kustomize's patch transformers ask). Each element is identified by
 * the texts of its keys (`x-kubernetes-list-map-keys` when the schema has them, else the
 * merge key; for primitive lists the value itself). With several keys kyaml first unifies
 * partial key tuples (`mergeValues`), which is why a patch port without `protocol` may
 * match nothing: the quirks are reproduced on purpose, they change real output — e.g.
 * base ports 80/TCP, 80/UDP and patch `{containerPort: 80, name: x}` leave the base as is.
 */
import type { JsonValue } from '../core/object.js';
import type { PatchField } from '../core/patch-meta.js';
import {
  findElement,
  isEmptyMap,
  isMissingOrNull,
  keyText,
  nodeText,
  scalarFromText,
  setElement,
  wrongKind,
  asMap,
  type WalkResult,
} from './kyaml-nodes.js';

/** Walks one element (dest, patch) with the element schema; supplied by the walker. */
export type ElementWalk = (
  dest: JsonValue | undefined,
  origin: JsonValue | undefined,
  schema: PatchField | undefined,
  path: readonly string[],
) => WalkResult;

type Tuple = readonly string[];

/** Key tuples of every element, patch list first, each tuple once. */
function elementValues(keys: readonly string[], dest: JsonValue[], origin: JsonValue[] | undefined): Tuple[] {
  const out: Tuple[] = [];
  const seen = new Set<string>();
  for (const src of [origin, dest]) {
    if (src === undefined || keys.length === 0) continue;
    for (const elem of src) {
      const t = keys.map((k) => keyText(elem, k));
      const id = t.join('\u0000');
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(t);
    }
  }
  return out;
}

function primitiveValues(dest: JsonValue[], origin: JsonValue[] | undefined): Tuple[] {
  const out: Tuple[] = [];
  const seen = new Set<string>();
  for (const src of [origin, dest]) {
    if (src === undefined) continue;
    for (const item of src) {
      const v = nodeText(item);
      if (seen.has(v)) continue;
      seen.add(v);
      out.push([v]);
    }
  }
  return out;
}

/** Two tuples agree when no position has two different non-empty texts and one is equal. */
function match(a: Tuple, b: Tuple): Tuple | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      res.push(a[i]!);
    } else if (a[i] !== '' && b[i] !== '') {
      return undefined;
    } else {
      res.push(a[i] !== '' ? a[i]! : b[i]!);
    }
  }
  return common ? res : undefined;
}

/** kyaml's mergeValues: fills partial tuples from agreeing ones (the row stays as first read). */
function mergeValues(list: Tuple[]): void {
  for (let i = 0; i < list.length; i++) {
    const row = list[i]!;
    for (let j = 0; j < list.length; j++) {
      const m = match(row, list[j]!);
      if (m) list[i] = list[j] = m;
    }
  }
}

/** The keys that have a text in at least one tuple. */
function keysWithText(all: readonly Tuple[], keys: readonly string[]): Set<string> {
  const valid = new Set<string>();
  for (const t of all) t.forEach((v, i) => v !== '' && valid.add(keys[i]!));
  return valid;
}

/** kyaml's validateKeys: keeps the keys in `valid` (all keys when it is empty). */
function validateKeys(valid: Set<string>, values: Tuple, keys: readonly string[]): [string[], string[]] {
  if (valid.size === 0) return [[...keys], [...values]];
  return [keys.filter((k) => valid.has(k)), values.filter((v, i) => v !== '' || valid.has(keys[i]!))];
}

/** kyaml's appendListNode: re-seats every dest element into `dst`, matched by its keys. */
function appendListNode(
  dst: JsonValue[],
  src: JsonValue[],
  keys: string[],
  path: readonly string[],
): JsonValue[] {
  for (const elem of [...src]) {
    if (keys[0] === '') {
      setElement(dst, elem, [''], [nodeText(elem)], path);
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      if (elem === null) {
        dst.push(elem);
        continue;
      }
      const map = asMap(elem);
      if (!map) throw wrongKind('MappingNode', elem, path);
      if (!(key in map)) {
        dst.push(elem);
        continue;
      }
      v.push(nodeText(map[key]));
    }
    if (keys.length > 1) setElement(dst, undefined, keys, v, path);
    setElement(dst, elem, keys, v, path);
  }
  return dst;
}

/**
 * Merges list `dest` (already chosen by the list directive) with patch list `origin`.
 * `keys` is [''] for primitive lists. Returns the new list (patch elements first).
 */
function setElements(
  valuesList: Tuple[],
  keys: readonly string[],
  dest: JsonValue[],
  origin: JsonValue[] | undefined,
  schema: PatchField | undefined,
  path: readonly string[],
  walk: ElementWalk,
): JsonValue[] {
  const items: JsonValue[] = [];
  const elemSchema: PatchField | undefined = schema ? { type: schema.type } : undefined;
  if (keys.length > 1) mergeValues(valuesList);
  let validKeys: string[] = [];
  // The tuples no longer change: which keys carry a text is the same for every element.
  const withText = keysWithText(valuesList, keys);
  for (const values of valuesList) {
    if (values.length === 0) continue;
    let validValues: string[];
    [validKeys, validValues] = validateKeys(withText, values, keys);
    const [k2, v2] = validateKeys(keysWithText([validValues], validKeys), validValues, validKeys);
    const val = walk(findElement(dest, k2, v2), origin && findElement(origin, k2, v2), elemSchema, path);
    if (isMissingOrNull(val) || isEmptyMap(val)) {
      setElement(dest, undefined, validKeys, validValues, path);
      continue;
    }
    const map = asMap(val);
    if (map) {
      validKeys.forEach((key, i) => {
        if (!(key in map) && validValues[i] !== '') map[key] = scalarFromText(validValues[i]!);
      });
    }
    setElement(items, val, validKeys, validValues, path);
  }
  return valuesList.length > 0 ? appendListNode(items, dest, validKeys, path) : dest;
}

/** Merges an associative list: `dest` after the list directive, `origin` the patch list. */
export function mergeAssociativeList(
  dest: JsonValue[],
  origin: JsonValue[] | undefined,
  schema: PatchField,
  path: readonly string[],
  walk: ElementWalk,
): JsonValue[] {
  const meta = schema.meta;
  const keys = meta?.listMapKeys ? [...meta.listMapKeys] : meta?.mergeKey ? [meta.mergeKey] : [];
  const values = elementValues(keys, dest, origin);
  if (values.length > 0 || keys.length > 0)
    return setElements(values, keys, dest, origin, schema, path, walk);
  return setElements(primitiveValues(dest, origin), [''], dest, origin, schema, path, walk);
}
