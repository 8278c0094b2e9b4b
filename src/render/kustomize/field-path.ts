/**
 * kustomize's dotted field paths (`spec.template.spec.containers.[name=app].image`), parsed
 * once and then applied to plain JSON objects. Two dialects exist in kustomize and both are
 * reproduced here, because replacements use one for the source and the other for targets:
 *
 * - *lookup* (kyaml `PathGetter`, replacement sources and var fieldrefs): `[k=v]` matches a
 *   list element whose field equals `v` exactly, `-` is the last element, `*` is refused,
 *   blank parts are dropped.
 * - *match* (kyaml `PathMatcher`, replacement targets): `[k=v]` is an unanchored regular
 *   expression over the field's text (`[name=ap]` matches `app`), `*` visits every element,
 *   `[=v]` selects list items themselves, and with `create` missing maps, list items and
 *   fields are made along the way.
 *
 * Splitting (kustomize `SmarterPathSplitter`): parts are separated by `.`; `\.` escapes a
 * dot; a bracketed part may hold dots — `[name=a.b]` stays a list selector and
 * `[a.b/c]` (no `=`) is the map key `a.b/c`. Written by hand: no JS library speaks kyaml's paths.
 */
import type { JsonObject, JsonValue } from '../../core/object.js';
import { resolvePlain } from './replacements/scalar.js';

/** One step of a parsed path. */
export type PathStep =
  | { type: 'field'; name: string }
  | { type: 'index'; index: number }
  /** lookup only: `-`, the last element */
  | { type: 'last' }
  /** match only: `*` */
  | { type: 'wildcard' }
  /** `[key=value]`; key '' selects primitive items; `regex` is set in the match dialect */
  | { type: 'element'; key: string; value: string; regex?: RegExp };

/** A parsed path; `text` is what the user wrote, for messages. */
export interface FieldPath {
  text: string;
  dialect: 'lookup' | 'match';
  steps: PathStep[];
}

/** A place a target path reached: `parent[key]` holds the value. */
export interface FieldMatch {
  parent: JsonObject | JsonValue[];
  key: string | number;
  /** true when the value is a scalar placeholder the match created (it has no type yet) */
  created: boolean;
}

/** The node kind `create` makes at the end of a target path: the kind of the value written. */
export type CreateKind = 'scalar' | 'map' | 'list';

/** A path that cannot be parsed or applied; callers wrap it with their own context and code. */
export class FieldPathError extends Error {}

/** Splits a path as kustomize's `SmarterPathSplitter` does (see the file comment). */
export function splitPath(path: string, delimiter = '.'): string[] {
  let parts = path.split(delimiter);
  if (parts.length > 1 && parts[0] === '') parts = parts.slice(1);
  const escaped: string[] = [parts[0]];
  for (let i = 1; i < parts.length; i++) {
    const last = escaped[escaped.length - 1];
    if (last.endsWith('\\')) escaped[escaped.length - 1] = last.slice(0, -1) + delimiter + parts[i];
    else escaped.push(parts[i]);
  }
  const out: string[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const part = escaped[i];
    if (!part.startsWith('[') || part.endsWith(']')) {
      out.push(part);
      continue;
    }
    const bracketed = [part];
    while (i < escaped.length - 1) {
      bracketed.push(escaped[++i]);
      if (escaped[i].endsWith(']')) break;
    }
    const joined = bracketed.join(delimiter);
    out.push(joined.includes('=') ? joined : joined.replace(/^[[\]]+|[[\]]+$/g, ''));
  }
  return out;
}

// Go's strconv.Atoi: optional sign, decimal digits.
const goAtoi = /^[+-]?[0-9]+$/;

/**
 * Parses a source / var path (kyaml `PathGetter`). With `sliceIndex`, `ports[0]` means
 * `ports.0` as kustomize's var fieldrefs allow.
 */
export function parseLookupPath(text: string, options: { sliceIndex?: boolean } = {}): FieldPath {
  let parts = splitPath(text);
  if (options.sliceIndex) parts = parts.flatMap(splitSliceIndex);
  const steps: PathStep[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    if (goAtoi.test(part)) {
      const index = Number(part);
      if (index < 0) throw new FieldPathError(`array index ${part} cannot be negative`);
      steps.push({ type: 'index', index });
    } else if (part === '-') steps.push({ type: 'last' });
    else if (part === '*') throw new FieldPathError('a wildcard (*) cannot be used here, only in targets');
    else if (isListSelector(part)) steps.push(elementStep(part, false));
    else steps.push({ type: 'field', name: part });
  }
  return { text, dialect: 'lookup', steps };
}

