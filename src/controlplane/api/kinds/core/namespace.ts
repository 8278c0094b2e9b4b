/** core/v1 Namespace: a scope for names, deleted through its `kubernetes` finalizer. */
import type { JsonObject } from '../../../../core/index.js';
import type { ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { invalid, isQualifiedName, nameIsDnsLabel, str } from '../validation.js';
import { validateCoreMeta, validateKubeFinalizers } from './meta.js';
import { arr, child, noGeneration, obj } from './util.js';

/**
 * Create-time defaults: the `kubernetes.io/metadata.name` label (pkg/apis/core/v1/defaults.go
 * SetDefaults_Namespace, so namespace selectors can match by name), and from the registry
 * strategy's PrepareForCreate `status.phase: Active` and the `kubernetes` finalizer that lets
 * the namespace controller empty the namespace before it goes.
 */
export function defaultNamespace(ns: JsonObject): void {
  const meta = child(ns, 'metadata');
  const name = str(meta.name);
  // a generateName-only namespace gets its label once named (the strategy's Canonicalize)
  if (name) child(meta, 'labels')['kubernetes.io/metadata.name'] = name;
  const spec = child(ns, 'spec');
  const finalizers = arr(spec.finalizers);
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  const status = child(ns, 'status');
  if (!str(status.phase)) status.phase = 'Active';
}

/** namespaces: cluster-scoped; the only kind without deletecollection among these. */
export const namespaceType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  status: true,
  defaults: defaultNamespace,
  validate(ns, old) {
    const out = validateCoreMeta(ns, false, nameIsDnsLabel, old);
    const finalizers = obj(ns.spec)?.finalizers;
    for (const f of arr(finalizers).map(String))
      for (const m of isQualifiedName(f)) out.push(invalid('spec.finalizers', f, m));
    out.push(...validateKubeFinalizers(finalizers, 'spec.finalizers'));
    return out;
  },
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Status', type: 'string', priority: 0, description: 'The status of the namespace' },
    { name: 'Age', type: 'string', priority: 0 },
  ],
  printRow: (ns, now) => [str(obj(ns.metadata)?.name), str(obj(ns.status)?.phase), age(ns, now)],
  selectableFields: (ns) => ({ 'status.phase': str(obj(ns.status)?.phase) }),
};
