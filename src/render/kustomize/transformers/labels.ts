/**
 * `labels`, `commonLabels` and `commonAnnotations` (kustomize's LabelTransformer and
 * AnnotationsTransformer): set each pair in every map the field specs reach, creating
 * maps where a spec says so.
 */
import { CapstanError } from '../../../core/errors.js';
import { isJsonObject, type JsonValue } from '../../../core/object.js';
import { compileFieldSpecs, walkFieldSpecs } from '../field-spec.js';
import { describeId } from '../ids.js';
import type { FieldSpec, Resource } from '../types.js';

/** Sets `pairs` into the maps selected by `specs` on every resource. */
export function setMapEntries(
  resources: readonly Resource[],
  pairs: Record<string, string>,
  specs: readonly FieldSpec[],
  what: 'labels' | 'annotations',
): void {
  const entries = Object.entries(pairs);
  if (entries.length === 0) return;
  const compiled = compileFieldSpecs(specs);
  for (const res of resources) {
    walkFieldSpecs(
      compiled,
      res.obj,
      (_container, _key, value, spec) => {
        if (value === undefined) {
          const created: Record<string, JsonValue> = {};
          for (const [k, v] of entries) created[k] = v;
          return created;
        }
        if (value === null) return undefined;
        if (!isJsonObject(value)) {
          throw new CapstanError(
            'RENDER_TRANSFORM_FAILED',
            `${res.source}: cannot set ${what} in '${spec.path}' of ${describeId(res.obj)}: the field is not a map`,
            { path: spec.path },
          );
        }
        for (const [k, v] of entries) value[k] = v;
        return undefined;
      },
      { create: true },
    );
  }
}
