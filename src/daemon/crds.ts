/**
 * The CustomResourceDefinitions of Capstan's own kinds, `capstan.dev/v1alpha1` Application,
 * AppProject, Promotion and PreviewSet, as the daemon installs them in its embedded control plane and as
 * manifests/crds/ publishes them (`npm run crds` writes those files from these values).
 *
 * The schemas are built with `objectOf<T>()`, whose properties must name every field of the
 * TypeScript shape in core/application.ts and nothing else: a field added there and not
 * here fails to compile, so the API server never silently prunes it.
 */
import {
  CAPSTAN_GROUP,
  stringifyYaml,
  type AppProject,
  type AppProjectSpec,
  type Application,
  type ApplicationDestination,
  type ApplicationHealth,
  type ApplicationSource,
  type ApplicationSpec,
  type ApplicationStatusBody,
  type Condition,
  type GroupKind,
  type HistoryEntry,
  type IgnoreDifferenceSpec,
  type JsonObject,
  type OperationState,
  type ProjectDestination,
  type Promotion,
  type GitProviderRef,
  type PromotionRecord,
  type PromotionSpec,
  type PromotionStage,
  type PromotionStatus,
  type PromotionWindow,
  type PreviewRecord,
  type PreviewSet,
  type PreviewSetSpec,
  type PreviewSetStatus,
  type PreviewTemplate,
  GIT_API_PROVIDERS,
  type ResourceStatus,
  type RetryPolicy,
  type SyncPolicy,
} from '../core/index.js';

type Schema = JsonObject;
/** A CRD as a JSON value, its name typed for callers that look it up. */
export type CrdObject = JsonObject & { metadata: { name: string } };

/** A schema for each field of T, optional ones included, and for no other name. */
type PropertiesOf<T> = { [K in keyof T]-?: Schema };

const string = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const boolean = (): Schema => ({ type: 'boolean' });
const integer = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const stringList = (): Schema => arrayOf(string());
const oneOf = (values: string[]): Schema => string({ enum: values });

function objectOf<T>(properties: PropertiesOf<T>, required: (keyof T & string)[] = [], extra: Schema = {}) {
  const schema: Schema = { type: 'object', properties: properties as Schema };
  if (required.length) schema.required = required;
  return { ...schema, ...extra };
}

/** The durations core/config-fields.ts `durationMs` reads: `500ms`, `2s`, `1m30s`, `0`. */
const duration = () => string({ pattern: '^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$' });
/** RFC 3339 time, as metav1.Time. */
const time = () => string({ format: 'date-time' });

const SYNC_STATUS = ['Synced', 'OutOfSync', 'Unknown'];
const HEALTH_STATUS = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];

const sourceSchema = objectOf<ApplicationSource>(
  { repoURL: string({ minLength: 1 }), targetRevision: string(), path: string() },
  ['repoURL'],
);

// Defaulted by the API server so the PROJECT, DESTINATION and NAMESPACE columns show what
// the reconciler uses when they are left out.
const destinationSchema = objectOf<ApplicationDestination>(
  { cluster: string({ default: 'in-process' }), namespace: string({ default: 'default' }) },
  [],
  { default: {} },
);

const retrySchema = objectOf<RetryPolicy>({
  limit: integer({ minimum: -1 }),
  backoff: objectOf<NonNullable<RetryPolicy['backoff']>>({
    duration: duration(),
    factor: { type: 'number', minimum: 1 },
    maxDuration: duration(),
  }),
});

const syncPolicySchema = objectOf<SyncPolicy>({
  automated: boolean(),
  prune: boolean(),
  selfHeal: boolean(),
  autoRollback: boolean(),
  syncOptions: stringList(),
  retry: retrySchema,
});

const ignoreDifferenceSchema = objectOf<IgnoreDifferenceSpec>(
  {
    group: string(),
    kind: string({ minLength: 1 }),
    name: string(),
    namespace: string(),
    jsonPointers: stringList(),
    managedFieldsManagers: stringList(),
  },
  ['kind'],
);

