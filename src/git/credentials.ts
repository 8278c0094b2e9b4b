import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gitError } from './errors.js';

/** Credentials ready to use: basic auth (user/password, or a token as password) or a bearer token. */
export type GitCredentials =
  { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

/**
 * Where credentials come from. They are read again before every operation, so a rotated
 * Secret (a file re-projected by the kubelet, a new environment) applies without a restart.
 *
 * - `{ file }`: a JSON file `{"username", "password"}`, `{"token"}` or `{"bearerToken"}`, or a
 *   directory with files of those names (a mounted Kubernetes Secret). A `token` is sent as
 *   the basic-auth password with user `username` (default `x-access-token`, which GitHub,
 *   GitLab and Gitea accept for personal and app tokens).
 * - `{ env }`: names of environment variables: `{ username, password }`, `{ token }` or `{ bearerToken }`.
 * - `{ inline }`: credentials given directly (tests, or a value the daemon already decrypted).
 */
export type CredentialSource =
  | { file: string }
  | { env: { username?: string; password?: string; token?: string; bearerToken?: string } }
  | { inline: GitCredentials };

const DEFAULT_TOKEN_USER = 'x-access-token';

/** The fields credentials are given in (a file, a Secret's data): see `credentialsFromFields`. */
export interface RawCredentials {
  username?: string;
  password?: string;
  token?: string;
  bearerToken?: string;
}

/** Reads a credential source; a missing file or variable is a GIT_CREDENTIALS_INVALID error naming it (never its value). */
export async function loadCredentials(
  source: CredentialSource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GitCredentials> {
  if ('inline' in source) return source.inline;
  if ('env' in source) return fromEnv(source.env, env);
  return credentialsFromFields(await readCredentialFile(source.file), `credentials file ${source.file}`);
}

function fromEnv(names: { [K in keyof RawCredentials]?: string }, env: NodeJS.ProcessEnv): GitCredentials {
  const raw: RawCredentials = {};
  for (const key of ['username', 'password', 'token', 'bearerToken'] as const) {
    const name = names[key];
    if (name === undefined) continue;
    const value = env[name];
    if (value === undefined || value === '') {
      throw gitError(
        'GIT_CREDENTIALS_INVALID',
        `environment variable ${name} (the Git ${key}) is not set or empty`,
        { variable: name },
      );
    }
    raw[key] = value;
  }
  return credentialsFromFields(raw, 'credential environment variables');
}

async function readCredentialFile(file: string): Promise<RawCredentials> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw gitError('GIT_CREDENTIALS_INVALID', `credentials file ${file} does not exist`, { file });
  }
  if (info.isDirectory()) {
    const raw: RawCredentials = {};
    for (const key of ['username', 'password', 'token', 'bearerToken'] as const) {
      try {
        raw[key] = (await readFile(path.join(file, key), 'utf8')).replace(/\r?\n$/, '');
      } catch {
        // an absent key is fine; credentialsFromFields decides whether the set is complete
      }
    }
    return raw;
  }
  const text = await readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message would quote the file's content: say only where it is wrong.
    throw gitError(
      'GIT_CREDENTIALS_INVALID',
      `credentials file ${file} is not valid JSON; expected {"username": …, "password": …} or {"token": …}`,
      { file },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw gitError('GIT_CREDENTIALS_INVALID', `credentials file ${file} must hold a JSON object`, { file });
  }
  const raw: RawCredentials = {};
  for (const key of ['username', 'password', 'token', 'bearerToken'] as const) {
    const value = (parsed as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw gitError('GIT_CREDENTIALS_INVALID', `credentials file ${file}: "${key}" must be a string`, {
        file,
        field: key,
      });
    }
    raw[key] = value;
  }
  return raw;
}

/**
 * Credentials from their fields: `bearerToken`, else `token` (basic auth, user `username` or
 * `x-access-token`), else `username` and `password`. Throws GIT_CREDENTIALS_INVALID naming
 * `where` (never a value) when none of these is complete.
 */
export function credentialsFromFields(raw: RawCredentials, where: string): GitCredentials {
  if (raw.bearerToken) return { kind: 'bearer', token: raw.bearerToken };
  if (raw.token) return { kind: 'basic', username: raw.username || DEFAULT_TOKEN_USER, password: raw.token };
  if (raw.username && raw.password !== undefined) {
    return { kind: 'basic', username: raw.username, password: raw.password };
  }
  throw gitError(
    'GIT_CREDENTIALS_INVALID',
    `${where} hold no usable credentials: give username and password, a token, or a bearerToken`,
    { where },
  );
}

/** The Authorization header for credentials (sent on the first request: no 401 round trip). */
export function authorizationHeader(credentials: GitCredentials): string {
  if (credentials.kind === 'bearer') return `Bearer ${credentials.token}`;
  const pair = `${credentials.username}:${credentials.password}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** The strings that must never appear in a message: passwords, tokens and their encoded header. */
export function secretsOf(credentials: GitCredentials | undefined): string[] {
  if (!credentials) return [];
  const header = authorizationHeader(credentials);
  const secret = credentials.kind === 'bearer' ? credentials.token : credentials.password;
  return [secret, header.slice(header.indexOf(' ') + 1)].filter((s) => s.length > 0);
}
