/**
 * Creation order by kind within a wave, as Argo CD and Helm create objects: what others
 * depend on first (namespaces, policies, identities, configuration, storage, CRDs, RBAC),
 * then Services, then workloads, then what routes to them.
 *
 * The list is Helm's install order (`InstallOrder` in helm/helm
 * pkg/releaseutil/kind_sorter.go), with the two additions Argo CD's copy makes (`kindOrder`
 * in argoproj/gitops-engine pkg/sync/sync_tasks.go): `SecretList` after `Secret` and
 * `IngressClass` before `Ingress`. Kinds it does not name — custom resources, mostly — come
 * last: among themselves by kind (as Helm does; Argo CD mixes them by name only), so that a
 * CR's instances stay together. Then by name, then namespace and group for a total order.
 * https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
import type { ObjectRef } from './types.js';

const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
] as const;

const rank = new Map<string, number>(KIND_ORDER.map((kind, i) => [kind, i]));

/** The kinds with a known place, in creation order (anything else comes after them). */
export const KNOWN_KIND_ORDER: readonly string[] = KIND_ORDER;

/** Position of a kind in creation order; every unknown kind shares the last position. */
export function kindRank(kind: string): number {
  return rank.get(kind) ?? KIND_ORDER.length;
}

// Plain code-unit comparison, as Go's `<` on strings: the order must not depend on a locale.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Creation order of two objects of one wave: kind, then name (then namespace, group). */
export function compareForCreation(a: ObjectRef, b: ObjectRef): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.namespace ?? '', b.namespace ?? '') ||
    compareStrings(a.group, b.group)
  );
}
