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

/** `schema` with the text `kubectl explain` prints; a shared schema is described where it is used. */
const described = (schema: Schema, description: string): Schema => ({ ...schema, description });

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
  {
    repoURL: described(
      string({ minLength: 1 }),
      "The Git repository's URL (HTTP or HTTPS), or a local directory (/abs, ./rel or file://) for a local source.",
    ),
    targetRevision: described(
      string(),
      'The branch, tag, commit SHA (full or short) or semver range over tags to deploy. Defaults to HEAD.',
    ),
    path: described(
      string(),
      'The directory inside the repository to render: a kustomization or a directory of plain manifests. Defaults to the root.',
    ),
  },
  ['repoURL'],
);

// Defaulted by the API server so the PROJECT, DESTINATION and NAMESPACE columns show what
// the reconciler uses when they are left out.
const destinationSchema = objectOf<ApplicationDestination>(
  {
    cluster: described(
      string({ default: 'in-process' }),
      "The name of a registered cluster to deploy to. Defaults to in-process, the daemon's embedded control plane.",
    ),
    namespace: described(
      string({ default: 'default' }),
      'The namespace of the namespaced objects that name none. Defaults to default.',
    ),
  },
  [],
  { default: {} },
);

const retrySchema = objectOf<RetryPolicy>({
  limit: described(
    integer({ minimum: -1 }),
    'How many times a sync that failed transiently is retried after the first attempt; -1 retries without limit. Defaults to 5.',
  ),
  backoff: described(
    objectOf<NonNullable<RetryPolicy['backoff']>>({
      duration: described(
        duration(),
        'The wait before the first retry, a duration such as 5s. Defaults to 5s.',
      ),
      factor: described(
        { type: 'number', minimum: 1 },
        'Each wait is the previous one multiplied by this factor, 1 or more. Defaults to 2.',
      ),
      maxDuration: described(duration(), 'The longest wait between two retries, a duration. Defaults to 3m.'),
    }),
    'How long to wait between retries: the waits grow from duration by factor up to maxDuration.',
  ),
});

const syncPolicySchema = objectOf<SyncPolicy>({
  automated: described(
    boolean(),
    'Sync each new commit and each drift by itself. Defaults to true; false syncs only when asked (capstan sync or the HTTP API).',
  ),
  prune: described(
    boolean(),
    'Delete the objects the application created that its source no longer has. Defaults to true.',
  ),
  selfHeal: described(
    boolean(),
    'Put back changes made to live objects outside Git instead of only reporting them as drift. Defaults to false.',
  ),
  autoRollback: described(
    boolean(),
    'Re-apply the last healthy revision when a revision fails once applied: it ends Degraded, is not healthy within healthTimeout, or a hook fails. Defaults to true.',
  ),
  syncOptions: described(
    stringList(),
    'Options of the sync. The one known option is CreateNamespace=true: create the destination namespace when it is missing.',
  ),
  retry: described(
    retrySchema,
    'How transient sync failures (an unreachable cluster, a conflict, throttling, a server error) are retried.',
  ),
});

const ignoreDifferenceSchema = objectOf<IgnoreDifferenceSpec>(
  {
    group: described(
      string(),
      'The API group of the objects to match, a glob (* matches any). Omitted or empty: the core group.',
    ),
    kind: described(string({ minLength: 1 }), 'The kind of the objects to match, a glob (* matches any).'),
    name: described(string(), 'Only the object of this name. Omitted: every name.'),
    namespace: described(string(), 'Only objects in this namespace. Omitted: every namespace.'),
    jsonPointers: described(
      stringList(),
      'RFC 6901 pointers to the fields left out of the comparison, such as /spec/replicas.',
    ),
    managedFieldsManagers: described(
      stringList(),
      'Field managers whose fields in the live object are left out of the comparison: their values win over the ones in Git.',
    ),
  },
  ['kind'],
);

