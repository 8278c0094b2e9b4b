import fs from 'node:fs';
import git from 'isomorphic-git';
import { gitError } from './errors.js';
import { withLock } from './lock.js';
import { diffTrees, entryAt, fileOf, normalizePrefixes, sameFile, type FileEntry } from './tree-diff.js';
import type { EntryEdit } from './tree-edit.js';
import { commitEdits, treeOf, type CommitOptions, type WriteResult } from './write-back.js';

export interface RevertOptions extends Omit<CommitOptions, 'parent' | 'message'> {
  /** The full SHA the revert builds on (the branch's tip as last read). */
  head: string;
  /** Full SHAs of the commits to undo, in any order; a merge is undone against its first parent. */
  commits: string[];
  /** Only files at or under these paths are reverted (`apps/web`); `.` for the whole repository. */
  paths: string[];
  /** Default: `Revert "<subject>"` and the SHAs reverted (see `revertMessage`). */
  message?: string;
}

export interface RevertResult extends WriteResult {
  /** The commits undone, newest first. */
  reverted: string[];
  /** The files the revert restored or deleted. */
  files: string[];
}

interface CommitToRevert {
  oid: string;
  parent?: string;
  tree: string;
  subject: string;
  time: number;
}

/**
 * Undoes `commits`, limited to files under `paths`, on top of `head`, and pushes the result
 * through `commitEdits` (so `branch` and `push` behave as in `commitFiles`). Each file a
 * commit changed under the paths gets its content at the commit's parent back, or is deleted
 * if the commit added it. Commits are undone newest first, so two that changed one file
 * restore it to before the older one.
 *
 * A file that changed again after a reverted commit (its content at `head`, with the newer
 * reverts applied, is not what the commit left) fails with GIT_REVERT_CONFLICT, naming it:
 * restoring the old content would silently undo that later change too.
 */
export async function revertCommits(given: RevertOptions): Promise<RevertResult> {
  const options = { ...given, cache: given.cache ?? {} };
  const prefixes = normalizePrefixes(options.paths.length > 0 ? options.paths : ['.']);
  const wanted = [...new Set(options.commits)];
  for (const oid of [options.head, ...wanted]) {
    if (!/^[0-9a-f]{40}$/.test(oid)) {
      throw gitError('GIT_INVALID_OPTION', `"${oid}" is not a full commit SHA (40 hex digits)`, {
        revision: oid,
      });
    }
  }
  if (wanted.length === 0) throw gitError('GIT_INVALID_OPTION', 'no commits to revert', {});
  // A shallow mirror has the commits but not always their parents: bring those too.
  await options.ensureCommits?.([options.head, ...wanted]);
  const parents = await withLock(options.gitdir, async () =>
    (await Promise.all(wanted.map((oid) => readCommit(options, oid)))).flatMap((c) => c.parent ?? []),
  );
  await options.ensureCommits?.(parents);

  return withLock(options.gitdir, async () => {
    const display = options.display ?? options.url;
    const headTree = await treeOf(options.gitdir, options.head, display, options.cache);
    const ordered = await newestFirst(
      options,
      await Promise.all(wanted.map((oid) => readCommit(options, oid))),
    );
    const state = new Map<string, FileEntry>();
    for (const commit of ordered) {
      const before = commit.parent
        ? await treeOf(options.gitdir, commit.parent, display, options.cache)
        : undefined;
      const diffs = await diffTrees({
        gitdir: options.gitdir,
        before,
        after: commit.tree,
        prefixes,
        cache: options.cache,
      });
      for (const diff of diffs) {
        const current = state.has(diff.path)
          ? (state.get(diff.path) as FileEntry)
          : fileOrDirectory(await entryAt(options, headTree, diff.path));
        if (current === 'directory' || !sameFile(current, diff.after)) {
          throw gitError(
            'GIT_REVERT_CONFLICT',
            `cannot revert ${commit.oid.slice(0, 7)} ("${commit.subject}") in ${diff.path}: a later commit changed ` +
              `it again (as of ${options.head.slice(0, 7)}); revert it by hand`,
            { path: diff.path, commit: commit.oid, head: options.head },
          );
        }
        state.set(diff.path, diff.before);
      }
    }
    const edits: EntryEdit[] = [...state].map(([path, entry]) =>
      entry ? { path, oid: entry.oid, mode: entry.mode } : { path, oid: null },
    );
    if (edits.length === 0) {
      throw gitError(
        'GIT_NO_CHANGES',
        `the commits ${ordered.map((c) => c.oid.slice(0, 7)).join(', ')} change nothing under ${prefixes.map((p) => p || '.').join(', ')}: nothing to revert`,
        { commits: wanted, paths: prefixes },
      );
    }
    const message = options.message ?? revertMessage(ordered, prefixes);
    // The restored blobs come from the remote's own history: only trees and the commit are new.
    const result = await commitEdits({ ...options, parent: options.head, message }, edits, []);
    return { ...result, reverted: ordered.map((c) => c.oid), files: [...state.keys()] };
  });
}

