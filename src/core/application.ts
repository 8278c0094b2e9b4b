/**
 * Capstan's own kinds, `capstan.dev/v1alpha1` Application and AppProject: the shapes the
 * daemon reconciles, the API serves, the CLI prints and the CRDs in manifests/crds/
 * describe. Both kinds are cluster-scoped objects of the daemon's embedded control plane,
 * so `kubectl get applications` needs no namespace. The spec follows Argo CD's
 * Application so that its users recognise it; where Capstan differs, the field says so.
 */
import type { ObjectMeta } from './object.js';

export const CAPSTAN_GROUP = 'capstan.dev';
export const CAPSTAN_API_VERSION = 'capstan.dev/v1alpha1';
/** On an Application, deleting it also deletes what it deployed (Argo CD's cascade). */
export const RESOURCES_FINALIZER = 'capstan.dev/resources';
/** A Secret so labelled, in the daemon's control plane, registers a destination cluster. */
export const CLUSTER_SECRET_LABEL = 'capstan.dev/cluster';
/** The destination cluster name of the daemon's own embedded control plane. */
export const IN_PROCESS_CLUSTER = 'in-process';
/** The project every application belongs to unless it names one: it allows everything. */
export const DEFAULT_PROJECT = 'default';
/** The field manager that writes the configuration file's applications. */
export const CONFIG_FIELD_MANAGER = 'capstan-config';

/** metav1.Condition: the shape `kubectl wait --for=condition=…` reads. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** PascalCase, machine-readable: `Succeeded`, `ProgressDeadlineExceeded`. */
  reason: string;
  message: string;
  /** RFC 3339, whole seconds: when `status` last changed. */
  lastTransitionTime: string;
  /** The `.metadata.generation` the condition was computed from. */
  observedGeneration?: number;
  /** Only on the apps/v1 Deployment-style conditions. */
  lastUpdateTime?: string;
}

export interface ApplicationSource {
  /** the repository's URL (HTTP(S)), or a local directory for a local source */
  repoURL: string;
  /** a branch, tag, commit SHA (full or short) or semver range over tags; default `HEAD` */
  targetRevision?: string;
  /** the directory inside the repository to render (default: the root) */
  path?: string;
}

export interface ApplicationDestination {
  /** a registered cluster's name (default `in-process`, the embedded control plane) */
  cluster?: string;
  /** the namespace of objects that name none (default `default`) */
  namespace?: string;
}

export interface RetryPolicy {
  /** attempts after the first for a transient failure (default 5; -1: no limit) */
  limit?: number;
  backoff?: {
    /** the first wait, a duration such as `5s` (default 5s) */
    duration?: string;
    /** each wait is the previous one times this (default 2) */
    factor?: number;
    /** the longest wait (default 3m) */
    maxDuration?: string;
  };
}

export interface SyncPolicy {
  /** sync each new commit and drift by itself (default true); otherwise only on request */
  automated?: boolean;
  /** delete what the application created and Git no longer has (default true) */
  prune?: boolean;
  /** correct drift on live objects instead of only reporting it (default false) */
  selfHeal?: boolean;
  /** re-apply the last healthy revision when a revision ends Degraded (default true) */
  autoRollback?: boolean;
  /** `CreateNamespace=true`: create the destination namespace when it is missing */
  syncOptions?: string[];
  retry?: RetryPolicy;
}

/** Argo CD's `ignoreDifferences` entry (checked by the diff layer). */
export interface IgnoreDifferenceSpec {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  managedFieldsManagers?: string[];
}

