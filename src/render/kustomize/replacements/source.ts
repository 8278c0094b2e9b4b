/**
 * The value side of a replacement: find the one source object, read its field and refine
 * it with `options.delimiter`/`index` (kustomize api/filters/replacement getReplacement).
 */
import { CapstanError } from '../../../core/errors.js';
import { cloneJson, type JsonObject, type JsonValue } from '../../../core/object.js';
import { FieldPathError, lookupField, parseLookupPath } from '../field-path.js';
import { describeId } from '../ids.js';
import { compileIdSelector } from '../select.js';
import type { ReplacementSource, Resource } from '../types.js';
import { isScalar, scalarText, tagOf, type ScalarTag } from './scalar.js';

/**
 * The value a replacement writes: a scalar keeps its text and the tag it was read with
 * (only a map or list target takes the tag along); a map or list is copied whole.
 */
export type ReplacementValue =
  { kind: 'scalar'; text: string; tag: ScalarTag } | { kind: 'node'; value: JsonObject | JsonValue[] };

/** kustomize's default for both source and target field paths. */
export const DEFAULT_FIELD_PATH = 'metadata.name';

/**
 * Reads the replacement's value. Exactly one resource must match the source's id fields
 * (equality, current or any previous id); the field must exist and not be null, `{}` or `[]`.
 */
export function readSource(
  resources: readonly Resource[],
  source: ReplacementSource,
  where: string,
): ReplacementValue {
  const res = selectSource(resources, source, where);
  const fieldPath = source.fieldPath || DEFAULT_FIELD_PATH;
  let node: JsonValue | undefined;
  try {
    node = lookupField(res.obj as unknown as JsonValue, parseLookupPath(fieldPath));
  } catch (e) {
    if (!(e instanceof FieldPathError)) throw e;
    throw new CapstanError(
      'RENDER_REPLACEMENT_SOURCE_FIELD_PATH',
      `${where}: cannot read fieldPath '${fieldPath}' of source ${describeId(res.obj)}: ${e.message}`,
      { fieldPath },
    );
  }
  if (node === undefined || node === null || isEmptyCollection(node)) {
    throw new CapstanError(
      'RENDER_REPLACEMENT_SOURCE_FIELD_MISSING',
      `${where}: fieldPath '${fieldPath}' is missing (or null or empty) in source ${describeId(res.obj)}`,
      { fieldPath },
    );
  }
  const value: ReplacementValue = isScalar(node)
    ? { kind: 'scalar', text: scalarText(node), tag: tagOf(node) }
    : { kind: 'node', value: cloneJson(node) };
  return refine(value, source, where);
}

function selectSource(resources: readonly Resource[], source: ReplacementSource, where: string): Resource {
  const selected = compileIdSelector(source);
  let found: Resource | undefined;
  for (const res of resources) {
    if (!selected(res)) continue;
    if (found) {
      throw new CapstanError(
        'RENDER_REPLACEMENT_SOURCE_AMBIGUOUS',
        `${where}: source ${describeSelector(source)} selects more than one resource ` +
          `(${describeId(found.obj)} and ${describeId(res.obj)}); name it more precisely ` +
          '(group, version, kind, name, namespace)',
        { source: { ...source } },
      );
    }
    found = res;
  }
  if (!found) {
    throw new CapstanError(
      'RENDER_REPLACEMENT_SOURCE_NOT_FOUND',
      `${where}: source ${describeSelector(source)} selects no resource ` +
        '(names match exactly, not as regular expressions, current or earlier names)',
      { source: { ...source } },
    );
  }
  return found;
}

/** `options.delimiter` splits the source text and keeps part `index` (0 when unset). */
function refine(value: ReplacementValue, source: ReplacementSource, where: string): ReplacementValue {
  const delimiter = source.options?.delimiter;
  if (!delimiter) return value;
  if (value.kind !== 'scalar') {
    throw new CapstanError(
      'RENDER_REPLACEMENT_DELIMITER_NOT_SCALAR',
      `${where}: source options.delimiter needs a scalar, but fieldPath '${source.fieldPath}' holds a ` +
        (Array.isArray(value.value) ? 'list' : 'map'),
      { fieldPath: source.fieldPath },
    );
  }
  const parts = value.text.split(delimiter);
  const index = source.options?.index ?? 0;
  // kustomize refuses a negative source index (only targets give it a meaning: prepend).
  if (index < 0 || index >= parts.length) {
    throw new CapstanError(
      'RENDER_REPLACEMENT_INDEX_OUT_OF_RANGE',
      `${where}: source options.index ${index} is out of bounds: ${JSON.stringify(value.text)} split on ` +
        `${JSON.stringify(delimiter)} has ${parts.length} part(s)`,
      { index, value: value.text, delimiter },
    );
  }
  return { kind: 'scalar', text: parts[index], tag: value.tag };
}

function isEmptyCollection(v: JsonValue): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/** `apps/v1 Deployment ns/name` from the fields a selector sets; `anything` when none. */
export function describeSelector(sel: {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}): string {
  const parts: string[] = [];
  const gv = [sel.group, sel.version].filter(Boolean).join('/');
  if (gv) parts.push(gv);
  if (sel.kind) parts.push(sel.kind);
  if (sel.name || sel.namespace) parts.push(`${sel.namespace ? sel.namespace + '/' : ''}${sel.name ?? '*'}`);
  return parts.length ? `{${parts.join(' ')}}` : '{anything}';
}