/** A repository on a Git hosting provider's API, and the Secret of its token. */
const providerSchema = objectOf<GitProviderRef>(
  {
    name: described(oneOf([...GIT_API_PROVIDERS]), `The provider's API: ${GIT_API_PROVIDERS.join(', ')}.`),
    apiUrl: described(
      string({ minLength: 1 }),
      "The API's base URL, such as https://api.github.com or https://gitlab.com/api/v4.",
    ),
    repository: described(
      string({ minLength: 1 }),
      "The repository as owner/name, or GitLab's project path.",
    ),
    tokenSecretRef: described(
      objectOf<GitProviderRef['tokenSecretRef']>(
        {
          name: described(string({ minLength: 1 }), 'The name of a Secret in the capstan-system namespace.'),
          key: described(
            string(),
            "The key of the Secret's data that holds the API token. Defaults to token.",
          ),
        },
        ['name'],
      ),
      "The Secret that holds the provider's API token.",
    ),
  },
  ['name', 'apiUrl', 'repository', 'tokenSecretRef'],
);

const applicationSpecSchema = objectOf<ApplicationSpec>(
  {
    project: described(
      string({ default: 'default' }),
      'The AppProject that bounds which sources, destinations and kinds the application may deploy. Defaults to default, which allows everything unless an AppProject named default says otherwise.',
    ),
    source: described(
      sourceSchema,
      'Where the manifests come from: a repository, a revision and a directory.',
    ),
    destination: described(
      destinationSchema,
      'The cluster and namespace the rendered objects are deployed to.',
    ),
    syncPolicy: described(syncPolicySchema, 'When and how the application is synced.'),
    healthTimeout: described(
      duration(),
      'How long a synced revision may take to become healthy before it counts as failed, a duration such as 5m. Defaults to 5m.',
    ),
    ignoreDifferences: described(
      arrayOf(ignoreDifferenceSchema),
      "Fields left out of the comparison between Git and the live objects, in Argo CD's shape: each entry picks objects by group, kind, name and namespace.",
    ),
    triggerPaths: described(
      stringList(),
      "A push syncs the application only if it changed a file under one of these directories (Argo CD's manifest-generate-paths): relative to source.path, or to the repository root when they start with /. Omitted: every push.",
    ),
    pollInterval: described(
      duration(),
      "How often the source is polled for new commits, a duration. Defaults to the daemon's poll interval (3m).",
    ),
    provider: described(
      providerSchema,
      "The repository on its Git hosting provider's API: each synced commit gets a commit status capstan/<application> (pending, success, failure), and revert pull requests open there.",
    ),
    rollback: described(
      objectOf<NonNullable<ApplicationSpec['rollback']>>({
        gitRevert: described(
          oneOf(['pr', 'commit', 'off']),
          'pr: open a pull request reverting the failed commits under source.path (needs provider); commit: push that revert to the tracked branch; off (the default): stay at the last healthy revision until a newer commit arrives.',
        ),
      }),
      'What Git is told after an automatic rollback from a failed revision.',
    ),
  },
  ['source'],
);

/** metav1.Condition, a list keyed by type as Kubernetes' own conditions are. */
const conditionsSchema: Schema = {
  ...arrayOf(
    objectOf<Condition>(
      {
        type: described(string({ minLength: 1 }), 'The type of the condition, in PascalCase, such as Ready.'),
        status: described(
          oneOf(['True', 'False', 'Unknown']),
          'The status of the condition: True, False or Unknown.',
        ),
        reason: described(
          string(),
          'Why the condition last changed, in PascalCase for machines, such as Succeeded or ProgressDeadlineExceeded.',
        ),
        message: described(string(), 'A human-readable message with the details of the last change.'),
        lastTransitionTime: described(time(), 'When the status last changed (RFC 3339).'),
        observedGeneration: described(
          integer({ minimum: 0 }),
          'The .metadata.generation the condition was computed from.',
        ),
        lastUpdateTime: described(
          time(),
          'When the condition was last updated; only on Deployment-style conditions.',
        ),
      },
      ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
    ),
  ),
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
};

/** SyncIntent is a union: one object with every member's fields. */
const intentSchema = objectOf<{ type: string; revision?: string }>(
  {
    type: described(
      oneOf(['follow', 'revision', 'rollback']),
      'follow: the newest commit of targetRevision; revision: exactly the commit in revision, pinned until a plain sync; rollback: a revision synced before, from its kept rendered objects.',
    ),
    revision: described(string(), 'The commit of a revision or rollback intent.'),
  },
  ['type'],
);

