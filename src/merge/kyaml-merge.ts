/**
 * Strategic merge as kustomize applies patches (kyaml `merge2` walking target and patch
 * together), on plain JSON. Written here rather than taken from apimachinery because
 * kustomize's output differs from the API server's: element order, directives left in
 * place (`$retainKeys`, `$setElementOrder/…`), nulls kept in replaced lists, no error on
 * an element without its merge key. Works in place on copies made by the caller.
 * https://github.com/kubernetes-sigs/kustomize/tree/master/kyaml/yaml/merge2
 */
import { CapstanError } from '../core/errors.js';
import { gvkOf, isJsonObject, type JsonObject, type JsonValue } from '../core/object.js';
import { type PatchField, type PatchSchemaLookup, patchField } from '../core/patch-meta.js';
import { mergeAssociativeList } from './kyaml-list.js';
import {
  KEEP_NULL,
  isMissingOrNull,
  nodeText,
  setElement,
  wrongKind,
  type WalkResult,
} from './kyaml-nodes.js';

type Directive = 'merge' | 'replace' | 'delete' | 'unknown';

function unknownDirective(v: string, path: readonly string[]): CapstanError {
  return new CapstanError(
    'MERGE_INVALID_PATCH',
    `unknown patch strategy '${v}' at ${path.join('.') || '(root)'}: use merge, replace or delete`,
    { path: path.join('.') },
  );
}

/** `$patch` of a patch map; a known directive is removed from the patch, as kyaml does. */
function mapDirective(origin: JsonObject, path: readonly string[]): Directive {
  if (!('$patch' in origin)) return 'merge';
  const v = nodeText(origin.$patch);
  if (v !== 'merge' && v !== 'replace' && v !== 'delete') throw unknownDirective(v, path);
  delete origin.$patch;
  return v;
}

/** `{$patch: …}` element of a patch list (only an element with no other field counts). */
function listDirective(origin: JsonValue[], path: readonly string[]): Directive {
  const el = origin.find((e) => isJsonObject(e) && '$patch' in e) as JsonObject | undefined;
  if (!el || Object.keys(el).length > 1) return 'merge';
  const v = nodeText(el.$patch);
  if (v !== 'merge' && v !== 'replace' && v !== 'delete') throw unknownDirective(v, path);
  setElement(origin, undefined, ['$patch'], [v], path);
  return v;
}

function kindOf(v: unknown): 'map' | 'list' | 'scalar' | undefined {
  if (isMissingOrNull(v)) return undefined;
  return Array.isArray(v) ? 'list' : isJsonObject(v) ? 'map' : 'scalar';
}

