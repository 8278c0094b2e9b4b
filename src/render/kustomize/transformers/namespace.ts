/**
 * `namespace:` (kustomize's NamespaceTransformer): sets metadata.namespace on every
 * namespaced object, renames Namespace objects, moves RoleBinding subjects named
 * `default` along, and sets the namespace fields the config lists (webhook services…).
 */
import { CapstanError } from '../../../core/errors.js';
import { isClusterScopedKind } from '../../../core/kinds.js';
import { isJsonObject, type JsonValue } from '../../../core/object.js';
import { compileFieldSpecs, walkFieldSpecs } from '../field-spec.js';
import { currentKey, describeId, storePreviousId } from '../ids.js';
import type { FieldSpec, Resource } from '../types.js';

const isRoleBinding = (kind: string) => kind === 'RoleBinding' || kind === 'ClusterRoleBinding';

export interface NamespaceOptions {
  /** only set namespaces that are empty (the NamespaceTransformer's unsetOnly) */
  unsetOnly?: boolean;
  /** which RoleBinding subjects move along: defaultOnly (default), allServiceAccounts, none */
  roleBindingSubjects?: string;
  source?: string;
}

export function setNamespace(
  resources: readonly Resource[],
  namespace: string,
  specs: readonly FieldSpec[],
  options: NamespaceOptions = {},
): void {
  if (!namespace) return;
  const mode = options.roleBindingSubjects || 'defaultOnly';
  if (!['defaultOnly', 'allServiceAccounts', 'none'].includes(mode)) {
    throw new CapstanError(
      'RENDER_PLUGIN_INVALID',
      `${options.source ?? 'NamespaceTransformer'}: setRoleBindingSubjects must be defaultOnly, allServiceAccounts or none, got '${mode}'`,
      {},
    );
  }
  const unsetOnly = options.unsetOnly === true;
  const pick = (old: JsonValue | undefined): JsonValue | undefined =>
    unsetOnly && typeof old === 'string' && old !== '' ? undefined : namespace;
  const general = specs.filter((s) => s.path !== 'metadata/namespace');
  const forV1 = compileFieldSpecs(general);
  const forOthers = compileFieldSpecs(general.filter((s) => s.path !== 'metadata/name'));
  const forBindingsV1 = compileFieldSpecs(
    general.filter((s) => !(isRoleBinding(s.kind ?? '') && s.path === 'subjects/namespace')),
  );
  const forBindings = compileFieldSpecs(
    general.filter(
      (s) => s.path !== 'metadata/name' && !(isRoleBinding(s.kind ?? '') && s.path === 'subjects/namespace'),
    ),
  );
  const set = (_c: unknown, _k: unknown, old: JsonValue | undefined) => pick(old);
  for (const res of resources) {
    const obj = res.obj;
    storePreviousId(res);
    if (!isClusterScopedKind(obj.kind)) {
      if (!isJsonObject(obj.metadata)) obj.metadata = {};
      const next = pick(obj.metadata.namespace);
      if (next !== undefined) obj.metadata.namespace = namespace;
    }
    const v1 = obj.apiVersion === 'v1';
    if (isRoleBinding(obj.kind)) {
      const subjects = obj.subjects;
      if (Array.isArray(subjects)) {
        for (const s of subjects) {
          if (!isJsonObject(s) || mode === 'none') continue;
          const moves = mode === 'allServiceAccounts' ? s.kind === 'ServiceAccount' : s.name === 'default';
          const next = moves ? pick(s.namespace) : undefined;
          if (next !== undefined) s.namespace = next;
        }
      }
      walkFieldSpecs(v1 ? forBindingsV1 : forBindings, obj, set, { create: true });
    } else {
      walkFieldSpecs(v1 ? forV1 : forOthers, obj, set, { create: true });
    }
  }
  const seen = new Set<string>();
  for (const res of resources) {
    const key = currentKey(res.obj);
    if (seen.has(key)) {
      throw new CapstanError(
        'RENDER_ID_CONFLICT',
        `namespace '${namespace}' makes two objects the same: ${describeId(res.obj)}`,
        { namespace },
      );
    }
    seen.add(key);
  }
}
