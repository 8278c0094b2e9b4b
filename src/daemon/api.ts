/**
 * What the daemon offers its HTTP server (and through it the CLI and the dashboard): the
 * one narrow face of the daemon above src/server/. The server never reaches into the
 * daemon's store, queue or reconciler; everything it shows comes through here.
 *
 * Errors are `CapstanError`s with codes; the server's one error → status table maps them
 * (`APP_NOT_FOUND` 404, `APP_INVALID` 422, `SYNC_REVISION_UNKNOWN` 404, `REPO_NOT_FOUND` 404, …).
 */
import type {
  Application,
  AppProject,
  HistoryEntry,
  Promotion,
  SyncIntent,
  WebhookProviderName,
} from '../core/index.js';
import type { ObjectPreview } from '../sync/index.js';
import type { PromoteRequest, PromotionOutcome } from './promotion/promoter.js';
import type { GitRevertRecord, PullRequestRecord } from './state/state-store.js';

export type { PromoteRequest, PromotionOutcome } from './promotion/promoter.js';

/** A destination cluster as the API lists it (never with its credentials). */
export interface ClusterInfo {
  name: string;
  /** the API server's URL; `in-process` for the embedded control plane */
  server: string;
  /** where it was registered: the configuration file, a Secret, or built in */
  origin: 'builtin' | 'config' | 'secret';
  /** the last error reaching it, until a request succeeds */
  error?: string;
}

/** A cluster to register: an API server and a bearer token (and CA), or a kubeconfig's text. */
export type ClusterRegistration =
  | { name: string; server: string; token: string; caData?: string; insecure?: boolean }
  | { name: string; kubeconfig: string; context?: string };

/** `repository`: one repository's credentials; `template`: those of every repository under the URL. */
export type RepositoryType = 'repository' | 'template';

/** Git repository credentials as the API lists them: never a password or token. */
export interface RepositoryInfo {
  /** the URL matched, in one spelling: `https://git.example.com/acme/shop` */
  url: string;
  type: RepositoryType;
  /** the Secret holding them: `capstan-system/repo-1a2b3c4d5e6f` */
  secret: string;
  /** the basic-auth user (`x-access-token` for a token given without one) */
  username?: string;
  /** `password` or `token` (basic auth), `bearer` (an Authorization: Bearer header) */
  auth?: 'password' | 'token' | 'bearer';
  /** why the Secret is not used */
  error?: string;
}

/** Credentials to register: `username` and `password`, or a `token` (and `username`), or a `bearerToken`. */
export interface RepositoryRegistration {
  url: string;
  /** the credentials serve every repository under `url` */
  template?: boolean;
  username?: string;
  password?: string;
  token?: string;
  bearerToken?: string;
}

export interface SyncRequestOptions {
  intent: SyncIntent;
  /** for people and logs: `manual sync (CLI)` */
  reason: string;
  /** override the application's prune policy for this sync */
  prune?: boolean;
}

/**
 * What a verified webhook delivery became: the applications queued, or why none was. A
 * refused delivery is thrown instead, with a `WEBHOOK_*` code the server maps to a status.
 */
export interface WebhookOutcome {
  /** what the delivery reported; absent for events Capstan does not act on (ping, issues, …) */
  event?: 'push' | 'pull_request';
  /** the commit a push named (none from a generic webhook that names only a branch) */
  revision?: string;
  /** a pull or merge request event: which one, and what happened to it */
  pullRequest?: { number: number; action: string };
  /** the applications queued */
  queued: string[];
  /** why nothing was done, for a delivery that was fine but asks nothing (a ping, a deleted ref) */
  ignored?: string;
}

export interface DaemonApi {
  listApplications(): Promise<Application[]>;
  /** undefined when there is none */
  getApplication(name: string): Promise<Application | undefined>;
  /** creates or replaces the application's spec (server-side apply with `fieldManager`) */
  applyApplication(app: Application, fieldManager: string): Promise<Application>;
  /** `cascade` (default true) deletes what it deployed, as the finalizer does */
  deleteApplication(name: string, options?: { cascade?: boolean }): Promise<void>;
  /** queues a sync; resolves once queued, with the application as it is then */
  requestSync(name: string, options: SyncRequestOptions): Promise<Application>;
  /** what syncing the application's wanted revision would change, per object */
  diff(name: string, options?: { color?: boolean }): Promise<{ revision: string; objects: ObjectPreview[] }>;
  /** the application's kept revisions, newest last */
  history(name: string): Promise<HistoryEntry[]>;
  /** what Git was told after its automatic rollbacks (`spec.rollback.gitRevert`), newest first */
  reverts(name: string): Promise<GitRevertRecord[]>;
  listPromotions(): Promise<Promotion[]>;
  /** undefined when there is none */
  getPromotion(name: string): Promise<Promotion | undefined>;
  /**
   * Promotes what stage `from` runs into stage `to` (the stage after it): a commit on a
   * branch and a pull request, or a commit on the target's branch (`direct`); a dry run
   * only computes. Refusals have `PROMOTION_*` codes.
   */
  promote(name: string, request: PromoteRequest): Promise<PromotionOutcome>;
  listProjects(): Promise<AppProject[]>;
  getProject(name: string): Promise<AppProject | undefined>;
  listClusters(): Promise<ClusterInfo[]>;
  addCluster(registration: ClusterRegistration): Promise<ClusterInfo>;
  /** registered Git credentials, sorted by URL, without their secrets */
  listRepositories(): Promise<RepositoryInfo[]>;
  /** writes (or replaces) the Secret of `url` and its type; resolves once sources use it */
  addRepository(registration: RepositoryRegistration): Promise<RepositoryInfo>;
  /** deletes every Secret registering `url`; throws `REPO_NOT_FOUND` when there is none */
  removeRepository(url: string): Promise<RepositoryInfo[]>;
  /** the last lines of the application's pods' logs (`tail` lines per container) */
  logs(
    name: string,
    options?: { tail?: number },
  ): Promise<Array<{ pod: string; container: string; lines: string[] }>>;
  /** pull and merge requests the webhooks reported, newest first */
  pullRequests(filter?: { state?: 'open' | 'closed' | 'merged' }): Promise<PullRequestRecord[]>;
  /** a verified delivery's effect; the server has read the body within its limit */
  receiveWebhook(
    provider: WebhookProviderName,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): Promise<WebhookOutcome>;
}
