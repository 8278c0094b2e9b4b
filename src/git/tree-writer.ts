// Written here rather than with git.checkout: checkout writes the shared Git directory's index
// and HEAD, which would serialize snapshots of one repository and tie a snapshot to index state.
// A snapshot needs only the commit's files, read straight from the object store.
import fs from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import git, { type TreeEntry } from 'isomorphic-git';
import { gitError } from './errors.js';
import { formatBytes, limitExceeded, type GitLimits } from './limits.js';
import { ObjectSizes } from './object-size.js';
import { measureTree, type TreeTotals } from './tree-meter.js';

/** Files written at once: enough to overlap inflating objects with disk writes. */
const WRITE_CONCURRENCY = 16;

export interface WriteTreeOptions {
  gitdir: string;
  commit: string;
  /** An empty directory to write the files into. */
  dir: string;
  /** isomorphic-git's cache for this repository. */
  cache: object;
  /** The repository's redacted URL, for messages. */
  display: string;
  /**
   * The snapshot of an earlier commit of this repository, held for the duration of the call.
   * Files and whole directories unchanged since it are hard-linked from it (they are
   * read-only, so sharing is safe) instead of being inflated and written again: a commit that
   * changes 10 of 5,000 files writes 10.
   */
  base?: { commit: string; dir: string };
  /** Bounds on one file, the files' count and their total size, checked before anything is written. */
  limits: Pick<GitLimits, 'maxBlobBytes' | 'maxSnapshotBytes' | 'maxFiles'>;
  /** Totals of trees already measured in this repository (see `measureTree`). */
  measured?: Map<string, TreeTotals>;
}

type Job =
  | { kind: 'write'; file: string; oid: string; mode: string }
  | { kind: 'link'; file: string; from: string; mode: string }
  | { kind: 'linkTree'; dir: string; from: string };

/**
 * Writes every file of a commit into `dir`, read-only (0444, executables 0555, directories
 * 0555), and returns the files' total size in bytes. A commit with submodules (a
 * `.gitmodules` file or any gitlink) is refused: isomorphic-git cannot fetch them. A commit
 * over the limits is refused with GIT_LIMIT_EXCEEDED before a file is inflated or written.
 */
export async function writeCommitTree(options: WriteTreeOptions): Promise<number> {
  const { gitdir, cache } = options;
  const rootTree = await treeOf(options.commit, options);
  const sizes = new ObjectSizes(gitdir);
  try {
    await measureTree(rootTree, { ...options, sizes, memo: options.measured ?? new Map() });
  } finally {
    await sizes.close();
  }
  const baseTree = options.base
    ? await treeOf(options.base.commit, options).catch(() => undefined)
    : undefined;
  const jobs: Job[] = [];
  const dirs: string[] = [options.dir];
  // Breadth first: the root's .gitmodules is seen before anything is written.
  const pending: Array<{ oid: string; baseOid?: string; dir: string; rel: string }> = [
    { oid: rootTree, baseOid: baseTree, dir: options.dir, rel: '' },
  ];
  while (pending.length > 0) {
    const { oid, baseOid, dir, rel } = pending.shift()!;
    const { tree } = await git.readTree({ fs, gitdir, oid, cache });
    const base = baseOid ? await readBaseTree(baseOid, options) : new Map<string, TreeEntry>();
    for (const entry of tree) {
      const relPath = rel + entry.path;
      checkEntry(entry, rel, relPath, options);
      const target = path.join(dir, entry.path);
      const from = options.base && path.join(options.base.dir, relPath);
      const same = base.get(entry.path);
      if (from && same?.oid === entry.oid && same.mode === entry.mode) {
        jobs.push(
          entry.type === 'tree'
            ? { kind: 'linkTree', dir: target, from }
            : { kind: 'link', file: target, from, mode: entry.mode },
        );
      } else if (entry.type === 'tree') {
        dirs.push(target);
        pending.push({
          oid: entry.oid,
          baseOid: same?.type === 'tree' ? same.oid : undefined,
          dir: target,
          rel: `${relPath}/`,
        });
      } else {
        jobs.push({ kind: 'write', file: target, oid: entry.oid, mode: entry.mode });
      }
    }
  }

  for (const dir of dirs) await mkdir(dir, { recursive: true });
  let next = 0;
  let bytes = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job.kind === 'write') {
        const { blob } = await git.readBlob({ fs, gitdir, oid: job.oid, cache });
        checkBlobSize(blob.byteLength, job.file, options);
        bytes += blob.byteLength;
        if (job.mode === '120000') await symlink(Buffer.from(blob).toString('utf8'), job.file);
        else await writeFile(job.file, blob, { mode: fileMode(job.mode) });
      } else if (job.kind === 'link') {
        bytes += await linkFile(job.from, job.file, job.mode);
      } else {
        bytes += await linkTree(job.from, job.dir, dirs);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, jobs.length) }, worker));
  for (const dir of dirs) await chmod(dir, 0o555);
  return bytes;
}

