/**
 * Resource ids as kustomize compares them (kyaml `resid`): namespaces are compared by
 * their *effective* value — '' and 'default' are the same for namespaced kinds, and
 * cluster-scoped kinds have no namespace at all.
 */
import { isClusterScopedKind } from '../../core/kinds.js';
import { gvkOf, type KubeObject } from '../../core/object.js';
import type { Resource } from './types.js';

export const CLUSTER_SCOPED = '~X';

export interface SimpleId {
  kind: string;
  name: string;
  namespace?: string;
}

export function effectiveNamespace(kind: string, namespace: string | undefined): string {
  if (isClusterScopedKind(kind)) return CLUSTER_SCOPED;
  return namespace ? namespace : 'default';
}

export function currentId(obj: KubeObject): SimpleId {
  const id: SimpleId = { kind: obj.kind, name: obj.metadata?.name ?? '' };
  if (obj.metadata?.namespace) id.namespace = obj.metadata.namespace;
  return id;
}

/** Records the current id as a previous one (kustomize's StorePreviousId). */
export function storePreviousId(res: Resource): void {
  const { kind, name, namespace } = currentId(res.obj);
  res.previous.push({ kind, name, namespace: effectiveNamespace(kind, namespace) });
}

/** The oldest id the resource had (kustomize's OrgId). */
export function originalId(res: Resource): SimpleId {
  return res.previous.length > 0 ? res.previous[0] : currentId(res.obj);
}

/** Every id the resource has had, current one last. */
export function allIds(res: Resource): SimpleId[] {
  return [...res.previous, currentId(res.obj)];
}

/** Id equality as kustomize's ResId.Equals: group, version, kind, name and effective namespace. */
export function sameId(a: SimpleId, b: SimpleId): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    effectiveNamespace(a.kind, a.namespace) === effectiveNamespace(b.kind, b.namespace)
  );
}

/** `apps_v1_Deployment|ns|name` — the form kustomize uses in its messages, for ours. */
export function describeId(obj: KubeObject): string {
  const { group, version, kind } = gvkOf(obj);
  const gv = group ? `${group}_${version}` : version;
  const ns = obj.metadata?.namespace;
  return `${kind} ${ns ? ns + '/' : ''}${obj.metadata?.name ?? ''} (${gv})`;
}

/** A key unique per current id, for duplicate detection. */
export function currentKey(obj: KubeObject): string {
  const { group, version } = gvkOf(obj);
  return `${group}|${version}|${obj.kind}|${effectiveNamespace(obj.kind, obj.metadata?.namespace)}|${obj.metadata?.name ?? ''}`;
}

export function newResource(obj: KubeObject, source: string): Resource {
  return { obj, source, previous: [], prefixes: [], suffixes: [] };
}