/** Parses a replacement target path (kyaml `PathMatcher`). */
export function parseMatchPath(text: string): FieldPath {
  const steps = splitPath(text).map((part): PathStep => {
    if (goAtoi.test(part) && Number(part) >= 0) return { type: 'index', index: Number(part) };
    if (isListSelector(part)) return elementStep(part, true);
    if (part === '*') return { type: 'wildcard' };
    return { type: 'field', name: part };
  });
  return { text, dialect: 'match', steps };
}

function isListSelector(part: string): boolean {
  return part.startsWith('[') && part.endsWith(']');
}

function splitSliceIndex(part: string): string[] {
  const m = /^(.*)\[(\d+)\]$/.exec(part);
  if (!m) return [part];
  return m[1] === '' ? [m[2]] : [m[1], m[2]];
}

function elementStep(part: string, regex: boolean): PathStep {
  const inner = part.slice(1, -1);
  const eq = inner.indexOf('=');
  if (eq < 0) {
    throw new FieldPathError(
      `list selector ${part} must be written [field=value] (or [=value] for plain items)`,
    );
  }
  const key = inner.slice(0, eq);
  const value = inner.slice(eq + 1);
  if (!regex) return { type: 'element', key, value };
  try {
    return { type: 'element', key, value, regex: new RegExp(value) };
  } catch (e) {
    throw new FieldPathError(`list selector ${part}: invalid regular expression: ${(e as Error).message}`);
  }
}

/**
 * Reads the value a lookup path names; undefined when some step finds nothing (a null on
 * the way counts as nothing). Throws FieldPathError when a step meets the wrong kind of node.
 */
export function lookupField(root: JsonValue, path: FieldPath): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const step of path.steps) {
    if (node === null || node === undefined) return undefined;
    switch (step.type) {
      case 'field':
        if (!isMap(node)) throw kindError(step, node);
        node = node[step.name];
        break;
      case 'index':
      case 'last':
        if (!Array.isArray(node)) throw kindError(step, node);
        node = step.type === 'last' ? node[node.length - 1] : node[step.index];
        break;
      case 'element':
        if (!Array.isArray(node)) throw kindError(step, node);
        node = findElement(node, step.key, step.value);
        break;
      default:
        throw new FieldPathError('a wildcard (*) cannot be used here, only in targets');
    }
  }
  return node;
}

/** kyaml `ElementMatcher`: the first item equal to the value, or whose `key` field equals it. */
function findElement(list: JsonValue[], key: string, value: string): JsonValue | undefined {
  for (const item of list) {
    if (key === '') {
      if (nodeValueText(item) === value) return item;
    } else if (isMap(item) && key in item) {
      // An empty value asks only for the key (kyaml compares nothing then).
      if (value === '' || nodeValueText(item[key]) === value) return item;
    }
  }
  return undefined;
}

/**
 * Every place a target path reaches, creating what is missing when `create` is given
 * (kyaml `PathMatcher` with `Create`): maps for field steps, lists before `[k=v]` or an
 * index, a new `{k: v}` item when no list item matches, an item appended when the index
 * equals the list's length. A null met on the way is written through as kustomize does —
 * into a node that never reaches the output — so nothing changes and nothing fails.
 */
export function matchFields(root: JsonValue, path: FieldPath, create?: CreateKind): FieldMatch[] {
  const out: FieldMatch[] = [];
  walk(root, path.steps, 0, create, out);
  return out;
}

