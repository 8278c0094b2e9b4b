import fs from 'node:fs';
import git, { type HttpClient } from 'isomorphic-git';
import { authorizationHeader, secretsOf, type GitCredentials } from './credentials.js';
import { gitError } from './errors.js';
import { createHttpClient } from './http.js';
import { withLock } from './lock.js';
import {
  discoverReceivePack,
  pushRejected,
  sendReceivePack,
  ZERO_OID,
  type RefUpdate,
} from './receive-pack.js';
import type { RemoteAuth } from './repository.js';
import { editTree, type EntryEdit } from './tree-edit.js';

/**
 * Where a write-back goes: a bare Git directory that holds the parent commit (a GitSource's
 * mirror: see `GitSource.writeTarget()`), and the remote it came from.
 */
export interface WriteTarget {
  gitdir: string;
  /** The remote URL, without credentials. */
  url: string;
  /** The URL for messages (default `url`). */
  display?: string;
  credentials?: GitCredentials;
  /** Default: `createHttpClient()`. */
  http?: HttpClient;
  /** isomorphic-git's object cache for this Git directory. */
  cache?: object;
  /** Brings commits that are not in `gitdir` yet (a shallow mirror's older history); used by `revertCommits`. */
  ensureCommits?: (oids: string[]) => Promise<void>;
}

export interface GitIdentity {
  name: string;
  email: string;
}

/** A file written with this content (mode kept when it exists, else 100644), or deleted (a missing file is no change). */
export type FileChange = { path: string; content: string | Uint8Array } | { path: string; delete: true };

export interface PushOptions {
  /** Replace the branch even when the new commit does not descend from its tip (default false). */
  force?: boolean;
  /** Push only if the branch is at this commit now (`ZERO_OID`: only if it does not exist): a lease. */
  expectedRemoteSha?: string;
}

export interface CommitOptions extends WriteTarget {
  /** The full SHA of the commit to build on; it must be in `gitdir` already. */
  parent: string;
  message: string;
  author: GitIdentity;
  /** Default: the author. */
  committer?: GitIdentity;
  /** The branch to push to (`refs/heads/<branch>`), created when missing. */
  branch: string;
  push?: PushOptions;
  /** The commit's time (default: now). */
  now?: () => Date;
}

export interface CommitFilesOptions extends CommitOptions {
  changes: FileChange[];
}

export interface WriteResult {
  /** The new commit's SHA, now the tip of `ref` on the remote. */
  commit: string;
  ref: string;
  /** The branch's tip before the push; undefined when the push created it. */
  previous?: string;
}

/**
 * Commits `changes` on top of `parent` and pushes the commit to `branch` of the remote. The
 * new tree is the parent's with only those paths changed: unchanged subtrees are reused, and
 * only the new blobs, trees and the commit are sent. The branch is created when missing;
 * an existing branch accepts only a fast-forward unless `push.force`.
 *
 * Errors: GIT_PUSH_REJECTED when the branch moved (read it again and retry),
 * GIT_CHANGE_INVALID, GIT_NO_CHANGES, GIT_REVISION_NOT_FOUND (parent not fetched), and the
 * remote errors of a fetch (GIT_AUTH_FAILED, GIT_UNREACHABLE …, transient ones flagged).
 */
export async function commitFiles(given: CommitFilesOptions): Promise<WriteResult> {
  const options = { ...given, cache: given.cache ?? {} };
  return withLock(options.gitdir, async () => {
    const blobs: string[] = [];
    const edits: EntryEdit[] = [];
    for (const change of options.changes) {
      if ('delete' in change) {
        edits.push({ path: change.path, oid: null });
        continue;
      }
      const blob = typeof change.content === 'string' ? Buffer.from(change.content, 'utf8') : change.content;
      const oid = await git.writeBlob({ fs, gitdir: options.gitdir, blob });
      blobs.push(oid);
      edits.push({ path: change.path, oid, mode: '' });
    }
    return commitEdits(options, edits, blobs);
  });
}

/**
 * The part of `commitFiles` after blobs exist: edits name blob oids (mode '' keeps the
 * file's mode, 100644 for a new file). `newObjects` are blobs the remote may lack. Callers
 * hold the Git directory's lock.
 */