export interface ApplicationSpec {
  /** the AppProject that bounds it (default `default`) */
  project?: string;
  source: ApplicationSource;
  destination?: ApplicationDestination;
  syncPolicy?: SyncPolicy;
  /** how long a revision may take to become healthy, a duration (default 5m) */
  healthTimeout?: string;
  ignoreDifferences?: IgnoreDifferenceSpec[];
  /**
   * A push syncs the application only if it changed a file under one of these directories
   * (Argo CD's `manifest-generate-paths`): relative to `source.path`, or from the
   * repository root when they start with `/`.
   */
  triggerPaths?: string[];
  /** how often the source is polled for new commits, a duration (default: the daemon's, 3m) */
  pollInterval?: string;
  /**
   * The repository on its Git hosting provider's API: a commit status for each commit
   * synced (pending, success, failure), and where revert pull requests open.
   */
  provider?: GitProviderRef;
  /** what Git is told after an automatic rollback */
  rollback?: {
    /**
     * `pr`: open a pull request reverting the failed commits under the application's path;
     * `commit`: push that revert to the tracked branch; `off` (default): stay pinned at the
     * last healthy revision until a newer commit arrives, and say so.
     */
    gitRevert?: 'pr' | 'commit' | 'off';
  };
}

/** What a sync request asks for. */
export type SyncIntent =
  /** the newest commit of `targetRevision` (what automation and a plain sync do) */
  | { type: 'follow' }
  /** exactly this commit; the application stays pinned to it until a plain sync */
  | { type: 'revision'; revision: string }
  /** a revision synced before, from its kept rendered objects */
  | { type: 'rollback'; revision: string };

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';
export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface ApplicationHealth {
  status: HealthStatusCode;
  message?: string;
  /** the object at fault (`Deployment shop/web`), and for workloads the pod, container and probe */
  object?: string;
  pod?: string;
  container?: string;
  probe?: string;
}

export type OperationPhase = 'Running' | 'WaitingHealthy' | 'Succeeded' | 'Failed' | 'Error';

export interface OperationState {
  intent: SyncIntent;
  /** what started it: `push to main`, `poll`, `manual sync`, `self-heal: …` */
  reason: string;
  phase: OperationPhase;
  revision?: string;
  message: string;
  startedAt: string;
  finishedAt?: string;
  /** the wave being applied or waited on, as `phase/wave` (`Sync/0`) */
  wave?: string;
  /** objects created or changed, and pruned, so far */
  applied?: number;
  pruned?: number;
  /** attempts of this operation (transient failures are retried) */
  attempt?: number;
  /** set when a rollback followed a failed revision */
  rolledBackTo?: string;
}

export interface HistoryEntry {
  id: number;
  revision: string;
  /** sha256 of the rendered objects, so equal renders are recognisable */
  digest: string;
  deployedAt: string;
  result: 'Succeeded' | 'Failed';
  subject?: string;
  author?: string;
  /** set when this entry is a rollback (manual or automatic) */
  rollback?: boolean;
}

/**
 * The revision a rollback without one returns to: the newest successful entry of the
 * history that is not the revision deployed now. History A ok, B ok, C failed (rolled back
 * to B) with B deployed → A. The server answers a rollback with it; the CLI names it first.
 */
export function previousHealthyRevision(history: HistoryEntry[], current?: string): string | undefined {
  const healthy = history.filter((e) => e.result === 'Succeeded');
  const now = current ?? healthy.at(-1)?.revision;
  return healthy.findLast((e) => e.revision !== now)?.revision;
}

export interface ResourceStatus {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  status: SyncStatusCode;
  health?: HealthStatusCode;
  /** one line saying why it is out of sync: `changed live by kubectl-edit at …: spec.replicas 3 → 5` */
  drift?: string;
}

export interface ApplicationStatusBody {
  observedGeneration?: number;
  /**
   * `shortRevision` is the first 7 characters of `revision`: the REVISION column of `kubectl
   * get applications` (a printer column's JSONPath cannot shorten a string).
   */
  sync?: { status: SyncStatusCode; revision?: string; shortRevision?: string };
  health?: ApplicationHealth;
  operationState?: OperationState;
  /** the newest last, at most 10 */
  history?: HistoryEntry[];
  /** a revision that ended Degraded: not tried again by itself, but any newer commit is */
  failedRevision?: { revision: string; reason: string; at: string };
  /** set while a sync of an exact revision holds the application there */
  pinnedRevision?: string;
  resources?: ResourceStatus[];
  /** the last error reading the source, until a read succeeds */
  sourceError?: string;
  /** Ready, Reconciling, Stalled */
  conditions?: Condition[];
}

