/**
 * `patches`, `patchesStrategicMerge` and `patchesJson6902` (kustomize's PatchTransformer,
 * PatchStrategicMergeTransformer and PatchJson6902Transformer).
 *
 * A strategic-merge patch without a target patches the one object with its own id (any
 * id the object has had); with a target it patches every selected object. The patched
 * object keeps its apiVersion, kind, name and namespace unless the patch's options allow
 * a name or kind change. A patch `$patch: delete` removes the object from the build.
 */
import { CapstanError } from '../../../core/errors.js';
import { gvkOf, isJsonObject, type JsonObject, type KubeObject } from '../../../core/object.js';
import { isSecret } from '../../../core/secret-mask.js';
import { redactSecretValues, secretValuesOf } from '../../../core/secret-text.js';
import {
  applyJsonPatch,
  parseJsonPatch,
  strategicMergePatch,
  type PatchSchemaLookup,
} from '../../../merge/index.js';
import { allIds, describeId, sameId, storePreviousId } from '../ids.js';
import { compileSelector } from '../select.js';
import type { Patch, Resource, Selector } from '../types.js';
import type { JsonValue } from '../../../core/object.js';
import { parseYamlDocuments } from '../../../core/yaml.js';

export interface PatchContext {
  /** display path of the kustomization, for messages */
  source: string;
  /** reads a patch file relative to the kustomization (root-restricted) */
  readFile: (path: string) => string;
  display: (path: string) => string;
  schema?: PatchSchemaLookup;
}

type ParsedPatch =
  | { kind: 'strategic'; docs: JsonObject[]; where: string }
  | { kind: 'json'; ops: JsonValue[]; where: string };

/** Loads a patch's text and decides, as kustomize does, whether it is strategic-merge or JSON 6902. */
function loadPatch(patch: Patch, ctx: PatchContext, field: string): ParsedPatch {
  const hasPath = typeof patch.path === 'string' && patch.path !== '';
  const inline = typeof patch.patch === 'string' ? patch.patch.trim() : '';
  if (!hasPath && inline === '') {
    throw new CapstanError(
      'RENDER_PATCH_INVALID',
      `${ctx.source}: a ${field} entry needs 'path' or 'patch'`,
      {
        file: ctx.source,
      },
    );
  }
  if (hasPath && inline !== '') {
    throw new CapstanError(
      'RENDER_PATCH_INVALID',
      `${ctx.source}: a ${field} entry may not set both 'path' and 'patch'`,
      {
        file: ctx.source,
      },
    );
  }
  const where = hasPath ? ctx.display(patch.path!) : `${ctx.source} (inline ${field})`;
  const text = hasPath ? ctx.readFile(patch.path!) : inline;
  return classify(text, where);
}

function classify(text: string, where: string): ParsedPatch {
  const docs = parseYamlDocuments(text, where);
  if (docs.length === 1 && Array.isArray(docs[0])) return { kind: 'json', ops: docs[0], where };
  if (docs.length === 0) {
    throw new CapstanError('RENDER_PATCH_INVALID', `${where}: patch is empty`, { file: where });
  }
  for (const d of docs) {
    if (!isJsonObject(d)) {
      throw new CapstanError(
        'RENDER_PATCH_INVALID',
        `${where}: not a strategic-merge patch (YAML maps) nor a JSON 6902 patch (a list of operations)`,
        { file: where },
      );
    }
  }
  return { kind: 'strategic', docs: docs as JsonObject[], where };
}

/** Applies one `patches` entry. */
export function applyPatchEntry(resources: Resource[], patch: Patch, ctx: PatchContext): Resource[] {
  const parsed = loadPatch(patch, ctx, 'patches');
  const allowNameChange = patch.options?.allowNameChange === true;
  const allowKindChange = patch.options?.allowKindChange === true;
  if (parsed.kind === 'json') {
    if (!patch.target) {
      throw new CapstanError('RENDER_PATCH_INVALID', `${parsed.where}: a JSON 6902 patch needs a target`, {
        file: parsed.where,
      });
    }
    // `patches` records the old id, so a JSON patch may rename; patchesJson6902 does not
    return applyJsonOps(resources, patch.target, parsed, true);
  }
  if (patch.target) {
    if (parsed.docs.length > 1) {
      throw new CapstanError(
        'RENDER_PATCH_INVALID',
        `${parsed.where}: a patch with a target may hold only one strategic-merge patch, found ${parsed.docs.length}`,
        { file: parsed.where },
      );
    }
    const chosen = new Set(select(resources, patch.target));
    return patchEach(
      resources,
      (res) => chosen.has(res),
      parsed.docs[0],
      parsed.where,
      ctx,
      allowNameChange,
      allowKindChange,
    );
  }
  for (const doc of parsed.docs) {
    const target = uniqueTarget(resources, doc, parsed.where);
    resources = patchEach(
      resources,
      (res) => res === target,
      doc,
      parsed.where,
      ctx,
      allowNameChange,
      allowKindChange,
    );
  }
  return resources;
}