export async function commitEdits(
  options: CommitOptions,
  edits: EntryEdit[],
  newObjects: string[],
): Promise<WriteResult> {
  const branch = branchRef(options.branch);
  const { gitdir, cache } = options;
  const display = options.display ?? options.url;
  const parentTree = await treeOf(gitdir, options.parent, display, cache);
  const { tree, written } = await editTree({ gitdir, tree: parentTree, edits, cache });
  if (tree === parentTree) {
    throw gitError(
      'GIT_NO_CHANGES',
      `the changes leave ${options.parent.slice(0, 7)} as it is: nothing to commit`,
      {
        url: display,
        parent: options.parent,
      },
    );
  }
  const when = options.now?.() ?? new Date();
  const commit = await git.writeCommit({
    fs,
    gitdir,
    commit: {
      message: commitMessage(options.message),
      tree,
      parent: [options.parent],
      author: signature(options.author, when),
      committer: signature(options.committer ?? options.author, when),
    },
  });
  const previous = await pushCommit(options, branch, commit, [commit, ...written, ...newObjects]);
  // The mirror now knows the branch as the remote does: a sync of it needs no fetch.
  await git.writeRef({ fs, gitdir, ref: branch, value: commit, force: true });
  return { commit, ref: branch, previous };
}

/** Pushes `commit` to `ref`, after checking the branch is where the options allow; returns its old tip. */
async function pushCommit(
  options: CommitOptions,
  ref: string,
  commit: string,
  objects: string[],
): Promise<string | undefined> {
  const display = options.display ?? options.url;
  const auth = remoteAuth(options.credentials, display);
  const remote = { http: options.http ?? createHttpClient(), url: options.url, ...auth };
  const info = await discoverReceivePack(remote);
  const tip = info.refs.get(ref);
  const update: RefUpdate = { ref, oldOid: tip ?? ZERO_OID, newOid: commit };
  const expected = options.push?.expectedRemoteSha;
  if (expected !== undefined && expected !== update.oldOid) {
    throw pushRejected(display, update, `it is at ${short(update.oldOid)}, expected ${short(expected)}`);
  }
  if (tip && !options.push?.force && !(await descends(options, tip))) {
    throw pushRejected(
      display,
      update,
      `not a fast-forward: it is at ${short(tip)}, and the new commit builds on ${short(options.parent)}`,
    );
  }
  await sendReceivePack({ ...remote, gitdir: options.gitdir, cache: options.cache, info, update, objects });
  return tip;
}

/** Whether the parent is the branch's tip or descends from it (as far as the local history tells). */
async function descends(options: CommitOptions, tip: string): Promise<boolean> {
  if (tip === options.parent) return true;
  try {
    const { gitdir, cache } = options;
    return await git.isDescendent({ fs, gitdir, oid: options.parent, ancestor: tip, depth: -1, cache });
  } catch {
    return false; // the tip is not here: someone pushed since the last fetch
  }
}

/** The tree of a commit that must be here; GIT_REVISION_NOT_FOUND otherwise. */
export async function treeOf(
  gitdir: string,
  commit: string,
  display: string,
  cache?: object,
): Promise<string> {
  try {
    return (await git.readCommit({ fs, gitdir, oid: commit, cache })).commit.tree;
  } catch (e) {
    throw gitError(
      'GIT_REVISION_NOT_FOUND',
      `commit ${commit} of ${display} is not in the local mirror: sync (fetch) it before writing on it`,
      { url: display, revision: commit },
      e,
    );
  }
}

/** The headers to send and what to strip from messages, for a push. */
function remoteAuth(credentials: GitCredentials | undefined, display: string): RemoteAuth {
  return {
    headers: credentials ? { Authorization: authorizationHeader(credentials) } : {},
    context: {
      display,
      withCredentials: credentials !== undefined,
      secrets: secretsOf(credentials),
      operation: 'push',
    },
  };
}

/** `refs/heads/<branch>`, refusing names git would refuse (git-check-ref-format(1)). */
function branchRef(branch: string): string {
  const name = branch.replace(/^refs\/heads\//, '');
  if (name === '' || /(^|\/)\.|\.\.|@\{|[\s~^:?*[\\]|\p{Cc}|\/\/|^\/|\/$|\.lock$|\.$|^-|^@$/u.test(name)) {
    throw gitError('GIT_INVALID_OPTION', `"${branch}" is not a valid branch name`, { branch });
  }
  return `refs/heads/${name}`;
}

function signature(who: GitIdentity, when: Date) {
  if (!who.name.trim() || !who.email.trim() || /[<>\n]/.test(who.name + who.email)) {
    throw gitError(
      'GIT_INVALID_OPTION',
      `a commit author needs a name and an email without <, > or newlines`,
      {
        name: who.name,
        email: who.email,
      },
    );
  }
  return {
    name: who.name,
    email: who.email,
    timestamp: Math.floor(when.getTime() / 1000),
    timezoneOffset: 0,
  };
}

/** Git's own clean-up: no trailing blank lines, one final newline. */
function commitMessage(message: string): string {
  const text = message.replace(/\s+$/, '');
  if (!text) throw gitError('GIT_INVALID_OPTION', 'a commit message must not be empty', {});
  return `${text}\n`;
}

function short(oid: string): string {
  return oid === ZERO_OID ? 'nothing (no such branch)' : oid.slice(0, 7);
}
