/**
 * Git repository credentials registered as Secrets in the daemon's control plane, in the
 * namespace `capstan-system` and labelled `capstan.dev/repository` (as Argo CD keeps its
 * `repository` and `repo-creds` Secrets). The label's value says how `data.url` matches an
 * application's repoURL:
 *
 *   repository   that repository only: same scheme, host and port, same path
 *   template     every repository under it: same scheme, host and port, and the URL's path
 *                is a whole-segment prefix of the repository's (`https://git.example/acme`
 *                covers `…/acme/shop.git`, not `…/acme-labs/shop.git`)
 *
 * Host case, a default port, trailing slashes and a `.git` suffix do not count. A
 * `repository` Secret wins over any template; among templates the longest path wins.
 * Credentials are the data's `username` and `password`, or `token` (basic auth as
 * `username`, default `x-access-token`), or `bearerToken` — the fields of the configuration
 * file's `credentials:`.
 */
import { createHash } from 'node:crypto';
import { CapstanError, type KubeObject } from '../core/index.js';
import { credentialsFromFields, parseRemoteUrl, type GitCredentials } from '../git/index.js';
import type { RepositoryInfo, RepositoryRegistration, RepositoryType } from './api.js';
import { CLUSTER_SECRET_NAMESPACE } from './cluster-secret.js';

export const REPOSITORY_SECRET_LABEL = 'capstan.dev/repository';
/** Repository Secrets live beside the cluster Secrets. */
export const REPOSITORY_SECRET_NAMESPACE = CLUSTER_SECRET_NAMESPACE;

const TYPES: readonly RepositoryType[] = ['repository', 'template'];
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** A repository URL as matching sees it. */
export interface RepoUrlKey {
  /** `https://git.example.com:8443`: scheme and host lower case, no default port */
  origin: string;
  /** the path's segments, without a final `.git` */
  segments: string[];
}

/** A usable repository Secret. */
export interface RepositoryEntry {
  info: RepositoryInfo;
  key: RepoUrlKey;
  credentials: GitCredentials;
}

/** The matching form of an http(s) URL; undefined for anything else (a directory, SSH). */
export function repoUrlKey(url: string): RepoUrlKey | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const port = parsed.port && parsed.port !== DEFAULT_PORTS[parsed.protocol] ? `:${parsed.port}` : '';
  const segments = parsed.pathname.split('/').filter(Boolean);
  const last = segments.length - 1;
  if (last >= 0 && segments[last].endsWith('.git')) segments[last] = segments[last].slice(0, -4);
  if (last >= 0 && segments[last] === '') segments.pop();
  return { origin: `${parsed.protocol}//${parsed.hostname.toLowerCase()}${port}`, segments };
}

/**
 * How well an entry covers a repository: -1 when it does not, else its path's length in
 * segments, a `repository` entry ranking above every template.
 */
export function matchRank(type: RepositoryType, entry: RepoUrlKey, repo: RepoUrlKey): number {
  if (entry.origin !== repo.origin) return -1;
  if (type === 'repository') {
    const same =
      entry.segments.length === repo.segments.length &&
      entry.segments.every((s, i) => s === repo.segments[i]);
    return same ? Number.MAX_SAFE_INTEGER : -1;
  }
  if (entry.segments.length > repo.segments.length) return -1;
  return entry.segments.every((s, i) => s === repo.segments[i]) ? entry.segments.length : -1;
}

/** The one spelling of a URL that identifies a repository Secret: `https://host/acme/shop`. */
export function canonicalUrl(key: RepoUrlKey): string {
  return [key.origin, ...key.segments].join('/');
}

/** The Secret `add()` writes: `repo-<hash>` or `creds-<hash>` of the canonical URL. */
export function repositorySecretName(type: RepositoryType, key: RepoUrlKey): string {
  const hash = createHash('sha256').update(canonicalUrl(key)).digest('hex').slice(0, 12);
  return `${type === 'template' ? 'creds' : 'repo'}-${hash}`;
}

function invalid(message: string, data: Record<string, unknown> = {}): CapstanError {
  return new CapstanError('REPO_INVALID', message, data);
}

/**
 * The URL's matching form; throws REPO_INVALID for a URL that is not http(s) or that holds
 * credentials itself (they would be listed).
 */