/** A repository on a Git hosting provider's API, and the Secret of its token. */
const providerSchema = objectOf<GitProviderRef>(
  {
    name: oneOf([...GIT_API_PROVIDERS]),
    apiUrl: string({ minLength: 1 }),
    repository: string({ minLength: 1 }),
    tokenSecretRef: objectOf<GitProviderRef['tokenSecretRef']>(
      { name: string({ minLength: 1 }), key: string() },
      ['name'],
    ),
  },
  ['name', 'apiUrl', 'repository', 'tokenSecretRef'],
);

const applicationSpecSchema = objectOf<ApplicationSpec>(
  {
    project: string({ default: 'default' }),
    source: sourceSchema,
    destination: destinationSchema,
    syncPolicy: syncPolicySchema,
    healthTimeout: duration(),
    ignoreDifferences: arrayOf(ignoreDifferenceSchema),
    triggerPaths: stringList(),
    pollInterval: duration(),
    provider: providerSchema,
    rollback: objectOf<NonNullable<ApplicationSpec['rollback']>>({
      gitRevert: oneOf(['pr', 'commit', 'off']),
    }),
  },
  ['source'],
);

/** metav1.Condition, a list keyed by type as Kubernetes' own conditions are. */
const conditionsSchema: Schema = {
  ...arrayOf(
    objectOf<Condition>(
      {
        type: string({ minLength: 1 }),
        status: oneOf(['True', 'False', 'Unknown']),
        reason: string(),
        message: string(),
        lastTransitionTime: time(),
        observedGeneration: integer({ minimum: 0 }),
        lastUpdateTime: time(),
      },
      ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
    ),
  ),
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
};

/** SyncIntent is a union: one object with every member's fields. */
const intentSchema = objectOf<{ type: string; revision?: string }>(
  { type: oneOf(['follow', 'revision', 'rollback']), revision: string() },
  ['type'],
);

const operationStateSchema = objectOf<OperationState>(
  {
    intent: intentSchema,
    reason: string(),
    phase: oneOf(['Running', 'WaitingHealthy', 'Succeeded', 'Failed', 'Error']),
    revision: string(),
    message: string(),
    startedAt: time(),
    finishedAt: time(),
    wave: string(),
    applied: integer(),
    pruned: integer(),
    attempt: integer(),
    rolledBackTo: string(),
  },
  ['intent', 'reason', 'phase', 'message', 'startedAt'],
);

const historyEntrySchema = objectOf<HistoryEntry>(
  {
    id: integer(),
    revision: string(),
    digest: string(),
    deployedAt: time(),
    result: oneOf(['Succeeded', 'Failed']),
    subject: string(),
    author: string(),
    rollback: boolean(),
  },
  ['id', 'revision', 'digest', 'deployedAt', 'result'],
);

const resourceStatusSchema = objectOf<ResourceStatus>(
  {
    group: string(),
    version: string(),
    kind: string(),
    namespace: string(),
    name: string(),
    status: oneOf(SYNC_STATUS),
    health: oneOf(HEALTH_STATUS),
    drift: string(),
  },
  ['version', 'kind', 'name', 'status'],
);

const applicationStatusSchema = objectOf<ApplicationStatusBody>({
  observedGeneration: integer(),
  sync: objectOf<NonNullable<ApplicationStatusBody['sync']>>(
    { status: oneOf(SYNC_STATUS), revision: string(), shortRevision: string() },
    ['status'],
  ),
  health: objectOf<ApplicationHealth>(
    {
      status: oneOf(HEALTH_STATUS),
      message: string(),
      object: string(),
      pod: string(),
      container: string(),
      probe: string(),
    },
    ['status'],
  ),
  operationState: operationStateSchema,
  history: arrayOf(historyEntrySchema),
  failedRevision: objectOf<NonNullable<ApplicationStatusBody['failedRevision']>>(
    { revision: string(), reason: string(), at: time() },
    ['revision', 'reason', 'at'],
  ),
  pinnedRevision: string(),
  resources: arrayOf(resourceStatusSchema),
  sourceError: string(),
  conditions: conditionsSchema,
  reconciledAt: time(),
});

const groupKindList = () =>
  arrayOf(objectOf<GroupKind>({ group: string(), kind: string({ minLength: 1 }) }, ['group', 'kind']));

