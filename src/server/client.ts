/**
 * A typed client of the daemon's application API (src/server/app-routes.ts), for the CLI
 * and scripts: one method per route, a bearer token, and one error type whose `kind`
 * says what went wrong in the terms a caller acts on.
 *
 * It imports only core's error base and kinds, so a command that uses it loads neither the
 * daemon nor the server (.dependency-cruiser.cjs enforces it).
 */
import { CapstanError } from '../core/errors.js';
import type { Application, AppProject, HistoryEntry, Promotion } from '../core/application.js';

/*
 * The answers' shapes as they cross the wire. Declared here rather than imported from
 * src/daemon/api.ts, so that the client (and the CLI) depend on no daemon module even for
 * types; test/server/client.test.ts checks that DaemonApi's values fit them.
 */

/** A destination cluster as the API lists it. */
export interface ClusterInfo {
  name: string;
  /** the API server's URL; `in-process` for the embedded control plane */
  server: string;
  origin: 'builtin' | 'config' | 'secret';
  /** the last error reaching it */
  error?: string;
}

/** A cluster to register: an API server and a bearer token (and CA PEM), or a kubeconfig's text. */
export type ClusterRegistration =
  | { name: string; server: string; token: string; caData?: string; insecure?: boolean }
  | { name: string; kubeconfig: string; context?: string };

/** Registered Git credentials as the API lists them: never a password or token. */
export interface RepositoryInfo {
  /** `https://git.example.com/acme/shop` */
  url: string;
  /** `repository`: this URL only; `template`: every repository under it */
  type: 'repository' | 'template';
  /** the Secret holding them, `capstan-system/repo-…` */
  secret: string;
  username?: string;
  auth?: 'password' | 'token' | 'bearer';
  /** why the Secret is not used */
  error?: string;
}

/** Credentials to register: `username` and `password`, or a `token` (and `username`), or a `bearerToken`. */
export interface RepositoryRegistration {
  url: string;
  template?: boolean;
  username?: string;
  password?: string;
  token?: string;
  bearerToken?: string;
}

/** What a sync would change, per object (`GET …/diff`). */
export interface ApplicationDiff {
  revision: string;
  objects: Array<{
    /** `group/kind/namespace/name` */
    object: string;
    action: 'create' | 'update' | 'prune' | 'unchanged';
    /** a unified YAML diff, '' when unchanged; Secret values masked */
    diff: string;
    /** RFC 6902 operations */
    patch: unknown[];
  }>;
}

/** One container's last lines (`GET …/logs`). */
export interface PodLogs {
  pod: string;
  container: string;
  lines: string[];
}

/** A promotion asked for (`POST /api/v1/promotions/NAME/promote`). */
export interface PromoteRequest {
  from: string;
  to: string;
  dryRun?: boolean;
  direct?: boolean;
}

/** What a promotion changed, or would change (a dry run). */
export interface PromotionOutcome {
  promotion: string;
  from: string;
  to: string;
  /** the source stage's commit */
  revision: string;
  /** one line per change (`image ghcr.io/acme/shop: 1.4.0 → 1.5.0`); empty: nothing to promote */
  changes: string[];
  /** the target's kustomization file, relative to the repository root */
  file: string;
  /** the target's rendered objects that differ, each a unified diff (Secret values masked) */
  diff: Array<{ object: string; change: 'added' | 'removed' | 'changed'; diff: string }>;
  dryRun: boolean;
  commit?: string;
  branch?: string;
  pullRequest?: { number: number; url: string };
  /** what went wrong after the promotion was made (a comment not posted) */
  warnings?: string[];
}

/** What Git was told after an automatic rollback (`GET …/reverts`). */
export interface GitRevert {
  repo: string;
  branch: string;
  failedRevision: string;
  mode: 'pr' | 'commit';
  apps: string[];
  /** `failed`: given up; `message` says why */
  state: 'done' | 'failed';
  message: string;
  revertBranch?: string;
  commit?: string;
  reverted?: string[];
  pullRequest?: { number: number; url: string };
  attempts: number;
  /** ms since the epoch */
  at: number;
}

export type ClientErrorKind = 'unreachable' | 'unauthorized' | 'not-found' | 'invalid' | 'server';

/**
 * An API call that failed. `code` is the server's error code when it gave one
 * (`APP_NOT_FOUND`), else `CLIENT_<KIND>`; `data.kind` and `kind` say which kind.
 */
export class ClientError extends CapstanError {
  readonly kind: ClientErrorKind;
  /** the HTTP status, when the daemon answered */
  readonly status?: number;

  constructor(
    kind: ClientErrorKind,
    message: string,
    options: { code?: string; status?: number; cause?: unknown } = {},
  ) {
    const code = options.code ?? `CLIENT_${kind.toUpperCase().replace('-', '_')}`;
    super(code, message, { kind, status: options.status }, options.cause);
    this.name = 'ClientError';
    this.kind = kind;
    this.status = options.status;
  }
}

export function isClientError(e: unknown): e is ClientError {
  return e instanceof ClientError;
}

export interface ClientOptions {
  /** the daemon's API, `http://127.0.0.1:7070` */
  server: string;
  token?: string;
  /** each request's limit (default 30 s); past it the daemon counts as unreachable */
  timeoutMs?: number;
}

/**
 * The daemon's URL without a trailing slash, query or fragment (a path prefix is kept, for
 * a proxy). Credentials are refused: the token goes in a header, and a URL is easily logged.
 */
function baseUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new ClientError('invalid', `the daemon's address must be an http(s) URL, got '${server}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ClientError('invalid', `the daemon's address must be an http(s) URL, got '${url.protocol}'`);
  if (url.username || url.password)
    throw new ClientError(
      'invalid',
      `the daemon's address must not hold credentials: give the token with --token`,
    );
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function kindOfStatus(status: number): ClientErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'server';
  return 'invalid';
}

