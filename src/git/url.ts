import { redactUrl } from '../core/index.js';
import { gitError } from './errors.js';

// moved to core (the logger redacts with them); still exported here for git's callers
export { redactUrl, redactText } from '../core/index.js';

/** A remote URL split into what isomorphic-git gets, what users see, and any embedded credentials. */
export interface RemoteUrl {
  /** The URL without user info (credentials travel in headers), query string or fragment. */
  url: string;
  /** What messages and logs show. Equal to `url`, which holds nothing secret; named for intent. */
  display: string;
  /** Credentials written into the URL (`https://user:token@host/repo`), if any. */
  username?: string;
  password?: string;
}

// `git@github.com:org/repo.git`, `github.com:org/repo`: scp-like syntax, which git reads as SSH.
const SCP_LIKE = /^(?:[^@/\s]+@)?[^:/\s]+:(?!\/\/)/;

/**
 * Validates a remote URL: http and https only. SSH (`ssh://`, `git@host:path`) and the other
 * transports get a clear error, since isomorphic-git implements only smart HTTP.
 */
export function parseRemoteUrl(raw: string): RemoteUrl {
  const text = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined && SCP_LIKE.test(text)) throw sshError(text);
  if (scheme !== undefined && /(^|\+)ssh($|\+)/.test(scheme)) throw sshError(text);
  if (scheme !== 'http' && scheme !== 'https') {
    const shown = scheme ? `${scheme}://` : 'a path';
    throw gitError(
      'GIT_URL_INVALID',
      `repository URL ${redactUrl(text)} is not supported: ${shown} given, but only http:// and https:// ` +
        'Git URLs can be fetched (use a local source for a directory on disk)',
      { url: redactUrl(text) },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw gitError('GIT_URL_INVALID', `repository URL ${redactUrl(text)} is not a valid URL`, {
      url: redactUrl(text),
    });
  }
  const username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.username = '';
  parsed.password = '';
  // isomorphic-git appends `/info/refs?service=…` to the URL: a query or fragment would break it.
  parsed.search = '';
  parsed.hash = '';
  const url = parsed.href.replace(/\/+$/, '');
  return { url, display: url, username, password };
}

function sshError(text: string) {
  return gitError(
    'GIT_SSH_UNSUPPORTED',
    `repository URL ${redactUrl(text)} uses SSH, which Capstan cannot fetch: its Git client ` +
      '(isomorphic-git) supports only HTTP(S). Use the https:// URL of the repository, with a ' +
      'token or user/password in the credentials',
    { url: redactUrl(text) },
  );
}