const appProjectSpecSchema = objectOf<AppProjectSpec>({
  description: string(),
  sourceRepos: stringList(),
  destinations: arrayOf(objectOf<ProjectDestination>({ cluster: string(), namespace: string() })),
  clusterResourceWhitelist: groupKindList(),
  clusterResourceBlacklist: groupKindList(),
  namespaceResourceWhitelist: groupKindList(),
  namespaceResourceBlacklist: groupKindList(),
});

/** apiVersion, kind and metadata of a root object; the API server checks metadata itself. */
const typeMeta = {
  apiVersion: string(),
  kind: string(),
  metadata: { type: 'object' },
};

const column = (name: string, jsonPath: string, description?: string, type = 'string'): Schema => ({
  name,
  type,
  jsonPath,
  ...(description ? { description } : {}),
});

/** One served and stored version with the status subresource. */
function crd(names: JsonObject, schema: Schema, columns: Schema[] = []): CrdObject {
  const plural = String(names.plural);
  const version: JsonObject = {
    name: 'v1alpha1',
    served: true,
    storage: true,
    schema: { openAPIV3Schema: schema },
    subresources: { status: {} },
  };
  if (columns.length) version.additionalPrinterColumns = columns;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${CAPSTAN_GROUP}` },
    spec: { group: CAPSTAN_GROUP, scope: 'Cluster', names, versions: [version] },
  };
}

/**
 * `kubectl get applications`: NAME, PROJECT, DESTINATION, NAMESPACE, SYNC, HEALTH, REVISION,
 * AGE. A column holds one JSONPath result, so the destination's cluster and namespace are
 * two columns, and the revision is the short one the reconciler writes beside the full one.
 */
export const APPLICATION_CRD: CrdObject = crd(
  {
    plural: 'applications',
    singular: 'application',
    kind: 'Application',
    listKind: 'ApplicationList',
    shortNames: ['app', 'apps'],
    categories: ['capstan'],
  },
  objectOf<Application>({ ...typeMeta, spec: applicationSpecSchema, status: applicationStatusSchema }, [
    'spec',
  ]),
  [
    column('Project', '.spec.project', 'The AppProject that bounds the application'),
    column('Destination', '.spec.destination.cluster', 'The cluster it deploys to'),
    column('Namespace', '.spec.destination.namespace', 'The namespace of objects that name none'),
    column('Sync', '.status.sync.status', 'Whether the live objects match the revision'),
    column('Health', '.status.health.status', 'The health of its objects'),
    column('Revision', '.status.sync.shortRevision', 'The commit synced last'),
    column('Age', '.metadata.creationTimestamp', undefined, 'date'),
  ],
);

export const APPPROJECT_CRD: CrdObject = crd(
  {
    plural: 'appprojects',
    singular: 'appproject',
    kind: 'AppProject',
    listKind: 'AppProjectList',
    shortNames: ['appproj', 'appprojs'],
    categories: ['capstan'],
  },
  objectOf<AppProject>({ ...typeMeta, spec: appProjectSpecSchema }, ['spec']),
);

const promotionWindowSchema = objectOf<PromotionWindow>(
  {
    kind: oneOf(['allow', 'deny']),
    schedule: string({ minLength: 1 }),
    duration: duration(),
    timeZone: string(),
  },
  ['kind', 'schedule', 'duration'],
);

const promotionStageSchema = objectOf<PromotionStage>(
  {
    name: string({ minLength: 1 }),
    application: string({ minLength: 1 }),
    soakTime: duration(),
    windows: arrayOf(promotionWindowSchema),
    autoPromote: boolean(),
  },
  ['name', 'application'],
);

const promotionSpecSchema = objectOf<PromotionSpec>(
  {
    stages: { ...arrayOf(promotionStageSchema), minItems: 2 },
    mode: string({ enum: ['pr', 'direct'], default: 'pr' }),
    include: objectOf<NonNullable<PromotionSpec['include']>>({
      replicas: boolean(),
      configMapLiterals: stringList(),
    }),
    provider: providerSchema,
  },
  ['stages'],
);

const promotionRecordSchema = objectOf<PromotionRecord>(
  {
    from: string(),
    to: string(),
    revision: string(),
    changes: stringList(),
    commit: string(),
    branch: string(),
    pullRequest: objectOf<NonNullable<PromotionRecord['pullRequest']>>({ number: integer(), url: string() }, [
      'number',
      'url',
    ]),
    at: time(),
  },
  ['from', 'to', 'revision', 'changes', 'at'],
);

const promotionStatusSchema = objectOf<PromotionStatus>({
  promotions: arrayOf(promotionRecordSchema),
  conditions: conditionsSchema,
});

/** `kubectl get promotions`: NAME, STAGES (the first and last), AGE. */
export const PROMOTION_CRD: CrdObject = crd(
  {
    plural: 'promotions',
    singular: 'promotion',
    kind: 'Promotion',
    listKind: 'PromotionList',
    shortNames: ['promo'],
    categories: ['capstan'],
  },
  objectOf<Promotion>({ ...typeMeta, spec: promotionSpecSchema, status: promotionStatusSchema }, ['spec']),
  [
    column('Mode', '.spec.mode', 'pr: a pull request per promotion; direct: a commit on the target branch'),
    column('Age', '.metadata.creationTimestamp', undefined, 'date'),
  ],
);

const previewTemplateSchema = objectOf<PreviewTemplate>({
  project: string(),
  destination: objectOf<NonNullable<PreviewTemplate['destination']>>({ cluster: string() }),
  syncPolicy: syncPolicySchema,
  healthTimeout: duration(),
});

const previewSetSpecSchema = objectOf<PreviewSetSpec>(
  {
    repoURL: string({ minLength: 1 }),
    baseBranch: string({ minLength: 1 }),
    path: string(),
    provider: providerSchema,
    ttl: duration(),
    maxPreviews: integer({ minimum: 1 }),
    pollInterval: duration(),
    template: previewTemplateSchema,
  },
  ['repoURL', 'baseBranch', 'provider'],
);

const previewRecordSchema = objectOf<PreviewRecord>(
  {
    number: integer(),
    headSha: string(),
    headBranch: string(),
    title: string(),
    url: string(),
    pushedAt: time(),
    state: oneOf(['Active', 'Expired', 'Evicted', 'Closed']),
    application: string(),
    previewURL: string(),
    commentDigest: string(),
  },
  ['number', 'headSha', 'pushedAt', 'state'],
);

const previewSetStatusSchema = objectOf<PreviewSetStatus>({
  previews: arrayOf(previewRecordSchema),
  active: integer(),
  lastPollAt: time(),
  conditions: conditionsSchema,
});

/** `kubectl get previewsets`: NAME, BASE, PATH, PREVIEWS (active), AGE. */
export const PREVIEWSET_CRD: CrdObject = crd(
  {
    plural: 'previewsets',
    singular: 'previewset',
    kind: 'PreviewSet',
    listKind: 'PreviewSetList',
    shortNames: ['preview', 'previews'],
    categories: ['capstan'],
  },
  objectOf<PreviewSet>({ ...typeMeta, spec: previewSetSpecSchema, status: previewSetStatusSchema }, ['spec']),
  [
    column('Base', '.spec.baseBranch', 'Pull requests into this branch are previewed'),
    column('Path', '.spec.path', 'The overlay each preview renders'),
    column('Previews', '.status.active', 'Previews deployed now', 'integer'),
    column('Age', '.metadata.creationTimestamp', undefined, 'date'),
  ],
);

/** The published manifests: file name under manifests/crds/ and its text. */
export function crdManifests(): { file: string; text: string }[] {
  const header = '# Generated from src/daemon/crds.ts by `npm run crds`: edit that file, not this one.\n';
  return [
    { file: 'application.yaml', text: header + stringifyYaml(APPLICATION_CRD) },
    { file: 'appproject.yaml', text: header + stringifyYaml(APPPROJECT_CRD) },
    { file: 'promotion.yaml', text: header + stringifyYaml(PROMOTION_CRD) },
    { file: 'previewset.yaml', text: header + stringifyYaml(PREVIEWSET_CRD) },
  ];
}
