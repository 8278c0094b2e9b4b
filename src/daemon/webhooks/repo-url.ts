/**
 * One spelling per repository, so that the URL a Git host puts in a webhook matches the
 * one an application was configured with: `https://GitHub.com/acme/app.git/`,
 * `http://github.com/acme/app` and `git@github.com:acme/app.git` all become
 * `github.com/acme/app`. Scheme, credentials, default ports, a `.git` suffix, trailing
 * slashes and the case of the host are dropped; the path keeps its case (many Git servers
 * are case-sensitive there).
 */
const DEFAULT_PORTS = new Set(['', '80', '443', '22']);

export function normalizeRepoUrl(url: string): string {
  const raw = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.*)$/.exec(raw);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    // scp-like SSH syntax: user@host:owner/repo.git
    host = scp[1];
    path = scp[2];
  } else {
    try {
      const u = new URL(raw);
      host = u.hostname + (DEFAULT_PORTS.has(u.port) ? '' : `:${u.port}`);
      path = decodeURIComponent(u.pathname);
    } catch {
      return raw.replace(/\/+$/, '').replace(/\.git$/, '');
    }
  }
  path = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  return `${host.toLowerCase()}/${path}`;
}
