/**
 * Strategic-merge metadata of the built-in kinds: which lists merge, by which key, and
 * which maps are replaced — the `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`
 * / `x-kubernetes-list-map-keys` annotations of the Kubernetes OpenAPI document, kept as a
 * small type graph. Only the paths that lead to a field carrying metadata are kept: every
 * other field behaves the same with or without a schema (maps merge, lists are replaced).
 *
 * Two flavours, because the two consumers disagree:
 * - `kustomize`: exactly what kustomize v5.5 embeds (the Kubernetes v1.21.2 schema, looked
 *   up by exact apiVersion and kind). Fields added to Kubernetes since then (resourceClaims,
 *   schedulingGates, …) have no metadata there, so kustomize replaces those lists.
 * - `apiserver`: the Go struct tags of current Kubernetes, looked up by group and kind.
 *
 * A merge walks the graph one field at a time (`patchField`), so nothing is re-resolved
 * per path; `lookupListMeta` is the convenience form for one full path.
 */
import type { Gvk } from './object.js';

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

/** Patch metadata of one field (usually a list; `replace`/`retainKeys` may sit on a map). */
export interface ListMeta {
  readonly strategy: PatchStrategy;
  /** `x-kubernetes-patch-merge-key`: the key the API server merges list elements by. */
  readonly mergeKey?: string;
  /** `x-kubernetes-list-map-keys`: kustomize matches elements on all of these when present. */
  readonly listMapKeys?: readonly string[];
}

/** One field of a type: its own metadata and the type of its value (of each element, for a list). */
export interface PatchField {
  readonly meta?: ListMeta;
  readonly type?: PatchType;
}

/** A map-shaped type: named fields, or one value type for every key (`additionalProperties`). */
export interface PatchType {
  readonly fields: ReadonlyMap<string, PatchField>;
  readonly additional?: PatchField;
}

/** Where a merge finds the root type of an object. */
export interface PatchSchemaLookup {
  /** The root type for this kind, or undefined when nothing is known (custom resources). */
  rootType(gvk: Gvk): PatchType | undefined;
}

export type PatchSchemaFlavour = 'kustomize' | 'apiserver';

/** A field met inside a known type but absent from the graph: known, without metadata. */
const OPAQUE: PatchField = {};

/**
 * The field `name` of `type`. Undefined only when `type` is; a field the graph does not
 * list is returned as an empty field (it is known to carry no patch metadata).
 */
export function patchField(type: PatchType | undefined, name: string): PatchField | undefined {
  if (type === undefined) return undefined;
  return type.fields.get(name) ?? type.additional ?? OPAQUE;
}

// ---- the graph ------------------------------------------------------------------------

type FieldSpec = PatchField | PatchType;
const isType = (s: FieldSpec): s is PatchType => (s as PatchType).fields instanceof Map;

function type(fields: Record<string, FieldSpec>): PatchType {
  const map = new Map<string, PatchField>();
  for (const [name, spec] of Object.entries(fields)) map.set(name, isType(spec) ? { type: spec } : spec);
  return { fields: map };
}

function list(
  strategy: PatchStrategy,
  mergeKey?: string,
  of?: PatchType,
  listMapKeys?: string[],
): PatchField {
  const meta: ListMeta = {
    strategy,
    ...(mergeKey ? { mergeKey } : {}),
    ...(listMapKeys ? { listMapKeys } : {}),
  };
  return of ? { meta, type: of } : { meta };
}

const byType = (mapKeys?: string[]): PatchField => list('merge', 'type', undefined, mapKeys);