/** The measure read sizes from headers; an object it could not size is checked once inflated. */
function checkBlobSize(size: number, file: string, options: WriteTreeOptions): void {
  if (size <= options.limits.maxBlobBytes) return;
  const rel = path.relative(options.dir, file);
  throw limitExceeded(
    'maxBlobBytes',
    `the file "${rel}" (${formatBytes(size)}) is larger than`,
    size,
    options.limits.maxBlobBytes,
    options,
  );
}

async function treeOf(commit: string, options: WriteTreeOptions): Promise<string> {
  const { commit: c } = await git.readCommit({
    fs,
    gitdir: options.gitdir,
    oid: commit,
    cache: options.cache,
  });
  return c.tree;
}

/** A base tree's entries by name; empty when it cannot be read (then nothing is shared). */
async function readBaseTree(oid: string, options: WriteTreeOptions): Promise<Map<string, TreeEntry>> {
  try {
    const { tree } = await git.readTree({ fs, gitdir: options.gitdir, oid, cache: options.cache });
    return new Map(tree.map((e) => [e.path, e]));
  } catch {
    return new Map();
  }
}

function fileMode(gitMode: string): number {
  return gitMode === '100755' ? 0o555 : 0o444;
}

/**
 * Hard-links one file of the base snapshot, or copies it where links are impossible (another
 * file system); returns its size.
 */
async function linkFile(from: string, to: string, gitMode: string): Promise<number> {
  const info = await lstat(from);
  if (gitMode === '120000') {
    await symlink(await readlink(from), to);
  } else {
    try {
      await link(from, to);
    } catch {
      await copyFile(from, to);
      await chmod(to, fileMode(gitMode));
    }
  }
  return info.size;
}

/** Recreates a whole unchanged directory of the base snapshot under `to`, linking its files; returns their size. */
async function linkTree(from: string, to: string, dirs: string[]): Promise<number> {
  await mkdir(to);
  dirs.push(to);
  let bytes = 0;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) bytes += await linkTree(src, dst, dirs);
    else if (entry.isSymbolicLink()) bytes += await linkFile(src, dst, '120000');
    else bytes += await linkFile(src, dst, (await lstat(src)).mode & 0o111 ? '100755' : '100644');
  }
  return bytes;
}

/** Refuses submodules, and names that would escape or confuse the snapshot (a hostile repository). */
function checkEntry(entry: TreeEntry, rel: string, relPath: string, options: WriteTreeOptions): void {
  const name = entry.path;
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.includes('/') ||
    name.includes('\0') ||
    name === '.git'
  ) {
    throw gitError(
      'GIT_FETCH_FAILED',
      `commit ${options.commit} of ${options.display} has an unsafe path "${relPath}"; refusing to check it out`,
      { url: options.display, commit: options.commit, path: relPath },
    );
  }
  if (entry.type === 'commit' || (rel === '' && name === '.gitmodules')) {
    throw gitError(
      'GIT_SUBMODULES_UNSUPPORTED',
      `commit ${options.commit} of ${options.display} uses Git submodules (${relPath}), which Capstan ` +
        'cannot fetch: its Git client (isomorphic-git) does not support submodules. Vendor the ' +
        "submodule's files into the repository instead",
      { url: options.display, commit: options.commit, path: relPath },
    );
  }
}