const operationStateSchema = objectOf<OperationState>(
  {
    intent: described(intentSchema, 'What the sync was asked for.'),
    reason: described(
      string(),
      'What started the sync, such as push to main, poll, manual sync or self-heal.',
    ),
    phase: described(
      oneOf(['Running', 'WaitingHealthy', 'Succeeded', 'Failed', 'Error']),
      'Running, WaitingHealthy (applied, waiting for health), Succeeded, Failed or Error.',
    ),
    revision: described(string(), 'The commit being synced.'),
    message: described(string(), 'What the sync is doing or how it ended.'),
    startedAt: described(time(), 'When the sync started.'),
    finishedAt: described(time(), 'When the sync ended.'),
    wave: described(string(), 'The sync phase and wave being applied or waited on, as phase/wave (Sync/0).'),
    applied: described(integer(), 'The objects created or changed so far.'),
    pruned: described(integer(), 'The objects deleted so far.'),
    attempt: described(integer(), 'The attempts of this sync so far: transient failures are retried.'),
    rolledBackTo: described(
      string(),
      'The revision rolled back to, when a rollback followed a failed revision.',
    ),
  },
  ['intent', 'reason', 'phase', 'message', 'startedAt'],
);

const historyEntrySchema = objectOf<HistoryEntry>(
  {
    id: described(integer(), 'The number of the deployment, counting up.'),
    revision: described(string(), 'The commit deployed.'),
    digest: described(string(), 'The sha256 of the rendered objects, so equal renders are recognisable.'),
    deployedAt: described(time(), 'When it was deployed.'),
    result: described(oneOf(['Succeeded', 'Failed']), 'Succeeded or Failed.'),
    subject: described(string(), "The subject of the commit's message."),
    author: described(string(), "The commit's author."),
    rollback: described(boolean(), 'Set when the deployment was a rollback, manual or automatic.'),
  },
  ['id', 'revision', 'digest', 'deployedAt', 'result'],
);

const resourceStatusSchema = objectOf<ResourceStatus>(
  {
    group: described(string(), "The object's API group; empty for the core group."),
    version: described(string(), "The object's API version."),
    kind: described(string(), "The object's kind."),
    namespace: described(string(), "The object's namespace; empty for a cluster-scoped object."),
    name: described(string(), "The object's name."),
    status: described(oneOf(SYNC_STATUS), 'Synced, OutOfSync or Unknown.'),
    health: described(oneOf(HEALTH_STATUS), `The object's health: ${HEALTH_STATUS.join(', ')}.`),
    drift: described(
      string(),
      'Why the object is out of sync, in one line, such as: changed live by kubectl-edit at …: spec.replicas 3 → 5.',
    ),
  },
  ['version', 'kind', 'name', 'status'],
);

const applicationStatusSchema = objectOf<ApplicationStatusBody>({
  observedGeneration: described(integer(), 'The .metadata.generation this status was computed from.'),
  sync: described(
    objectOf<NonNullable<ApplicationStatusBody['sync']>>(
      {
        status: described(
          oneOf(SYNC_STATUS),
          'Synced when the live objects match the revision, OutOfSync when they do not, Unknown before the first comparison.',
        ),
        revision: described(string(), 'The commit synced last.'),
        shortRevision: described(string(), 'The first 7 characters of revision: the REVISION column.'),
      },
      ['status'],
    ),
    'Whether the live objects match the revision to deploy, and the revision synced last.',
  ),
  health: described(
    objectOf<ApplicationHealth>(
      {
        status: described(
          oneOf(HEALTH_STATUS),
          `The health of the application's objects: ${HEALTH_STATUS.join(', ')}.`,
        ),
        message: described(string(), 'Why the application has this health.'),
        object: described(string(), 'The object at fault, such as Deployment shop/web.'),
        pod: described(string(), 'The pod at fault, for a workload.'),
        container: described(string(), 'The container at fault, for a workload.'),
        probe: described(string(), 'The probe that fails, for a workload.'),
      },
      ['status'],
    ),
    "The health of the application's objects, with the object, pod, container and probe at fault.",
  ),
  operationState: described(operationStateSchema, 'The running sync, or the last one.'),
  history: described(arrayOf(historyEntrySchema), 'The last deployments, the newest last, at most 10.'),
  failedRevision: described(
    objectOf<NonNullable<ApplicationStatusBody['failedRevision']>>(
      {
        revision: described(string(), 'The commit that failed.'),
        reason: described(string(), 'Why it failed.'),
        at: described(time(), 'When it failed.'),
      },
      ['revision', 'reason', 'at'],
    ),
    'A revision that ended Degraded: it is not tried again by itself, but any newer commit is.',
  ),
  pinnedRevision: described(
    string(),
    'Set while a sync to an exact revision holds the application there; a plain sync follows targetRevision again.',
  ),
  resources: described(
    arrayOf(resourceStatusSchema),
    'Each object the application deploys, with its sync status and health.',
  ),
  sourceError: described(string(), 'The last error reading the source, until a read succeeds.'),
  conditions: described(
    conditionsSchema,
    'Ready, Reconciling and Stalled, as kubectl wait --for=condition reads them; ProviderAvailable when spec.provider is set.',
  ),
});

