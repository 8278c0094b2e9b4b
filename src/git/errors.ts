import { CapstanError } from '../core/index.js';

/**
 * The Git sources' error codes. Messages name the repository by its redacted URL (no
 * credentials, no query string) and say what to do; `data.transient` is true when retrying
 * later may succeed (the server is down or overloaded), false when a user must act.
 *
 * | code | meaning |
 * |---|---|
 * | `GIT_URL_INVALID` | not an http(s) URL |
 * | `GIT_SSH_UNSUPPORTED` | an SSH URL (`git@host:path`, `ssh://`): isomorphic-git speaks only HTTP(S) |
 * | `GIT_SUBMODULES_UNSUPPORTED` | the commit has a `.gitmodules` file or gitlinks |
 * | `GIT_UNREACHABLE` | connection refused, DNS failure, timeout, reset (transient) |
 * | `GIT_SERVER_ERROR` | the server answered 5xx (transient) |
 * | `GIT_AUTH_FAILED` | 401: credentials missing or rejected |
 * | `GIT_ACCESS_DENIED` | 403: credentials accepted but not allowed to read |
 * | `GIT_REPOSITORY_NOT_FOUND` | 404, or not a Git smart-HTTP endpoint |
 * | `GIT_REPOSITORY_EMPTY` | the repository has no branches yet |
 * | `GIT_REVISION_NOT_FOUND` | no branch, tag, commit or tag matching the semver range |
 * | `GIT_REVISION_AMBIGUOUS` | a short SHA matching several objects |
 * | `GIT_CREDENTIALS_INVALID` | the credentials file or environment variables are missing or malformed |
 * | `GIT_FETCH_FAILED` | any other failure talking to the server |
 * | `GIT_LOCAL_NOT_FOUND` | a local source's directory does not exist |
 * | `GIT_INVALID_OPTION` | a bad option (poll interval, cache size, depth) |
 * | `GIT_LIMIT_EXCEEDED` | a fetch, one file, a commit's total size or file count is over its limit (`git.max*`) |
 * | `GIT_PACK_INVALID` | the server sent a truncated or corrupt pack (bad header, data or checksum, or deltas that do not resolve within it) |
 * | `GIT_PUSH_REJECTED` | the branch moved since it was read (not a fast-forward, or not at the expected commit): read it again and retry |
 * | `GIT_PUSH_DENIED` | the server refused the update (a protected branch, a hook, missing objects); its reason is in the message |
 * | `GIT_PUSH_FAILED` | any other failure pushing (the server could not store the pack, or gave no report) |
 * | `GIT_CHANGE_INVALID` | a write-back change names a bad path (absolute, `..`, `.git`), a path twice, or a file where a directory is |
 * | `GIT_NO_CHANGES` | a write-back or revert would leave the tree as it is: nothing to commit |
 * | `GIT_REVERT_CONFLICT` | a file to revert was changed again by a later commit: revert by hand |
 */
export type GitErrorCode =
  | 'GIT_URL_INVALID'
  | 'GIT_SSH_UNSUPPORTED'
  | 'GIT_SUBMODULES_UNSUPPORTED'
  | 'GIT_UNREACHABLE'
  | 'GIT_SERVER_ERROR'
  | 'GIT_AUTH_FAILED'
  | 'GIT_ACCESS_DENIED'
  | 'GIT_REPOSITORY_NOT_FOUND'
  | 'GIT_REPOSITORY_EMPTY'
  | 'GIT_REVISION_NOT_FOUND'
  | 'GIT_REVISION_AMBIGUOUS'
  | 'GIT_CREDENTIALS_INVALID'
  | 'GIT_FETCH_FAILED'
  | 'GIT_LOCAL_NOT_FOUND'
  | 'GIT_INVALID_OPTION'
  | 'GIT_LIMIT_EXCEEDED'
  | 'GIT_PACK_INVALID'
  | 'GIT_PUSH_REJECTED'
  | 'GIT_PUSH_DENIED'
  | 'GIT_PUSH_FAILED'
  | 'GIT_CHANGE_INVALID'
  | 'GIT_NO_CHANGES'
  | 'GIT_REVERT_CONFLICT';

const TRANSIENT = new Set<GitErrorCode>(['GIT_UNREACHABLE', 'GIT_SERVER_ERROR']);

/** Builds a CapstanError with a Git code; `data.transient` is set from the code. */
export function gitError(
  code: GitErrorCode,
  message: string,
  data: Record<string, unknown> = {},
  cause?: unknown,
): CapstanError {
  return new CapstanError(code, message, { ...data, transient: TRANSIENT.has(code) }, cause);
}

/** True for errors where retrying later may succeed without anyone acting (server down, 5xx). */
export function isTransientGitError(e: unknown): boolean {
  return e instanceof CapstanError && e.data.transient === true;
}
