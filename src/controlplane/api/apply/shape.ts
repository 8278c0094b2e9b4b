/**
 * What server-side apply needs to know about the schema at one position of an object:
 * whether a list is atomic, a set, or a map keyed by some fields; whether a map is
 * atomic; and, for built-in kinds, which struct fields Go always materialises.
 *
 * List types come from the patch metadata (`builtinPatchSchema('apiserver')`), read the
 * way kube-openapi's schemaconv does when a list has no `x-kubernetes-list-type`:
 * `patchStrategy: merge` with a merge key → a map keyed by `x-kubernetes-list-map-keys`
 * (or the merge key); `merge` without a key → a set; anything else → atomic. Custom
 * resources have no metadata here, so their lists are atomic (the structural default).
 */
import {
  builtinPatchSchema,
  patchField,
  type Gvk,
  type ListMeta,
  type PatchType,
} from '../../../core/index.js';
import type { JsonValue } from '../../../core/index.js';

/**
 * Maps that are atomic in the built-in types (`+structType=atomic` / `+mapType=atomic` in
 * the Go sources): label selectors, node selectors and object references. Owned and
 * replaced as a whole, e.g. a Deployment's `f:spec: {f:selector: {}}`.
 */
const ATOMIC_MAPS = new Set([
  'selector',
  'nodeSelector',
  'podSelector',
  'namespaceSelector',
  'labelSelector',
  'scopeSelector',
  'configMapKeyRef',
  'secretKeyRef',
  'fieldRef',
  'resourceFieldRef',
  'scaleTargetRef',
  'roleRef',
  'claimRef',
  'involvedObject',
  'regarding',
  'related',
]);

/** Keyed lists whose items are atomic structs: `f:ownerReferences: {k:{"uid":"…"}: {}}`. */
const ATOMIC_ITEM_LISTS = new Set(['ownerReferences', 'imagePullSecrets', 'secrets']);

/**
 * Fields that a Go object always carries, even when empty: non-pointer structs (as `{}`)
 * and `containers` (no `omitempty`: `null`). When the API server compares an object with
 * its previous version (or, on create, with a zero object) these exist on both sides, so
 * an update never gains ownership of the field itself — only of what is in it. A pointer
 * such as `rollingUpdate`, a map such as `labels` or an omitempty list such as `ports`
 * is absent until set, and the manager that adds it owns it too:
 * `f:labels: {".": {}, f:app: {}}`.
 */
const ALWAYS_PRESENT = new Set([
  'metadata',
  'spec',
  'status',
  'template',
  'strategy',
  'updateStrategy',
  'resources',
  'jobTemplate',
  'containers',
]);

/** Key fields with schema defaults: a port without `protocol` is the `TCP` port. */
const KEY_DEFAULTS: Record<string, JsonValue> = { protocol: 'TCP' };

/** The list type at one position. `keys` empty means a set of scalars. */
export type ListType =
  { readonly atomic: true } | { readonly atomic: false; readonly keys: readonly string[] };

/** The schema at one position of an object (see the file comment). */
export class Shape {
  private constructor(
    /** true for built-in kinds, whose Go types we emulate */
    readonly builtin: boolean,
    private readonly type: PatchType | undefined,
    private readonly meta: ListMeta | undefined,
    private readonly name: string | undefined,
    private readonly itemOf: string | undefined,
  ) {}

  /** The root shape of an object of this kind. */
  static root(gvk: Gvk): Shape {
    const type = builtinPatchSchema('apiserver').rootType(gvk);
    return new Shape(type !== undefined, type, undefined, undefined, undefined);
  }

  /** The shape of field `name` of this map. */
  field(name: string): Shape {
    const f = patchField(this.type, name);
    return new Shape(this.builtin, f?.type, f?.meta, name, undefined);
  }

  /** The shape of an item of this list. */
  item(): Shape {
    return new Shape(this.builtin, this.type, undefined, undefined, this.name);
  }

  /** How a list at this position merges. */
  get list(): ListType {
    const m = this.meta;
    if (!m || !m.strategy.split(',').includes('merge')) return { atomic: true };
    return { atomic: false, keys: m.listMapKeys ?? (m.mergeKey ? [m.mergeKey] : []) };
  }

  /** Whether a map at this position is owned and replaced as a whole. */
  get atomicMap(): boolean {
    if (!this.builtin) return false;
    if (this.itemOf !== undefined) return ATOMIC_ITEM_LISTS.has(this.itemOf);
    return this.name !== undefined && ATOMIC_MAPS.has(this.name);
  }

  /** The default of a key field an item leaves out, if the schema has one. */
  keyDefault(field: string): JsonValue | undefined {
    return this.builtin ? KEY_DEFAULTS[field] : undefined;
  }

  /** Whether field `name` of this map is always present in Go objects (see ALWAYS_PRESENT). */
  alwaysPresent(name: string): boolean {
    return this.builtin && ALWAYS_PRESENT.has(name);
  }
}