const groupKindList = (description: string) =>
  described(
    arrayOf(
      objectOf<GroupKind>(
        {
          group: described(string(), "The API group, a glob: '' is the core group, * any group."),
          kind: described(string({ minLength: 1 }), 'The kind, a glob: * is any kind.'),
        },
        ['group', 'kind'],
      ),
    ),
    description,
  );

const appProjectSpecSchema = objectOf<AppProjectSpec>({
  description: described(string(), 'What the project is for.'),
  sourceRepos: described(
    stringList(),
    'The repository URLs its applications may deploy from, as globs (* allows any; !pattern refuses what it matches). Empty allows none.',
  ),
  destinations: described(
    arrayOf(
      objectOf<ProjectDestination>({
        cluster: described(
          string(),
          'A glob of cluster names, such as * or prod-*; !pattern refuses. Omitted: any cluster.',
        ),
        namespace: described(string(), 'A glob of namespaces; !pattern refuses. Omitted: any namespace.'),
      }),
    ),
    'The clusters and namespaces its applications may deploy to: an object is permitted when an entry matches both. Empty allows none.',
  ),
  clusterResourceWhitelist: groupKindList(
    'The cluster-scoped kinds its applications may deploy. None unless listed.',
  ),
  clusterResourceBlacklist: groupKindList(
    'Cluster-scoped kinds refused even when the whitelist allows them.',
  ),
  namespaceResourceWhitelist: groupKindList(
    'The namespaced kinds its applications may deploy. Empty or omitted: every kind.',
  ),
  namespaceResourceBlacklist: groupKindList('Namespaced kinds refused even when the whitelist allows them.'),
});

/** apiVersion, kind and metadata of a root object; the API server checks metadata itself. */
const typeMeta = {
  apiVersion: described(
    string(),
    'APIVersion defines the versioned schema of this representation of an object: capstan.dev/v1alpha1.',
  ),
  kind: described(string(), 'Kind is a string value representing the REST resource this object represents.'),
  metadata: described({ type: 'object' }, "Standard object's metadata."),
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
  described(
    objectOf<Application>(
      {
        ...typeMeta,
        spec: described(applicationSpecSchema, 'What the application deploys, where, and how it is synced.'),
        status: described(
          applicationStatusSchema,
          'What the reconciler observed; written by the reconciler alone.',
        ),
      },
      ['spec'],
    ),
    'An Application deploys the manifests rendered from a directory of a Git repository at a revision to a destination cluster, and keeps the live objects in sync with them, as Argo CD does.',
  ),
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
  described(
    objectOf<AppProject>(
      {
        ...typeMeta,
        spec: described(appProjectSpecSchema, 'The sources, destinations and kinds the project permits.'),
      },
      ['spec'],
    ),
    "An AppProject bounds what its Applications may deploy: source repositories, destination clusters and namespaces, and kinds, as Argo CD's AppProject. Applications naming no project are in default, which allows everything unless an AppProject named default is defined.",
  ),
);