/** Not a `KubeObject` by type (its fields are typed, not JSON): cast at the store's edge. */
export interface Application {
  apiVersion: typeof CAPSTAN_API_VERSION;
  kind: 'Application';
  metadata: ObjectMeta & { name: string };
  spec: ApplicationSpec;
  status?: ApplicationStatusBody;
}

export interface ProjectDestination {
  /** a cluster name glob (`*`, `prod-*`) */
  cluster?: string;
  /** a namespace glob */
  namespace?: string;
}

/** A kind by group (`''` for the core group) and kind, either of which may be `*`. */
export interface GroupKind {
  group: string;
  kind: string;
}

export interface AppProjectSpec {
  description?: string;
  /** repository URL globs; empty allows none */
  sourceRepos?: string[];
  destinations?: ProjectDestination[];
  /** cluster-scoped kinds the project's applications may deploy; none unless listed */
  clusterResourceWhitelist?: GroupKind[];
  clusterResourceBlacklist?: GroupKind[];
  /** namespaced kinds: every kind unless a whitelist is given */
  namespaceResourceWhitelist?: GroupKind[];
  namespaceResourceBlacklist?: GroupKind[];
}

export interface AppProject {
  apiVersion: typeof CAPSTAN_API_VERSION;
  kind: 'AppProject';
  metadata: ObjectMeta & { name: string };
  spec: AppProjectSpec;
}

/** The Git hosting providers whose APIs Capstan writes to (pull requests, comments, statuses). */
export const GIT_API_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket'] as const;
export type GitApiProviderName = (typeof GIT_API_PROVIDERS)[number];

/**
 * When promotions into a stage may happen, as Argo CD's sync windows: a window is open
 * from each time its cron `schedule` fires for `duration`. Any open `deny` window closes
 * the stage; when the stage has `allow` windows, one of them must be open.
 */
export interface PromotionWindow {
  kind: 'allow' | 'deny';
  /** five cron fields, minute first: `0 9 * * 1-5` is 09:00 on weekdays */
  schedule: string;
  /** how long the window stays open after each firing, a duration (`8h`) */
  duration: string;
  /** the IANA time zone of the schedule (default UTC) */
  timeZone?: string;
}

/** One environment of a promotion pipeline: an Application, which renders one overlay. */
export interface PromotionStage {
  /** what `capstan promote --from/--to` call it: `staging` */
  name: string;
  /** the Application that runs this environment */
  application: string;
  /** how long this stage must have been Healthy at its commit before it is promoted from (default 0) */
  soakTime?: string;
  /** when promotions into this stage may happen (default: always) */
  windows?: PromotionWindow[];
  /** open (or update) the promotion into this stage from the one before by itself */
  autoPromote?: boolean;
}

/**
 * A repository on a Git hosting provider's API, and the Secret holding the API token: where
 * promotion and revert pull requests open, commit statuses and preview comments go.
 */
export interface GitProviderRef {
  name: GitApiProviderName;
  /** the API's base URL: https://api.github.com, https://gitlab.com/api/v4, … */
  apiUrl: string;
  /** `owner/name`, or GitLab's project path */
  repository: string;
  /** a Secret in `capstan-system` and the key of its token (default `token`) */
  tokenSecretRef: { name: string; key?: string };
}

export interface PromotionSpec {
  /** the environments in order: each is promoted from the one before */
  stages: PromotionStage[];
  /** `pr` (default): push a branch and open a pull request; `direct`: commit on the target's branch */
  mode?: 'pr' | 'direct';
  /** besides images: the `replicas:` counts, and the literals of these configMapGenerators */
  include?: { replicas?: boolean; configMapLiterals?: string[] };
  /** needed for `mode: pr` */
  provider?: GitProviderRef;
}