/** Builds the graph for one flavour; `api` adds what Kubernetes gained after v1.21. */
function buildKinds(api: boolean): Map<string, PatchType> {
  const newer = (fields: Record<string, FieldSpec>) => (api ? fields : {});
  const objectMeta = type({ finalizers: list('merge'), ownerReferences: list('merge', 'uid') });
  const withMeta = (fields: Record<string, FieldSpec> = {}) => type({ metadata: objectMeta, ...fields });
  const conditions = (mapKeys?: string[]) => type({ conditions: byType(mapKeys) });

  const commonContainer = {
    env: list('merge', 'name'),
    volumeDevices: list('merge', 'devicePath'),
    volumeMounts: list('merge', 'mountPath'),
  };
  const container = type({
    ...commonContainer,
    ports: list('merge', 'containerPort', undefined, ['containerPort', 'protocol']),
  });
  const ephemeralContainer = type(commonContainer);
  const pvcTemplate = withMeta();
  const volume = type({ ephemeral: type({ volumeClaimTemplate: pvcTemplate }) });
  const podSpec = type({
    containers: list('merge', 'name', container),
    initContainers: list('merge', 'name', container),
    ephemeralContainers: list('merge', 'name', ephemeralContainer),
    hostAliases: list('merge', 'ip'),
    imagePullSecrets: list('merge', 'name'),
    topologySpreadConstraints: list('merge', 'topologyKey', undefined, ['topologyKey', 'whenUnsatisfiable']),
    volumes: list('merge,retainKeys', 'name', volume),
    ...newer({ resourceClaims: list('merge,retainKeys', 'name'), schedulingGates: list('merge', 'name') }),
  });
  const podStatus = type({
    conditions: byType(),
    podIPs: list('merge', 'ip'),
    ...newer({ hostIPs: list('merge', 'ip'), resourceClaimStatuses: list('merge,retainKeys', 'name') }),
  });
  const template = withMeta({ spec: podSpec });
  const pvc = withMeta({ status: conditions() });
  const workload = (extra: Record<string, FieldSpec> = {}) =>
    withMeta({ spec: type({ template, ...extra }), status: conditions() });
  const jobSpec = type({ template });
  const cronJob = withMeta({ spec: type({ jobTemplate: withMeta({ spec: jobSpec }) }) });
  const pdb = withMeta({
    spec: type({ selector: { meta: { strategy: 'replace' } } }),
    status: conditions(['type']),
  });
  const webhooks = withMeta({ webhooks: list('merge', 'name') });
  const csiNode = withMeta({ spec: type({ drivers: list('merge', 'name') }) });
  const apiService = withMeta({ status: conditions(['type']) });

  const kinds = new Map<string, PatchType>();
  const add = (apiVersions: string, kind: string, t: PatchType = withMeta()) => {
    for (const apiVersion of apiVersions.split(' ')) kinds.set(`${apiVersion}|${kind}`, t);
  };
  add('v1', 'Pod', withMeta({ spec: podSpec, status: podStatus }));
  add('v1', 'PodTemplate', withMeta({ template }));
  add('v1', 'ReplicationController', workload());
  add('apps/v1', 'ReplicaSet', workload());
  add('apps/v1', 'DaemonSet', workload());
  add('apps/v1', 'Deployment', workload({ strategy: { meta: { strategy: 'retainKeys' } } }));
  add('apps/v1', 'StatefulSet', workload({ volumeClaimTemplates: { type: pvc } }));
  add('batch/v1', 'Job', withMeta({ spec: jobSpec, status: conditions() }));
  add('batch/v1 batch/v1beta1', 'CronJob', cronJob);
  add('v1', 'PersistentVolumeClaim', pvc);
  add(
    'v1',
    'Service',
    withMeta({
      spec: type({ ports: list('merge', 'port', undefined, ['port', 'protocol']) }),
      status: conditions(['type']),
    }),
  );
  add('v1', 'ServiceAccount', withMeta({ secrets: list('merge', 'name') }));
  add('v1', 'Namespace', withMeta({ status: conditions() }));
  add('v1', 'ComponentStatus', withMeta({ conditions: byType() }));
  add(
    'v1',
    'Node',
    withMeta({
      spec: type({ podCIDRs: list('merge') }),
      status: type({ addresses: byType(), conditions: byType() }),
    }),
  );
  add('policy/v1 policy/v1beta1', 'PodDisruptionBudget', pdb);
  add(
    'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1',
    'MutatingWebhookConfiguration',
    webhooks,
  );
  add(
    'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1',
    'ValidatingWebhookConfiguration',
    webhooks,
  );
  add('storage.k8s.io/v1 storage.k8s.io/v1beta1', 'CSINode', csiNode);
  add('apiregistration.k8s.io/v1 apiregistration.k8s.io/v1beta1', 'APIService', apiService);
  // Kinds whose only metadata is ObjectMeta's (finalizers, ownerReferences).
  for (const kind of 'Binding ConfigMap Endpoints Event LimitRange PersistentVolume ResourceQuota Secret'.split(
    ' ',
  ))
    add('v1', kind);
  add('apps/v1', 'ControllerRevision');
  add('apiextensions.k8s.io/v1 apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition');
  add('autoscaling/v1 autoscaling/v2beta1 autoscaling/v2beta2', 'HorizontalPodAutoscaler');
  add('autoscaling/v1', 'Scale');
  add('certificates.k8s.io/v1 certificates.k8s.io/v1beta1', 'CertificateSigningRequest');
  add('coordination.k8s.io/v1 coordination.k8s.io/v1beta1', 'Lease');
  add('discovery.k8s.io/v1 discovery.k8s.io/v1beta1', 'EndpointSlice');
  add('events.k8s.io/v1 events.k8s.io/v1beta1', 'Event');
  add('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema');
  add('flowcontrol.apiserver.k8s.io/v1beta1', 'PriorityLevelConfiguration');
  add('extensions/v1beta1 networking.k8s.io/v1 networking.k8s.io/v1beta1', 'Ingress');
  add('networking.k8s.io/v1 networking.k8s.io/v1beta1', 'IngressClass');
  add('networking.k8s.io/v1', 'NetworkPolicy');
  add('node.k8s.io/v1 node.k8s.io/v1beta1', 'RuntimeClass');
  add('policy/v1beta1', 'PodSecurityPolicy');
  add('policy/v1beta1', 'Eviction');
  for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']) {
    add('rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1beta1', kind);
  }
  add('scheduling.k8s.io/v1 scheduling.k8s.io/v1beta1', 'PriorityClass');
  add('storage.k8s.io/v1 storage.k8s.io/v1beta1', 'CSIDriver');
  add('storage.k8s.io/v1 storage.k8s.io/v1beta1', 'StorageClass');
  add('storage.k8s.io/v1 storage.k8s.io/v1beta1', 'VolumeAttachment');
  add('storage.k8s.io/v1beta1', 'CSIStorageCapacity');
  return kinds;
}