const promotionWindowSchema = objectOf<PromotionWindow>(
  {
    kind: described(
      oneOf(['allow', 'deny']),
      'allow: promotions may happen while the window is open; deny: they may not.',
    ),
    schedule: described(
      string({ minLength: 1 }),
      'When the window opens: five cron fields, minute first; 0 9 * * 1-5 is 09:00 on weekdays.',
    ),
    duration: described(
      duration(),
      'How long the window stays open each time it opens, a duration such as 8h.',
    ),
    timeZone: described(
      string(),
      'The IANA time zone of the schedule, such as Europe/Berlin. Defaults to UTC.',
    ),
  },
  ['kind', 'schedule', 'duration'],
);

const promotionStageSchema = objectOf<PromotionStage>(
  {
    name: described(
      string({ minLength: 1 }),
      'The name of the stage, unique in the promotion, such as staging.',
    ),
    application: described(
      string({ minLength: 1 }),
      'The Application that runs this environment; one stage per application.',
    ),
    soakTime: described(
      duration(),
      'How long this stage must have been Healthy at its commit before it is promoted from, a duration. Defaults to 0.',
    ),
    windows: described(
      arrayOf(promotionWindowSchema),
      'When promotions into this stage may happen: closed while a deny window is open, and, when there are allow windows, unless one is open. Omitted: always.',
    ),
    autoPromote: described(
      boolean(),
      'Open (or update) the promotion into this stage from the one before by itself, for each new commit there. Defaults to false.',
    ),
  },
  ['name', 'application'],
);

const promotionSpecSchema = objectOf<PromotionSpec>(
  {
    stages: described(
      { ...arrayOf(promotionStageSchema), minItems: 2 },
      'The environments in order, at least two: each is promoted from the one before it.',
    ),
    mode: described(
      string({ enum: ['pr', 'direct'], default: 'pr' }),
      "pr (the default): push a branch and open a pull request; direct: commit on the target stage's branch, fast-forward only.",
    ),
    include: described(
      objectOf<NonNullable<PromotionSpec['include']>>({
        replicas: described(boolean(), 'Promote the replicas: counts too. Defaults to false.'),
        configMapLiterals: described(
          stringList(),
          'The names of the configMapGenerators whose literals are promoted too.',
        ),
      }),
      "What is promoted besides the images of the overlay's kustomization.",
    ),
    provider: described(providerSchema, 'Where the promotion pull requests open; needed for mode pr.'),
  },
  ['stages'],
);

const promotionRecordSchema = objectOf<PromotionRecord>(
  {
    from: described(string(), 'The stage promoted from.'),
    to: described(string(), 'The stage promoted into.'),
    revision: described(string(), "The source stage's commit that was promoted."),
    changes: described(
      stringList(),
      'The changes, one line each, such as image ghcr.io/acme/shop: 1.4.0 → 1.5.0.',
    ),
    commit: described(string(), 'The commit pushed.'),
    branch: described(string(), 'The branch the commit was pushed to.'),
    pullRequest: described(
      objectOf<NonNullable<PromotionRecord['pullRequest']>>(
        {
          number: described(integer(), "The pull request's number."),
          url: described(string(), "The pull request's web page."),
        },
        ['number', 'url'],
      ),
      'The pull request opened or updated, in mode pr.',
    ),
    at: described(time(), 'When the promotion was made.'),
  },
  ['from', 'to', 'revision', 'changes', 'at'],
);