/** One promotion Capstan made (or found nothing to make). */
export interface PromotionRecord {
  from: string;
  to: string;
  /** the source stage's commit that was promoted */
  revision: string;
  /** the changes, one line each: `image ghcr.io/acme/shop: 1.4.0 → 1.5.0` */
  changes: string[];
  /** the commit pushed, and the branch it went to */
  commit?: string;
  branch?: string;
  pullRequest?: { number: number; url: string };
  at: string;
}

export interface PromotionStatus {
  /** the newest last, at most 10 */
  promotions?: PromotionRecord[];
  conditions?: Condition[];
}

export interface Promotion {
  apiVersion: typeof CAPSTAN_API_VERSION;
  kind: 'Promotion';
  metadata: ObjectMeta & { name: string };
  spec: PromotionSpec;
  status?: PromotionStatus;
}

/** On a preview's Application (and its namespace): the PreviewSet that made it. */
export const PREVIEW_SET_LABEL = 'capstan.dev/preview-set';
/** On a preview's Application (and its namespace): the number of its pull request. */
export const PULL_REQUEST_LABEL = 'capstan.dev/pull-request';

/** What each preview's Application takes from its PreviewSet besides the source. */
export interface PreviewTemplate {
  /** the AppProject of the previews (default `default`) */
  project?: string;
  /** the cluster the previews go to; each preview's namespace is `<previewset>-pr-<number>` */
  destination?: { cluster?: string };
  /** `CreateNamespace=true` is always added */
  syncPolicy?: SyncPolicy;
  healthTimeout?: string;
}

/**
 * Preview environments: each open pull request into `baseBranch` deployed at its head
 * commit, rendered from `path`, into a namespace of its own, as an Application named
 * `<previewset>-pr-<number>`.
 */
export interface PreviewSetSpec {
  /** the repository the pull requests are made in (HTTP(S)) */
  repoURL: string;
  /** previews are made for pull requests into this branch; the diff is against it */
  baseBranch: string;
  /** the overlay to render (default: the root) */
  path?: string;
  /** where the pull requests are listed and their preview comments go */
  provider: GitProviderRef;
  /** a preview is removed this long after its pull request's last push, a duration (default 72h) */
  ttl?: string;
  /** at most this many previews at once; the one idle longest goes first (default 10) */
  maxPreviews?: number;
  /** how often the open pull requests are listed, repairing lost webhooks, a duration (default 5m) */
  pollInterval?: string;
  template?: PreviewTemplate;
}

/** One pull request a PreviewSet knows. */
export interface PreviewRecord {
  number: number;
  headSha: string;
  headBranch?: string;
  title?: string;
  /** the pull request's web page */
  url?: string;
  /** when Capstan first saw `headSha`: the TTL counts from here */
  pushedAt: string;
  /**
   * `Active`: deployed; `Expired`: its TTL ran out (a push brings it back); `Evicted`: removed
   * for the cap (likewise); `Closed`: closed or merged, kept until its comment says so.
   */
  state: 'Active' | 'Expired' | 'Evicted' | 'Closed';
  /** the preview's Application while Active */
  application?: string;
  /** the preview's URL, once known */
  previewURL?: string;
  /** a digest of the comment last written, so an unchanged one is not written again */
  commentDigest?: string;
}

export interface PreviewSetStatus {
  /** by pull request number */
  previews?: PreviewRecord[];
  /** the number of Active previews (the PREVIEWS column) */
  active?: number;
  /** when the open pull requests were last listed */
  lastPollAt?: string;
  /** Ready; ProviderAvailable (False with the last provider failure) */
  conditions?: Condition[];
}

export interface PreviewSet {
  apiVersion: typeof CAPSTAN_API_VERSION;
  kind: 'PreviewSet';
  metadata: ObjectMeta & { name: string };
  spec: PreviewSetSpec;
  status?: PreviewSetStatus;
}