/** The reason a request never got an answer, from undici's error chain: `ECONNREFUSED`. */
function networkReason(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'no answer in time';
  // the code, or a message that quotes no URL: undici's may quote the whole of it
  const message = err?.cause?.message;
  return err?.cause?.code ?? (message && !message.includes('://') ? message : 'the request failed');
}

export class CapstanClient {
  readonly server: string;
  private readonly token?: string;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.server = baseUrl(options.server);
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  listApplications(): Promise<Application[]> {
    return this.items<Application>('GET', '/api/v1/applications');
  }

  getApplication(name: string): Promise<Application> {
    return this.json('GET', `/api/v1/applications/${enc(name)}`);
  }

  /** Adds an application; `APP_EXISTS` (invalid) when one of that name exists. */
  createApplication(app: Application): Promise<Application> {
    return this.json('POST', '/api/v1/applications', app);
  }

  /** Creates or changes an application (server-side apply as `capstan-api`). */
  applyApplication(app: Application): Promise<Application> {
    return this.json('PUT', `/api/v1/applications/${enc(app.metadata.name)}`, app);
  }

  async deleteApplication(name: string, options: { cascade?: boolean } = {}): Promise<void> {
    await this.json('DELETE', `/api/v1/applications/${enc(name)}?cascade=${options.cascade ?? true}`);
  }

  /** Queues a sync: of `revision` exactly (pinned), or of the newest commit of targetRevision. */
  sync(name: string, options: { revision?: string; prune?: boolean } = {}): Promise<Application> {
    return this.json('POST', `/api/v1/applications/${enc(name)}/sync`, options);
  }

  /** Queues a rollback to `revision`, or to the previous healthy revision of its history. */
  rollback(name: string, revision?: string): Promise<Application> {
    return this.json('POST', `/api/v1/applications/${enc(name)}/rollback`, revision ? { revision } : {});
  }

  diff(name: string, options: { color?: boolean } = {}): Promise<ApplicationDiff> {
    return this.json('GET', `/api/v1/applications/${enc(name)}/diff${options.color ? '?color=true' : ''}`);
  }

  history(name: string): Promise<HistoryEntry[]> {
    return this.items('GET', `/api/v1/applications/${enc(name)}/history`);
  }

  reverts(name: string): Promise<GitRevert[]> {
    return this.items('GET', `/api/v1/applications/${enc(name)}/reverts`);
  }

  logs(name: string, options: { tail?: number } = {}): Promise<PodLogs[]> {
    const query = options.tail === undefined ? '' : `?tail=${options.tail}`;
    return this.items('GET', `/api/v1/applications/${enc(name)}/logs${query}`);
  }

  listProjects(): Promise<AppProject[]> {
    return this.items('GET', '/api/v1/projects');
  }

  getProject(name: string): Promise<AppProject> {
    return this.json('GET', `/api/v1/projects/${enc(name)}`);
  }

  listClusters(): Promise<ClusterInfo[]> {
    return this.items('GET', '/api/v1/clusters');
  }

  addCluster(registration: ClusterRegistration): Promise<ClusterInfo> {
    return this.json('POST', '/api/v1/clusters', registration);
  }

  listRepositories(): Promise<RepositoryInfo[]> {
    return this.items('GET', '/api/v1/repositories');
  }

  /** Registers (or replaces) the credentials of a repository, or of every one under a URL (`template`). */
  addRepository(registration: RepositoryRegistration): Promise<RepositoryInfo> {
    return this.json('POST', '/api/v1/repositories', registration);
  }

  /** Removes the credentials registered for `url`; `REPO_NOT_FOUND` when there are none. */
  async removeRepository(url: string): Promise<RepositoryInfo[]> {
    return (await this.json<{ deleted: RepositoryInfo[] }>('DELETE', `/api/v1/repositories?url=${enc(url)}`))
      .deleted;
  }

  listPromotions(): Promise<Promotion[]> {
    return this.items('GET', '/api/v1/promotions');
  }

  getPromotion(name: string): Promise<Promotion> {
    return this.json('GET', `/api/v1/promotions/${enc(name)}`);
  }

  /** Promotes stage `from` into `to`; refusals are `invalid` errors with `PROMOTION_*` codes. */
  promote(name: string, request: PromoteRequest): Promise<PromotionOutcome> {
    return this.json('POST', `/api/v1/promotions/${enc(name)}/promote`, request);
  }

  private async items<T>(method: string, path: string): Promise<T[]> {
    return (await this.json<{ items: T[] }>(method, path)).items;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.server + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ClientError(
        'unreachable',
        `cannot reach the Capstan daemon at ${this.origin()} (${networkReason(e)}): is it running? (--server, $CAPSTAN_SERVER)`,
        { cause: e },
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.ok) return parsed as T;
    const answer = (parsed ?? {}) as { error?: unknown; code?: unknown };
    const kind = kindOfStatus(res.status);
    const message =
      kind === 'unauthorized'
        ? `the daemon at ${this.origin()} refused the token (${res.status}): give one with --token, $CAPSTAN_TOKEN or capstan login`
        : typeof answer.error === 'string'
          ? answer.error
          : `${method} ${path.split('?')[0]}: HTTP ${res.status}`;
    throw new ClientError(kind, message, {
      status: res.status,
      code: typeof answer.code === 'string' ? answer.code : undefined,
    });
  }

  /** The server's URL for messages, without its path. */
  private origin(): string {
    return new URL(this.server).origin;
  }
}

const enc = encodeURIComponent;