/**
 * `Revert "<subject>"` for one commit, `Revert 2 commits` for more, then the SHAs and the
 * paths, as `git revert` writes "This reverts commit <sha>."
 */
export function revertMessage(commits: Array<{ oid: string; subject: string }>, prefixes: string[]): string {
  const limited = prefixes.every((p) => p === '') ? '' : `\n\nLimited to ${prefixes.join(', ')}.`;
  if (commits.length === 1) {
    const [c] = commits;
    return `Revert "${c.subject}"\n\nThis reverts commit ${c.oid}.${limited}\n`;
  }
  const list = commits.map((c) => `- ${c.oid} ${c.subject}`).join('\n');
  return `Revert ${commits.length} commits\n\nThis reverts commits:\n${list}${limited}\n`;
}

async function readCommit(options: RevertOptions, oid: string): Promise<CommitToRevert> {
  const display = options.display ?? options.url;
  let commit;
  try {
    commit = (await git.readCommit({ fs, gitdir: options.gitdir, oid, cache: options.cache })).commit;
  } catch (e) {
    throw gitError(
      'GIT_REVISION_NOT_FOUND',
      `commit ${oid} of ${display} is not in the local mirror: sync (fetch) it before reverting it`,
      { url: display, revision: oid },
      e,
    );
  }
  return {
    oid,
    parent: commit.parent[0],
    tree: commit.tree,
    subject: commit.message.split('\n', 1)[0],
    time: commit.committer.timestamp,
  };
}

/**
 * Orders commits so that none comes after one of its ancestors: the newest first. Ancestry
 * decides (commits made in one second share a timestamp); the committer time breaks ties
 * between unrelated commits, and stands in when the local history is too shallow to tell.
 */
async function newestFirst(options: RevertOptions, commits: CommitToRevert[]): Promise<CommitToRevert[]> {
  const descends = async (oid: string, ancestor: string): Promise<boolean> => {
    try {
      return await git.isDescendent({
        fs,
        gitdir: options.gitdir,
        oid,
        ancestor,
        depth: -1,
        cache: options.cache,
      });
    } catch {
      return false;
    }
  };
  const remaining = [...commits].sort((a, b) => b.time - a.time);
  const ordered: CommitToRevert[] = [];
  while (remaining.length > 0) {
    let pick = 0;
    for (let i = 0; i < remaining.length; i++) {
      let isAncestor = false;
      for (const other of remaining) {
        if (other !== remaining[i] && (await descends(other.oid, remaining[i].oid))) isAncestor = true;
      }
      if (!isAncestor) {
        pick = i;
        break;
      }
    }
    ordered.push(...remaining.splice(pick, 1));
  }
  return ordered;
}

function fileOrDirectory(entry: Awaited<ReturnType<typeof entryAt>>): FileEntry | 'directory' {
  return entry?.type === 'tree' ? 'directory' : fileOf(entry);
}