export function checkedUrlKey(url: unknown, where: string): RepoUrlKey {
  if (typeof url !== 'string' || !url.trim())
    throw invalid(`${where}: url is required (https://git.example.com/acme/shop.git)`);
  let parsed;
  try {
    parsed = parseRemoteUrl(url);
  } catch (e) {
    throw invalid(`${where}: ${(e as Error).message}`);
  }
  if (parsed.username !== undefined || parsed.password !== undefined)
    throw invalid(
      `${where}: url ${parsed.display} must not hold credentials: give username and password (or a token) instead`,
    );
  return repoUrlKey(parsed.url)!;
}

/** Checks a registration from the API; throws REPO_INVALID saying what is missing. */
export function checkRegistration(reg: RepositoryRegistration): {
  key: RepoUrlKey;
  credentials: GitCredentials;
} {
  const key = checkedUrlKey(reg.url, 'repository');
  try {
    return { key, credentials: credentialsFromFields(reg, `repository ${canonicalUrl(key)}`) };
  } catch (e) {
    throw invalid((e as Error).message, { url: canonicalUrl(key) });
  }
}

/** `Secret capstan-system/repo-1a2b3c`, for messages. */
export function secretWhere(secret: KubeObject): string {
  return `Secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`;
}

/** A Secret's entry; throws REPO_INVALID naming the Secret and the field at fault (never a value). */
export function repositoryFromSecret(secret: KubeObject): RepositoryEntry {
  const where = secretWhere(secret);
  const type = typeOf(secret);
  if (!TYPES.includes(type as RepositoryType))
    throw invalid(
      `${where}: label ${REPOSITORY_SECRET_LABEL} must be "repository" (this URL only) or "template" (every repository under it), got ${JSON.stringify(type)}`,
    );
  const data = decodedData(secret);
  const key = checkedUrlKey(data.url, where);
  let credentials: GitCredentials;
  try {
    credentials = credentialsFromFields(data, where);
  } catch (e) {
    throw invalid((e as Error).message);
  }
  return {
    key,
    credentials,
    info: {
      url: canonicalUrl(key),
      type: type as RepositoryType,
      secret: `${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`,
      ...describe(credentials, data),
    },
  };
}

/** What a listing shows of credentials: the user and the kind, never a secret. */
export function describe(
  credentials: GitCredentials,
  fields: { token?: string; bearerToken?: string },
): Pick<RepositoryInfo, 'username' | 'auth'> {
  if (credentials.kind === 'bearer') return { auth: 'bearer' };
  return { username: credentials.username, auth: fields.token && !fields.bearerToken ? 'token' : 'password' };
}

/** What a listing shows of a Secret that cannot be used. */
export function unusableInfo(secret: KubeObject, error: string): RepositoryInfo {
  const url = decodedData(secret).url;
  const key = url === undefined ? undefined : repoUrlKey(url);
  return {
    url: key ? canonicalUrl(key) : '',
    type: typeOf(secret) === 'template' ? 'template' : 'repository',
    secret: `${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`,
    error,
  };
}

/** The labelled Secret that holds `reg`. */
export function secretForRegistration(
  reg: RepositoryRegistration,
  key: RepoUrlKey,
  name: string,
): KubeObject {
  const type: RepositoryType = reg.template ? 'template' : 'repository';
  const fields: Record<string, string | undefined> = {
    url: canonicalUrl(key),
    username: reg.username,
    password: reg.password,
    token: reg.token,
    bearerToken: reg.bearerToken,
  };
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined && v !== '') data[k] = Buffer.from(v, 'utf8').toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: REPOSITORY_SECRET_NAMESPACE, labels: { [REPOSITORY_SECRET_LABEL]: type } },
    type: 'Opaque',
    data,
  };
}

function typeOf(secret: KubeObject): string {
  return (secret.metadata.labels as Record<string, string> | undefined)?.[REPOSITORY_SECRET_LABEL] ?? '';
}

/** The Secret's string data decoded (`stringData` is folded into `data` by the API server). */
function decodedData(secret: KubeObject): {
  url?: string;
  username?: string;
  password?: string;
  token?: string;
  bearerToken?: string;
} {
  const raw = secret.data;
  const out: Record<string, string> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const key of ['url', 'username', 'password', 'token', 'bearerToken']) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value !== 'string') continue;
    const text = Buffer.from(value, 'base64').toString('utf8');
    // a secret keeps its spaces; the newline `echo` or an editor leaves is not part of it
    const kept = key === 'url' || key === 'username' ? text.trim() : text.replace(/\r?\n$/, '');
    if (kept) out[key] = kept;
  }
  return out;
}
