/**
 * The write side of a replacement: pick the target objects, find (or create) their fields
 * and store the value as kustomize does (api/filters/replacement applyReplacement,
 * copyValueToTarget, setFieldValue). Behaviour checked with `kubectl kustomize` v5.5:
 * - `select` and `reject` compare ids by equality against current and earlier ids; a
 *   `reject` entry removes an object if its id part matches *or* its label/annotation part
 *   matches (kustomize checks the two separately).
 * - A selected object on which a field path reaches nothing is an error, with or without
 *   `create` (create only helps where the path can be built).
 * - Into an existing scalar only the text is written and the field keeps its type
 *   (`"4"` into `replicas: 1` gives `4`, `4` into a string gives `"4"`, `abc` into an int is
 *   an error); a created field is typed like plain YAML; a map or list target is replaced
 *   by the source value as it is.
 * - `options.delimiter` splits the target's text: `index` replaces that part, a negative
 *   index prepends, an index past the end appends.
 */
import { CapstanError } from '../../../core/errors.js';
import { cloneJson, type JsonValue } from '../../../core/object.js';
import {
  FieldPathError,
  matchFields,
  parseMatchPath,
  type CreateKind,
  type FieldMatch,
  type FieldPath,
} from '../field-path.js';
import { describeId } from '../ids.js';
import {
  compileIdSelector,
  compileMetadataSelector,
  isEmptyIdSelector,
  type ResourcePredicate,
} from '../select.js';
import type { FieldOptions, ReplacementTarget, Resource } from '../types.js';
import { DEFAULT_FIELD_PATH, type ReplacementValue } from './source.js';
import { ScalarDecodeError, decodeAs, isScalar, resolvePlain, scalarText, tagOf } from './scalar.js';

/** Writes `value` into every field the target names on every object it selects. */
export function applyTarget(
  resources: readonly Resource[],
  value: ReplacementValue,
  target: ReplacementTarget,
  where: string,
): void {
  if (!target.select) {
    throw new CapstanError('RENDER_REPLACEMENT_INVALID', `${where}: a target must have 'select'`, {});
  }
  const selected = compileTargetSelection(target, where);
  const fieldPaths =
    target.fieldPaths && target.fieldPaths.length > 0 ? target.fieldPaths : [DEFAULT_FIELD_PATH];
  // Parsed on first use: kustomize only complains about a bad path when it applies it.
  const parsed: Array<FieldPath | undefined> = [];
  const create: CreateKind | undefined = target.options?.create
    ? value.kind === 'scalar'
      ? 'scalar'
      : Array.isArray(value.value)
        ? 'list'
        : 'map'
    : undefined;
  for (const res of resources) {
    if (!selected(res)) continue;
    for (let i = 0; i < fieldPaths.length; i++) {
      const path = (parsed[i] ??= parsePath(fieldPaths[i], where));
      let matches: FieldMatch[];
      try {
        matches = matchFields(res.obj as unknown as JsonValue, path, create);
      } catch (e) {
        if (!(e instanceof FieldPathError)) throw e;
        throw new CapstanError(
          'RENDER_REPLACEMENT_TARGET_FIELD_PATH',
          `${where}: unable to ${create ? 'find or create' : 'find'} field '${path.text}' in target ` +
            `${describeId(res.obj)}: ${e.message}`,
          { fieldPath: path.text },
        );
      }
      if (matches.length === 0) {
        throw new CapstanError(
          'RENDER_REPLACEMENT_TARGET_FIELD_MISSING',
          `${where}: unable to ${create ? 'find or create' : 'find'} field '${path.text}' in target ` +
            `${describeId(res.obj)}` +
            (create ? '' : ' (set options.create: true to create it)'),
          { fieldPath: path.text },
        );
      }
      for (const m of matches)
        setField(m, value, target.options, () => `field '${path.text}' of ${describeId(res.obj)}`, where);
    }
  }
}

function parsePath(text: string, where: string): FieldPath {
  try {
    return parseMatchPath(text);
  } catch (e) {
    if (!(e instanceof FieldPathError)) throw e;
    throw new CapstanError(
      'RENDER_REPLACEMENT_TARGET_FIELD_PATH',
      `${where}: fieldPath '${text}': ${e.message}`,
      {
        fieldPath: text,
      },
    );
  }
}

function compileTargetSelection(target: ReplacementTarget, where: string): ResourcePredicate {
  const select = target.select!;
  const byId = compileIdSelector(select);
  const byMeta = compileMetadataSelector(select, `${where}: select`);
  const rejectIds: ResourcePredicate[] = [];
  const rejectMeta: ResourcePredicate[] = [];
  (target.reject ?? []).forEach((r, i) => {
    if (!r) return;
    if (!isEmptyIdSelector(r)) rejectIds.push(compileIdSelector(r));
    const meta = compileMetadataSelector(r, `${where}: reject[${i}]`);
    if (meta) rejectMeta.push(meta);
  });
  return (res) =>
    (byMeta === undefined || byMeta(res)) &&
    !rejectMeta.some((m) => m(res)) &&
    byId(res) &&
    !rejectIds.some((m) => m(res));
}

function setField(
  m: FieldMatch,
  value: ReplacementValue,
  options: FieldOptions | undefined,
  field: () => string,
  where: string,
): void {
  const current = m.parent[m.key as never] as JsonValue;
  let v = value;
  if (options?.delimiter) {
    if (!isScalar(current)) {
      throw new CapstanError(
        'RENDER_REPLACEMENT_DELIMITER_NOT_SCALAR',
        `${where}: target options.delimiter needs a scalar, but ${field()} holds a ` +
          (Array.isArray(current) ? 'list' : 'map'),
        {},
      );
    }
    const parts = scalarText(current).split(options.delimiter);
    const text = v.kind === 'scalar' ? v.text : '';
    const index = options.index ?? 0;
    if (index < 0) parts.unshift(text);
    else if (index >= parts.length) parts.push(text);
    else parts[index] = text;
    v = { kind: 'scalar', text: parts.join(options.delimiter), tag: v.kind === 'scalar' ? v.tag : 'str' };
  }
  let next: JsonValue;
  try {
    if (isScalar(current)) {
      // A map or list source has no text of its own: kustomize writes '' into a scalar.
      const text = v.kind === 'scalar' ? v.text : '';
      next = m.created ? resolvePlain(text) : decodeAs(tagOf(current), text);
    } else {
      next = v.kind === 'scalar' ? decodeAs(v.tag, v.text) : cloneJson(v.value);
    }
  } catch (e) {
    if (!(e instanceof ScalarDecodeError)) throw e;
    throw new CapstanError(
      'RENDER_REPLACEMENT_TYPE_MISMATCH',
      `${where}: cannot write ${JSON.stringify(v.kind === 'scalar' ? v.text : '')} into ${field()}, ` +
        `which holds ${describe(current)}: ${e.message}`,
      {},
    );
  }
  (m.parent as Record<string | number, JsonValue>)[m.key] = next;
}

function describe(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? `an integer (${v})` : `a number (${v})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  return JSON.stringify(v);
}
