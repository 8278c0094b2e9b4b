/**
 * Reading the application API's request bodies and query values: each returns the typed
 * value or throws a `CapstanError` whose code the error table turns into a status
 * (`API_BAD_REQUEST` 400 for a malformed request, `APP_INVALID`/`CLUSTER_INVALID`/
 * `REPO_INVALID` 422 for an object the API cannot take). Deeper checks of an Application's
 * spec are the daemon's.
 */
import { CAPSTAN_API_VERSION, CapstanError, isJsonObject, type Application } from '../core/index.js';
import type { ClusterRegistration, RepositoryRegistration } from '../daemon/api.js';

/** A DNS-1123 subdomain, as Kubernetes names are. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Metadata the server owns: a client's copy of these (from `app get -o json`) is dropped. */
const SERVER_OWNED_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

export function badRequest(message: string): CapstanError {
  return new CapstanError('API_BAD_REQUEST', message);
}

/** The body as a JSON object; an absent body reads as `{}`. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (!isJsonObject(body)) throw badRequest('the request body must be a JSON object');
  return body;
}

/**
 * An Application to apply, without its status and server-owned metadata. `pathName` is
 * the name in the URL (PUT): the body must agree with it, or may leave the name out.
 */
export function applicationBody(body: unknown, pathName?: string): Application {
  const b = objectBody(body);
  const invalid = (message: string) => new CapstanError('APP_INVALID', `application: ${message}`);
  if (b.apiVersion !== CAPSTAN_API_VERSION)
    throw invalid(`apiVersion must be ${CAPSTAN_API_VERSION}, got ${JSON.stringify(b.apiVersion)}`);
  if (b.kind !== 'Application') throw invalid(`kind must be Application, got ${JSON.stringify(b.kind)}`);
  if (!isJsonObject(b.metadata)) throw invalid('metadata must be an object with a name');
  const metadata: Record<string, unknown> = { ...b.metadata };
  for (const key of SERVER_OWNED_METADATA) delete metadata[key];
  if (metadata.name === undefined && pathName !== undefined) metadata.name = pathName;
  const name = metadata.name;
  if (typeof name !== 'string' || !NAME.test(name))
    throw invalid(`metadata.name must be a lower-case DNS name, got ${JSON.stringify(name)}`);
  if (pathName !== undefined && name !== pathName)
    throw invalid(`metadata.name "${name}" differs from the name in the URL, "${pathName}"`);
  if (!isJsonObject(b.spec) || !isJsonObject(b.spec.source) || typeof b.spec.source.repoURL !== 'string')
    throw invalid('spec.source.repoURL is required');
  return {
    apiVersion: CAPSTAN_API_VERSION,
    kind: 'Application',
    metadata,
    spec: b.spec,
  } as unknown as Application;
}

/** `{revision?, prune?}` of a sync request. */
export function syncBody(body: unknown): { revision?: string; prune?: boolean } {
  const b = objectBody(body);
  if (b.revision !== undefined && typeof b.revision !== 'string')
    throw badRequest('revision must be a string (a commit, branch or tag)');
  if (b.prune !== undefined && typeof b.prune !== 'boolean') throw badRequest('prune must be true or false');
  return { revision: b.revision || undefined, prune: b.prune };
}

/** `{revision?}` of a rollback request. */
export function rollbackBody(body: unknown): { revision?: string } {
  const b = objectBody(body);
  if (b.revision !== undefined && typeof b.revision !== 'string')
    throw badRequest('revision must be a string (a commit of the application history)');
  return { revision: b.revision || undefined };
}

/** `{from, to, dryRun?, direct?}` of a promotion. */
export function promoteBody(body: unknown): { from: string; to: string; dryRun?: boolean; direct?: boolean } {
  const b = objectBody(body);
  for (const key of ['from', 'to'] as const)
    if (typeof b[key] !== 'string' || !b[key])
      throw badRequest(`${key} must name a stage of the promotion (a string)`);
  for (const key of ['dryRun', 'direct'] as const)
    if (b[key] !== undefined && typeof b[key] !== 'boolean') throw badRequest(`${key} must be true or false`);
  return {
    from: b.from as string,
    to: b.to as string,
    ...(b.dryRun === undefined ? {} : { dryRun: b.dryRun as boolean }),
    ...(b.direct === undefined ? {} : { direct: b.direct as boolean }),
  };
}

/** A cluster to register: server and token (and CA), or a kubeconfig's text (and context). */
export function clusterBody(body: unknown): ClusterRegistration {
  const b = objectBody(body);
  const invalid = (message: string) => new CapstanError('CLUSTER_INVALID', `cluster: ${message}`);
  const optionalString = (key: string): string | undefined => {
    if (b[key] === undefined) return undefined;
    if (typeof b[key] !== 'string' || b[key] === '') throw invalid(`${key} must be a non-empty string`);
    return b[key];
  };
  const name = b.name;
  if (typeof name !== 'string' || !NAME.test(name))
    throw invalid(`name must be a lower-case DNS name, got ${JSON.stringify(name)}`);
  const kubeconfig = optionalString('kubeconfig');
  if (kubeconfig !== undefined) {
    if (b.server !== undefined || b.token !== undefined)
      throw invalid('give either a kubeconfig or server and token, not both');
    const context = optionalString('context');
    return { name, kubeconfig, ...(context ? { context } : {}) };
  }
  const server = optionalString('server');
  const token = optionalString('token');
  if (server === undefined || token === undefined)
    throw invalid('give server and token (and caData), or a kubeconfig');
  if (!/^https?:\/\//.test(server)) throw invalid(`server must be an http(s) URL`);
  if (b.insecure !== undefined && typeof b.insecure !== 'boolean')
    throw invalid('insecure must be true or false');
  const caData = optionalString('caData');
  return { name, server, token, ...(caData ? { caData } : {}), ...(b.insecure ? { insecure: true } : {}) };
}

/**
 * Git credentials to register: `url`, `template`, and `username`/`password`, `token` or
 * `bearerToken`. Which combination is complete is the daemon's to say.
 */
export function repositoryBody(body: unknown): RepositoryRegistration {
  const b = objectBody(body);
  const invalid = (message: string) => new CapstanError('REPO_INVALID', `repository: ${message}`);
  if (typeof b.url !== 'string' || b.url === '') throw invalid('url must be a non-empty string');
  if (b.template !== undefined && typeof b.template !== 'boolean')
    throw invalid('template must be true or false');
  const out: RepositoryRegistration = { url: b.url, ...(b.template ? { template: true } : {}) };
  for (const key of ['username', 'password', 'token', 'bearerToken'] as const) {
    const value = b[key];
    if (value === undefined) continue;
    // the message names the field, never its value
    if (typeof value !== 'string' || value === '') throw invalid(`${key} must be a non-empty string`);
    out[key] = value;
  }
  return out;
}

/** `?url=` of a repository to remove. */
export function repositoryUrlQuery(value: string | null): string {
  if (!value) throw badRequest('give the repository as ?url=https://…');
  return value;
}

/** `?cascade=`: absent or `true` deletes what the application deployed; `false` leaves it. */
export function cascadeQuery(value: string | null): boolean {
  if (value === null || value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(`cascade must be true or false, got "${value}"`);
}

/** `?tail=N`: lines per container, 1 to 100,000. */
export function tailQuery(value: string | null): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100_000)
    throw badRequest(`tail must be a whole number from 1 to 100000, got "${value}"`);
  return n;
}
