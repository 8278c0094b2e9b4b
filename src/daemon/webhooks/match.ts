/**
 * Which applications a push concerns: the same repository (normalized URL), a
 * targetRevision the pushed ref satisfies, and — when the application asks — a changed
 * file under one of its trigger paths.
 */
import path from 'node:path/posix';
import semver from 'semver';
import type { PushEvent } from './event.js';
import { normalizeRepoUrl } from './repo-url.js';

const SHA = /^[0-9a-f]{7,40}$/i;

/** What a push is matched against: an application's name, source and trigger paths. */
export interface PushTarget {
  name: string;
  source: { repoURL: string; targetRevision: string; path: string };
  triggerPaths?: readonly string[];
}

/** Whether a push to `event`'s ref moves what `targetRevision` names. */
export function refMatches(targetRevision: string, event: PushEvent): boolean {
  const target = targetRevision.trim();
  // no ref named (generic webhook): every application of the repository
  if (event.branch === undefined && event.tag === undefined) return true;
  if (event.branch !== undefined) {
    if (target === '' || target === 'HEAD')
      return event.defaultBranch === undefined || event.branch === event.defaultBranch;
    return target === event.branch || target === `refs/heads/${event.branch}`;
  }
  const tag = event.tag!;
  if (target === tag || target === `refs/tags/${tag}`) return true;
  // a commit SHA is pinned: no push moves it
  if (SHA.test(target) || !semver.validRange(target)) return false;
  const version = semver.clean(tag);
  return version !== null && semver.satisfies(version, target);
}

/** Whether one of `changed` lies under one of the application's trigger paths. */
export function pathsMatch(app: PushTarget, changed: readonly string[] | undefined): boolean {
  if (!app.triggerPaths || app.triggerPaths.length === 0 || changed === undefined) return true;
  const dirs = app.triggerPaths.map((p) =>
    p.startsWith('/') ? path.normalize(p.slice(1)) : path.normalize(path.join(app.source.path || '.', p)),
  );
  return changed.some((file) => {
    const f = path.normalize(file);
    return dirs.some((d) => d === '.' || f === d || f.startsWith(d.endsWith('/') ? d : `${d}/`));
  });
}

/** The applications `event` should sync. */
export function applicationsForPush<T extends PushTarget>(apps: readonly T[], event: PushEvent): T[] {
  const repos = new Set(event.repoUrls.map(normalizeRepoUrl));
  return apps.filter(
    (app) =>
      repos.has(normalizeRepoUrl(app.source.repoURL)) &&
      refMatches(app.source.targetRevision, event) &&
      pathsMatch(app, event.changedPaths),
  );
}
