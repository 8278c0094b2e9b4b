/**
 * The `openapi:` field: a schema file that gives merge keys to custom kinds for
 * strategic-merge patches. As in kustomize the schema is build-wide: the last
 * kustomization loaded with an `openapi:` field sets it for the patches that follow.
 */
import { CapstanError } from '../../core/errors.js';
import { isJsonObject } from '../../core/object.js';
import { parseYamlDocument } from '../../core/yaml.js';
import { openApiPatchSchema, type PatchSchemaLookup } from '../../merge/index.js';
import type { Target } from './target-model.js';

export function loadOpenApi(t: Pick<Target, 'k' | 'loader' | 'file'>): void {
  const spec = t.k.openapi;
  if (!spec) return;
  const p = spec.path;
  if (typeof p !== 'string' || p === '') {
    if (spec.version !== undefined) return; // a built-in schema version: ours is built in
    throw new CapstanError(
      'RENDER_KUSTOMIZATION_INVALID',
      `${t.file}: openapi needs a 'path' to a schema file`,
      {
        file: t.file,
      },
    );
  }
  const shown = t.loader.display(p);
  const doc = parseYamlDocument(t.loader.readFile(p), shown);
  if (!isJsonObject(doc)) {
    throw new CapstanError('RENDER_OPENAPI_INVALID', `${shown}: an OpenAPI schema must be a map`, {
      file: shown,
    });
  }
  t.loader.ctx.patchSchema = openApiPatchSchema(doc);
}

export function patchSchemaFor(t: Target): PatchSchemaLookup | undefined {
  return t.loader.ctx.patchSchema;
}