/** An embedded object kyaml would look up a schema for (see embeddedSchema). */
function hasTypeMeta(v: JsonObject): boolean {
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

/** Texts YAML reads as something other than a string: written quoted when they are strings. */
const NON_STRING =
  /^(?:[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o?[0-7]+|[-+]?\.inf|\.nan|true|false|yes|no|on|off|y|n|null|~)$/i;

/**
 * kyaml copies the target's quoting onto the patch value. A target string that only
 * quotes can keep a string (`"1"`, `"true"`) was quoted, so a number or boolean patched
 * over it comes out as a string (observed: base `name: "1"`, patch `name: 1` → `"1"`).
 */
function keepQuoting(dest: JsonValue | undefined, origin: JsonValue): JsonValue {
  if (
    typeof dest === 'string' &&
    (typeof origin === 'number' || typeof origin === 'boolean') &&
    NON_STRING.test(dest)
  ) {
    return String(origin);
  }
  return origin;
}

const kindNames = { map: 'MappingNode', list: 'SequenceNode', scalar: 'ScalarNode' } as const;

/** One merge: the schema lookup is fixed for the whole walk. */
export class KyamlMerger {
  constructor(private readonly schema: PatchSchemaLookup) {}

  walk = (
    dest: JsonValue | undefined,
    origin: JsonValue | undefined,
    schema: PatchField | undefined,
    path: readonly string[],
  ): WalkResult => {
    // Fast path: a subtree the patch does not touch and whose schema holds no merge
    // metadata comes out as it went in (kyaml walks it only to find nothing to do).
    if (origin === undefined && schema?.type === undefined && schema?.meta === undefined) {
      if (dest === null) return KEEP_NULL;
      if (!isJsonObject(dest) || !hasTypeMeta(dest)) return dest;
    }
    const kind = kindOf(dest) ?? kindOf(origin);
    if (kind !== undefined) {
      for (const s of [dest, origin]) {
        if (kindOf(s) !== undefined && kindOf(s) !== kind) throw wrongKind(kindNames[kind], s, path);
      }
    }
    if (kind === 'scalar') return origin !== undefined ? keepQuoting(dest, origin) : dest;
    if (kind === 'list') {
      const associative = schema?.meta?.strategy.split(',').includes('merge') ?? false;
      if (!associative) return origin !== undefined ? origin : dest;
      return this.walkList(dest, origin, schema!, path);
    }
    return this.walkMap(dest, origin, schema, path);
  };

  private walkMap(
    dest: JsonValue | undefined,
    origin: JsonValue | undefined,
    schema: PatchField | undefined,
    path: readonly string[],
  ): WalkResult {
    // kyaml falls back to the schema of an embedded object's own apiVersion and kind.
    if (schema === undefined) schema = this.embeddedSchema(dest) ?? this.embeddedSchema(origin);
    let target: JsonValue | undefined;
    if (dest === undefined || dest === null) {
      // Errors in the directive are ignored here, as kyaml does when the target has no map.
      let directive: Directive = 'merge';
      if (isJsonObject(origin)) {
        try {
          directive = mapDirective(origin, path);
        } catch {
          directive = 'unknown';
        }
      }
      if (directive === 'delete') return undefined;
      // A null in the target that the patch does not mention stays in the output.
      if (origin === undefined && dest === null) return KEEP_NULL;
      target = origin;
    } else if (origin === null) {
      return undefined;
    } else {
      const directive = isJsonObject(origin) ? mapDirective(origin, path) : 'merge';
      if (directive === 'delete') return undefined;
      target = directive === 'replace' ? origin : dest;
    }
    if (!isJsonObject(target)) return target;
    const patch = isJsonObject(origin) ? origin : undefined;
    const names = new Set(Object.keys(target));
    if (patch && patch !== target) for (const k of Object.keys(patch)) names.add(k);
    const type = schema?.type;
    for (const key of [...names].sort()) {
      const child = schema ? patchField(type, key) : undefined;
      const val = this.walk(target[key], patch?.[key], child, [...path, key]);
      if (val === undefined || val === null) delete target[key];
      else target[key] = val === KEEP_NULL ? null : val;
    }
    return target;
  }

  private walkList(
    dest: JsonValue | undefined,
    origin: JsonValue | undefined,
    schema: PatchField,
    path: readonly string[],
  ): WalkResult {
    let target: JsonValue | undefined;
    if (dest === undefined || dest === null) {
      target = origin;
    } else if (origin === null) {
      return undefined;
    } else {
      const directive = Array.isArray(origin) ? listDirective(origin, path) : 'merge';
      if (directive === 'delete') return undefined;
      target = directive === 'replace' ? origin : dest;
    }
    if (!Array.isArray(target)) return target;
    return mergeAssociativeList(target, Array.isArray(origin) ? origin : undefined, schema, path, this.walk);
  }

  private embeddedSchema(v: JsonValue | undefined): PatchField | undefined {
    if (!isJsonObject(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string') return undefined;
    if (!v.apiVersion || !v.kind) return undefined;
    const root = this.schema.rootType(gvkOf(v));
    return root ? { type: root } : undefined;
  }
}