const apiVersionOf = (gvk: Gvk) => (gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);

const kustomizeKinds = buildKinds(false);
/** kustomize finds a schema only for the exact apiVersion and kind it was built with. */
const kustomizeSchema: PatchSchemaLookup = {
  rootType: (gvk) => kustomizeKinds.get(`${apiVersionOf(gvk)}|${gvk.kind}`),
};

// The API server serves every version of a kind from one internal type: key by group/kind.
const apiKinds = new Map<string, PatchType>();
for (const [key, t] of buildKinds(true)) {
  const [apiVersion, kind] = key.split('|') as [string, string];
  const slash = apiVersion.indexOf('/');
  apiKinds.set(`${slash < 0 ? '' : apiVersion.slice(0, slash)}|${kind}`, t);
}
const apiServerSchema: PatchSchemaLookup = { rootType: (gvk) => apiKinds.get(`${gvk.group}|${gvk.kind}`) };

/** The built-in schema of one flavour (see the file comment). */
export function builtinPatchSchema(flavour: PatchSchemaFlavour): PatchSchemaLookup {
  return flavour === 'kustomize' ? kustomizeSchema : apiServerSchema;
}

/**
 * The metadata of the field at `path` (field names from the object root, no list indices:
 * `['spec', 'template', 'spec', 'containers', 'ports']`), or undefined when it has none.
 */
export function lookupListMeta(
  gvk: Gvk,
  path: readonly string[],
  schema: PatchSchemaLookup = apiServerSchema,
): ListMeta | undefined {
  let t = schema.rootType(gvk);
  let field: PatchField | undefined;
  for (const name of path) {
    field = patchField(t, name);
    if (field === undefined) return undefined;
    t = field.type;
  }
  return field?.meta;
}
