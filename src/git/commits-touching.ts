import fs from 'node:fs';
import git from 'isomorphic-git';
import { gitError } from './errors.js';
import { withLock } from './lock.js';
import { diffTrees, normalizePrefixes } from './tree-diff.js';

export interface CommitsTouchingOptions {
  gitdir: string;
  /** The commit to stop at, exclusive: `git log from..to` (a healthy revision). */
  from: string;
  /** The newest commit, inclusive (a failed revision). */
  to: string;
  /** Only commits that changed files at or under these paths count (`apps/web`; `.` for all). */
  paths: string[];
  cache?: object;
  /** Brings commits a shallow mirror lacks (`WriteTarget.ensureCommits`). */
  ensureCommits?: (oids: string[]) => Promise<void>;
  /** The most commits walked before giving up (default 1,000). */
  maxCommits?: number;
}

export interface TouchingCommit {
  oid: string;
  subject: string;
  /** The files under the paths the commit changed against its first parent. */
  files: string[];
}

/**
 * The commits after `from` up to and including `to` that changed a file under `paths`,
 * newest first: `git log --first-parent from..to -- paths`. The first-parent line is the
 * tracked branch's own history, so a merged pull request counts as its merge commit (whose
 * diff against the first parent is the whole pull request), as `revertCommits` undoes it.
 *
 * Throws GIT_REVISION_NOT_FOUND when `from` is not on `to`'s first-parent line within
 * `maxCommits` (it is on another branch, or the history was rewritten).
 */
export async function commitsTouching(options: CommitsTouchingOptions): Promise<TouchingCommit[]> {
  const { gitdir, cache } = options;
  const prefixes = normalizePrefixes(options.paths.length > 0 ? options.paths : ['.']);
  const limit = options.maxCommits ?? 1_000;
  // a depth-1 mirror has `to` but not its history down to `from`: finding `from` deepens it
  await options.ensureCommits?.([options.to, options.from]);
  const read = (oid: string) =>
    withLock(gitdir, async () => (await git.readCommit({ fs, gitdir, oid, cache })).commit);
  const readDeepening = async (oid: string) => {
    try {
      return await read(oid);
    } catch (e) {
      if (!options.ensureCommits) throw notFound(options, e);
      await options.ensureCommits([oid]);
      return read(oid).catch((again: unknown) => Promise.reject(notFound(options, again)));
    }
  };
  const found: TouchingCommit[] = [];
  let oid: string | undefined = options.to;
  for (let walked = 0; oid !== options.from; walked++) {
    if (oid === undefined || walked >= limit) throw notFound(options);
    const commit = await readDeepening(oid);
    const parent: string | undefined = commit.parent[0];
    const before = parent ? (await readDeepening(parent)).tree : undefined;
    const diffs = await withLock(gitdir, () =>
      diffTrees({ gitdir, before, after: commit.tree, prefixes, cache }),
    );
    if (diffs.length > 0)
      found.push({ oid, subject: commit.message.split('\n', 1)[0], files: diffs.map((d) => d.path) });
    oid = parent;
  }
  return found;
}

function notFound(options: CommitsTouchingOptions, cause?: unknown) {
  return gitError(
    'GIT_REVISION_NOT_FOUND',
    `${options.from.slice(0, 7)} is not an ancestor of ${options.to.slice(0, 7)} on its branch's first-parent ` +
      'history (another branch, or rewritten history): nothing to compare',
    { from: options.from, to: options.to },
    cause,
  );
}