/** Applies the `patchesStrategicMerge` list (file paths or inline YAML). */
export function applyStrategicMergePatches(
  resources: Resource[],
  entries: readonly string[],
  ctx: PatchContext,
): Resource[] {
  for (const entry of entries) {
    const inline = entry.includes('\n') || /^\s*(apiVersion|kind|metadata)\s*:/.test(entry);
    const parsed = inline
      ? classify(entry, `${ctx.source} (inline patchesStrategicMerge)`)
      : classify(ctx.readFile(entry), ctx.display(entry));
    if (parsed.kind !== 'strategic') {
      throw new CapstanError(
        'RENDER_PATCH_INVALID',
        `${parsed.where}: patchesStrategicMerge entries must be strategic-merge patches`,
        {
          file: parsed.where,
        },
      );
    }
    for (const doc of parsed.docs) {
      const target = uniqueTarget(resources, doc, parsed.where);
      resources = patchEach(resources, (res) => res === target, doc, parsed.where, ctx, false, false);
    }
  }
  return resources;
}

/** Applies one `patchesJson6902` entry (target with a name required). */
export function applyJson6902Entry(resources: Resource[], patch: Patch, ctx: PatchContext): Resource[] {
  if (!patch.target?.name) {
    throw new CapstanError(
      'RENDER_PATCH_INVALID',
      `${ctx.source}: a patchesJson6902 entry must name its target`,
      {
        file: ctx.source,
      },
    );
  }
  const parsed = loadPatch(patch, ctx, 'patchesJson6902');
  if (parsed.kind !== 'json') {
    throw new CapstanError(
      'RENDER_PATCH_INVALID',
      `${parsed.where}: a patchesJson6902 patch must be a list of operations`,
      {
        file: parsed.where,
      },
    );
  }
  return applyJsonOps(resources, patch.target, parsed, false);
}

/** Applies a JSON 6902 patch to every object the target selects. */
function applyJsonOps(
  resources: Resource[],
  target: Selector,
  parsed: { ops: JsonValue[]; where: string },
  recordId: boolean,
): Resource[] {
  const ops = parseJsonPatch(parsed.ops, parsed.where);
  for (const res of select(resources, target)) {
    if (recordId) storePreviousId(res);
    res.obj = applyJsonPatch(res.obj as unknown as JsonObject, ops, {
      source: parsed.where,
      target: describeId(res.obj),
      inPlace: true,
    }) as unknown as KubeObject;
  }
  return resources;
}

function select(resources: readonly Resource[], target: Selector): Resource[] {
  const matches = compileSelector(target);
  return resources.filter(matches);
}

/** The single object whose (current or earlier) id is the patch's own id. */
function uniqueTarget(resources: readonly Resource[], doc: JsonObject, where: string): Resource {
  const meta = isJsonObject(doc.metadata) ? doc.metadata : {};
  const id = {
    kind: typeof doc.kind === 'string' ? doc.kind : '',
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
  };
  const { group, version } = gvkOf(doc);
  const found = resources.filter((res) => {
    const gv = gvkOf(res.obj);
    return gv.group === group && gv.version === version && allIds(res).some((other) => sameId(id, other));
  });
  const shown = `${id.kind} ${id.namespace ? id.namespace + '/' : ''}${id.name}`;
  if (found.length === 0) {
    throw new CapstanError(
      'RENDER_PATCH_NO_TARGET',
      `${where}: the strategic-merge patch for ${shown} matches no resource in the build`,
      {
        file: where,
      },
    );
  }
  if (found.length > 1) {
    throw new CapstanError(
      'RENDER_PATCH_AMBIGUOUS_TARGET',
      `${where}: the strategic-merge patch for ${shown} matches ${found.length} resources; add a namespace or a target`,
      { file: where },
    );
  }
  return found[0];
}

function patchEach(
  resources: Resource[],
  chosen: (res: Resource) => boolean,
  patch: JsonObject,
  where: string,
  ctx: PatchContext,
  allowNameChange: boolean,
  allowKindChange: boolean,
): Resource[] {
  const out: Resource[] = [];
  for (const res of resources) {
    if (!chosen(res)) {
      out.push(res);
      continue;
    }
    const { name, namespace } = res.obj.metadata;
    const { kind, apiVersion } = res.obj;
    if (allowNameChange || allowKindChange) storePreviousId(res);
    const body: JsonObject = { ...patch, apiVersion };
    let merged: JsonObject | undefined;
    try {
      merged = strategicMergePatch(res.obj as unknown as JsonObject, body, {
        mode: 'kustomize',
        gvk: gvkOf(res.obj),
        schema: ctx.schema,
      });
    } catch (e) {
      if (e instanceof CapstanError) {
        // a merge error may quote a value: on a Secret, its own or the patch's is masked
        const secret = isSecret(res.obj);
        const values = secret ? secretValuesOf([res.obj, { ...body, kind } as KubeObject]) : [];
        throw new CapstanError(
          e.code,
          `${where}: cannot patch ${describeId(res.obj)}: ${redactSecretValues(e.message, values)}`,
          { file: where },
          secret ? undefined : e,
        );
      }
      throw e;
    }
    if (merged === undefined) continue; // the patch deleted the object
    const obj = merged as unknown as KubeObject;
    if (!isJsonObject(obj.metadata)) obj.metadata = {};
    if (!allowKindChange) obj.kind = kind;
    if (!allowNameChange && name !== undefined) obj.metadata.name = name;
    if (namespace !== undefined) obj.metadata.namespace = namespace;
    else delete obj.metadata.namespace;
    res.obj = obj;
    out.push(res);
  }
  return out;
}