const promotionStatusSchema = objectOf<PromotionStatus>({
  promotions: described(arrayOf(promotionRecordSchema), 'The promotions made, the newest last, at most 10.'),
  conditions: described(
    conditionsSchema,
    'AutoPromoted: False with why an automatic promotion is waiting, True once it is made.',
  ),
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
  described(
    objectOf<Promotion>(
      {
        ...typeMeta,
        spec: described(promotionSpecSchema, 'The stages, and how promotions between them are made.'),
        status: described(promotionStatusSchema, 'The promotions made; written by the daemon.'),
      },
      ['spec'],
    ),
    "A Promotion lists the Applications of one repository that are its environments, in order, and promotes what one stage runs (images, and replicas or configMapGenerator literals when asked) into the next stage's kustomization, by pull request or direct commit.",
  ),
  [
    column('Mode', '.spec.mode', 'pr: a pull request per promotion; direct: a commit on the target branch'),
    column('Age', '.metadata.creationTimestamp', undefined, 'date'),
  ],
);

const previewTemplateSchema = objectOf<PreviewTemplate>({
  project: described(string(), 'The AppProject of the previews. Defaults to default.'),
  destination: described(
    objectOf<NonNullable<PreviewTemplate['destination']>>({
      cluster: described(
        string(),
        'The registered cluster the previews are deployed to. Defaults to in-process, the embedded control plane.',
      ),
    }),
    'Where the previews go; each preview has a namespace of its own, <previewset>-pr-<number>.',
  ),
  syncPolicy: described(
    syncPolicySchema,
    "The previews' sync policy, as an Application's; CreateNamespace=true is always added.",
  ),
  healthTimeout: described(
    duration(),
    'How long a preview may take to become healthy, a duration. Defaults to 5m.',
  ),
});

const previewSetSpecSchema = objectOf<PreviewSetSpec>(
  {
    repoURL: described(
      string({ minLength: 1 }),
      'The repository the pull requests are made in (HTTP or HTTPS).',
    ),
    baseBranch: described(
      string({ minLength: 1 }),
      'Pull requests into this branch get a preview; their rendered diff is against it.',
    ),
    path: described(string(), 'The overlay each preview renders. Defaults to the root of the repository.'),
    provider: described(
      providerSchema,
      'Where the open pull requests are listed and their preview comments go.',
    ),
    ttl: described(
      duration(),
      "A preview is removed this long after its pull request's last push, a duration; a new push brings it back. Defaults to 72h.",
    ),
    maxPreviews: described(
      integer({ minimum: 1 }),
      'At most this many previews at once; the one idle longest is removed first. Defaults to 10.',
    ),
    pollInterval: described(
      duration(),
      'How often the open pull requests are listed, repairing what lost webhooks missed, a duration. Defaults to 5m.',
    ),
    template: described(previewTemplateSchema, "What each preview's Application takes besides its source."),
  },
  ['repoURL', 'baseBranch', 'provider'],
);

const previewRecordSchema = objectOf<PreviewRecord>(
  {
    number: described(integer(), "The pull request's number."),
    headSha: described(string(), "The pull request's head commit."),
    headBranch: described(string(), "The pull request's branch."),
    title: described(string(), "The pull request's title."),
    url: described(string(), "The pull request's web page."),
    pushedAt: described(time(), 'When Capstan first saw headSha: the TTL counts from here.'),
    state: described(
      oneOf(['Active', 'Expired', 'Evicted', 'Closed']),
      'Active: deployed; Expired: its TTL ran out (a push brings it back); Evicted: removed for maxPreviews (likewise); Closed: the pull request was closed or merged.',
    ),
    application: described(string(), "The preview's Application, while Active."),
    previewURL: described(string(), "The preview's URL, once known."),
    commentDigest: described(
      string(),
      'A digest of the comment last written, so an unchanged one is not written again.',
    ),
  },
  ['number', 'headSha', 'pushedAt', 'state'],
);

const previewSetStatusSchema = objectOf<PreviewSetStatus>({
  previews: described(arrayOf(previewRecordSchema), 'The pull requests known, by number.'),
  active: described(integer(), 'The number of Active previews: the PREVIEWS column.'),
  lastPollAt: described(time(), 'When the open pull requests were last listed.'),
  conditions: described(
    conditionsSchema,
    "Ready, and ProviderAvailable: False with the provider's last failure.",
  ),
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
  described(
    objectOf<PreviewSet>(
      {
        ...typeMeta,
        spec: described(previewSetSpecSchema, 'Which pull requests get previews, and how they are deployed.'),
        status: described(
          previewSetStatusSchema,
          'The pull requests known and their previews; written by the daemon.',
        ),
      },
      ['spec'],
    ),
    'A PreviewSet deploys each open pull request into baseBranch at its head commit as an Application <previewset>-pr-<number>, in a namespace of the same name, and removes it when the pull request closes, after its TTL, or for the cap.',
  ),
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