function walk(
  node: JsonValue,
  steps: PathStep[],
  i: number,
  create: CreateKind | undefined,
  out: FieldMatch[],
) {
  const step = steps[i];
  const last = i === steps.length - 1;
  switch (step.type) {
    case 'field': {
      if (node === null) {
        // kyaml "sets" the field on the null node itself; the write is lost on output.
        if (create) walk({}, steps, i, create, out);
        return;
      }
      if (!isMap(node)) throw kindError(step, node);
      let created = false;
      if (!(step.name in node)) {
        if (!create) return;
        node[step.name] = newNode(steps[i + 1], create);
        created = true;
      }
      if (last) out.push({ parent: node, key: step.name, created: created && create === 'scalar' });
      else walk(node[step.name], steps, i + 1, create, out);
      return;
    }
    case 'index': {
      if (node === null) {
        // kyaml reads a null as an empty list here, so only an append (index 0) can work.
        if (create && step.index === 0) return walk([], steps, i, create, out);
        throw new FieldPathError(`index ${step.index} specified but only 0 elements found`);
      }
      if (!Array.isArray(node)) throw kindError(step, node);
      let created = false;
      if (create && node.length === step.index) {
        node.push(newNode(steps[i + 1], create));
        created = true;
      }
      if (node.length < step.index + 1) {
        throw new FieldPathError(`index ${step.index} specified but only ${node.length} elements found`);
      }
      if (last) out.push({ parent: node, key: step.index, created: created && create === 'scalar' });
      else walk(node[step.index], steps, i + 1, create, out);
      return;
    }
    case 'wildcard':
      if (node === null) return;
      if (!Array.isArray(node)) throw kindError(step, node);
      for (let k = 0; k < node.length; k++) {
        if (last) out.push({ parent: node, key: k, created: false });
        else walk(node[k], steps, i + 1, create, out);
      }
      return;
    case 'element':
      matchElements(node, steps, i, create, out);
      return;
    default:
      throw new FieldPathError('`-` cannot be used in a target path');
  }
}

function matchElements(
  node: JsonValue,
  steps: PathStep[],
  i: number,
  create: CreateKind | undefined,
  out: FieldMatch[],
) {
  const step = steps[i] as Extract<PathStep, { type: 'element' }>;
  if (node === null) {
    if (create) matchElements([], steps, i, create, out);
    return;
  }
  if (!Array.isArray(node)) throw kindError(step, node);
  const before = out.length;
  scanElements(node, steps, i, create, out, false);
  if (out.length > before || !create) return;
  // Nothing matched: append an item built from the selector and search again (kyaml does
  // the same; the new item's text is untyped YAML, so `[port=8080]` makes `port: 8080`).
  const value = resolvePlain(step.value);
  node.push(step.key === '' ? value : { [step.key]: value });
  scanElements(node, steps, i, create, out, step.key === '');
}

function scanElements(
  list: JsonValue[],
  steps: PathStep[],
  i: number,
  create: CreateKind | undefined,
  out: FieldMatch[],
  createdPrimitive: boolean,
) {
  const step = steps[i] as Extract<PathStep, { type: 'element' }>;
  const re = step.regex!;
  for (let k = 0; k < list.length; k++) {
    const item = list[k];
    if (step.key === '') {
      // A primitive selector yields the item itself; kyaml ignores any steps after it.
      if (re.test(nodeText(item))) out.push({ parent: list, key: k, created: createdPrimitive });
      continue;
    }
    if (!isMap(item) || !(step.key in item)) continue;
    if (!re.test(nodeText(item[step.key]))) continue;
    if (i === steps.length - 1) out.push({ parent: list, key: k, created: false });
    else walk(item, steps, i + 1, create, out);
  }
}

/** What `create` puts at a missing step: decided by the step after it (kyaml getPathPartKind). */
function newNode(next: PathStep | undefined, create: CreateKind): JsonValue {
  if (next === undefined) return create === 'map' ? {} : create === 'list' ? [] : '';
  return next.type === 'element' || next.type === 'index' ? [] : {};
}

function isMap(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A YAML node's `Value`: a scalar's text, '' for maps and lists. */
function nodeValueText(v: JsonValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return 'null';
  return typeof v === 'object' ? '' : String(v);
}

/** The text regexes see (kyaml serializes the node); maps and lists as JSON, an approximation. */
function nodeText(v: JsonValue): string {
  if (v === null) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function kindName(v: JsonValue): string {
  if (Array.isArray(v)) return 'a list';
  if (isMap(v)) return 'a map';
  return `the scalar ${JSON.stringify(v)}`;
}

function kindError(step: PathStep, node: JsonValue): FieldPathError {
  const want = step.type === 'field' ? 'a map' : 'a list';
  const what =
    step.type === 'field'
      ? `field "${step.name}"`
      : step.type === 'element'
        ? `list selector [${step.key}=${step.value}]`
        : step.type === 'index'
          ? `index ${step.index}`
          : step.type === 'last'
            ? 'last element (-)'
            : 'wildcard (*)';
  return new FieldPathError(`${what} expects ${want} but found ${kindName(node)}`);
}
