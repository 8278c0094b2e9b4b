import semver from 'semver';
import { gitError } from './errors.js';
import { commitOf, type RemoteRefs } from './remote.js';

/** How a revision was named: the default branch, a branch, a tag, a semver range over tags, another ref, or a commit. */
export type RevisionKind = 'default' | 'branch' | 'tag' | 'semver' | 'ref' | 'commit';

/** A revision resolved to a commit. */
export interface ResolvedRevision {
  /** What was asked for (`main`, `v1.2.0`, `^1.2`, `3f2a9c1`); `HEAD` for the default branch. */
  spec: string;
  kind: RevisionKind;
  /**
   * The remote ref it came from (`refs/heads/main`, `refs/tags/v1.2.0`); for a commit, a ref
   * whose tip it is, if any (branches listed first), else absent.
   */
  ref?: string;
  /** The full commit SHA. */
  commit: string;
}

/** A commit named by a SHA prefix that no ref tip matches: it is found by fetching history. */
export interface CommitPrefix {
  spec: string;
  kind: 'commit';
  prefix: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
/** git abbreviates to 7 hex digits by default; shorter strings are too likely to be names or versions. */
const SHORT_SHA = /^[0-9a-f]{7,40}$/i;

/**
 * Resolves a revision against the remote's refs, the way `git rev-parse` orders names:
 * a full ref, then a tag, then a branch; then a commit SHA (7 to 40 hex digits); then a
 * semver range over tags (`v` prefixes allowed), taking the highest matching version.
 * Pure: no I/O.
 *
 * Examples: `""`/`HEAD` → the default branch; `main` → refs/heads/main; `v1.2.0` →
 * refs/tags/v1.2.0 (peeled to its commit); `^1.2` with tags v1.2.0, v1.3.1, v2.0.0 → v1.3.1;
 * `3f2a9c1` → that commit (resolved later when no ref tip starts with it).
 */
export function resolveRevision(
  spec: string | undefined,
  remote: RemoteRefs,
  display: string,
): ResolvedRevision | CommitPrefix {
  const wanted = (spec ?? '').trim();
  if (wanted === '' || wanted === 'HEAD') return defaultBranch(remote, display);

  for (const name of [wanted, `refs/tags/${wanted}`, `refs/heads/${wanted}`]) {
    if (!name.startsWith('refs/')) continue;
    const ref = remote.refs.get(name);
    if (ref) return { spec: wanted, kind: kindOf(name), ref: name, commit: commitOf(ref) };
  }

  if (SHORT_SHA.test(wanted)) {
    const prefix = wanted.toLowerCase();
    const tips = new Map<string, string>();
    for (const [name, ref] of remote.refs) {
      const commit = commitOf(ref);
      if (commit.startsWith(prefix) && !tips.has(commit)) tips.set(commit, name);
    }
    // A ref tip is fetched through its ref (servers refuse wants of bare SHAs by default).
    if (tips.size === 1) {
      const [[commit, ref]] = tips;
      return { spec: wanted, kind: 'commit', ref, commit };
    }
    if (FULL_SHA.test(prefix)) return { spec: wanted, kind: 'commit', commit: prefix };
    return { spec: wanted, kind: 'commit', prefix };
  }

  const range = semver.validRange(wanted);
  if (range !== null) return highestTag(wanted, range, remote, display);

  throw gitError(
    'GIT_REVISION_NOT_FOUND',
    `revision "${wanted}" is not a branch, tag or commit of ${display}`,
    { url: display, revision: wanted },
  );
}

function kindOf(ref: string): RevisionKind {
  if (ref.startsWith('refs/heads/')) return 'branch';
  if (ref.startsWith('refs/tags/')) return 'tag';
  return 'ref';
}

function defaultBranch(remote: RemoteRefs, display: string): ResolvedRevision {
  // Servers that do not advertise HEAD's target still usually have one of these.
  const candidates = [remote.head, 'refs/heads/main', 'refs/heads/master'];
  for (const name of candidates) {
    const ref = name ? remote.refs.get(name) : undefined;
    if (name && ref) return { spec: 'HEAD', kind: 'default', ref: name, commit: commitOf(ref) };
  }
  throw gitError(
    'GIT_REVISION_NOT_FOUND',
    `the repository ${display} has no default branch (HEAD): name a branch, tag or commit as the revision`,
    { url: display, revision: 'HEAD' },
  );
}

function highestTag(spec: string, range: string, remote: RemoteRefs, display: string): ResolvedRevision {
  const byVersion = new Map<string, string>();
  for (const name of remote.refs.keys()) {
    if (!name.startsWith('refs/tags/')) continue;
    const version = semver.valid(name.slice('refs/tags/'.length));
    // Two tags for one version (v1.0.0 and 1.0.0): keep the first, as listed by the server (sorted).
    if (version !== null && !byVersion.has(version)) byVersion.set(version, name);
  }
  const best = semver.maxSatisfying([...byVersion.keys()], range);
  if (best === null) {
    const versions = [...byVersion.keys()].sort(semver.rcompare);
    const shown = versions.length
      ? `; its version tags are ${versions.slice(0, 10).join(', ')}${versions.length > 10 ? ', …' : ''}`
      : '; it has no version tags';
    throw gitError(
      'GIT_REVISION_NOT_FOUND',
      `no tag of ${display} matches the semver range "${spec}"${shown}`,
      { url: display, revision: spec, range },
    );
  }
  const ref = byVersion.get(best)!;
  return { spec, kind: 'semver', ref, commit: commitOf(remote.refs.get(ref)!) };
}
