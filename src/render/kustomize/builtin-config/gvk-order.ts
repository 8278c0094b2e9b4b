/**
 * kustomize sorts every list of a transformer configuration by GVK (kyaml
 * `Gvk.IsLessThan`): kinds of its legacy resource order first, then the others and
 * kind-less specs by `group_version_kind` (`~G`, `~V`, `~K` for empty parts), then the
 * webhook configurations. Order hardly shows in output, but we keep it for fidelity.
 * Go's sort is not stable; ties keep their written order here.
 */
/** kustomize's legacy resource order: these kinds first, in this order… */
export const LEGACY_ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
/** …and these last. */
export const LEGACY_ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

const rank = new Map<string, number>([
  ...LEGACY_ORDER_FIRST.map((k, i): [string, number] => [k, i - LEGACY_ORDER_FIRST.length]),
  ...LEGACY_ORDER_LAST.map((k, i): [string, number] => [k, i + 1]),
]);

interface GvkLike {
  group?: string;
  version?: string;
  kind?: string;
}

function sortKey(x: GvkLike): string {
  return `${x.group || '~G'}_${x.version || '~V'}_${x.kind || '~K'}`;
}

/** Compares two GVKs as kyaml's `Gvk.IsLessThan` orders them. */
export function compareGvk(a: GvkLike, b: GvkLike): number {
  const ra = rank.get(a.kind ?? '') ?? 0;
  const rb = rank.get(b.kind ?? '') ?? 0;
  if (ra !== rb) return ra - rb;
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
