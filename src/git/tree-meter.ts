import fs from 'node:fs';
import git from 'isomorphic-git';
import { formatBytes, limitExceeded, type GitLimits } from './limits.js';
import type { ObjectSizes } from './object-size.js';

/** What a tree holds, all levels down. */
export interface TreeTotals {
  files: number;
  bytes: number;
}

export interface MeasureOptions {
  gitdir: string;
  /** isomorphic-git's cache for this repository. */
  cache: object;
  sizes: ObjectSizes;
  limits: Pick<GitLimits, 'maxBlobBytes' | 'maxSnapshotBytes' | 'maxFiles'>;
  /**
   * Totals of trees measured before, by oid: a tree never changes, so the snapshot of a new
   * commit measures only the trees that changed, and a tree repeated many times over (a
   * "zip bomb" of directories) is measured once.
   */
  memo: Map<string, TreeTotals>;
  /** For messages. */
  display: string;
  commit: string;
}

/** Blob sizes looked up at once within one directory. */
const SIZE_BATCH = 64;
/** Trees remembered per repository; past this the memo starts afresh. */
const MEMO_LIMIT = 100_000;

/**
 * Counts a commit's files and adds up their sizes from tree objects and object headers alone
 * (no file is inflated or written), and throws GIT_LIMIT_EXCEEDED as soon as one file, the
 * count or the total is over its limit. Symbolic links count as files; gitlinks (submodules)
 * are left to the writer, which refuses them.
 */
export async function measureTree(treeOid: string, options: MeasureOptions): Promise<TreeTotals> {
  if (options.memo.size > MEMO_LIMIT) options.memo.clear();
  return measure(treeOid, '', options);
}

async function measure(oid: string, rel: string, options: MeasureOptions): Promise<TreeTotals> {
  const known = options.memo.get(oid);
  if (known) return known;
  const { limits } = options;
  const { tree } = await git.readTree({ fs, gitdir: options.gitdir, oid, cache: options.cache });
  const totals: TreeTotals = { files: 0, bytes: 0 };
  const add = (files: number, bytes: number): void => {
    totals.files += files;
    totals.bytes += bytes;
    if (totals.files > limits.maxFiles) {
      throw exceeded(options, 'maxFiles', 'it has more files than', totals.files, limits.maxFiles);
    }
    if (totals.bytes > limits.maxSnapshotBytes) {
      throw exceeded(
        options,
        'maxSnapshotBytes',
        'its files add up to more than',
        totals.bytes,
        limits.maxSnapshotBytes,
      );
    }
  };
  const blobs = tree.filter((e) => e.type === 'blob');
  for (let i = 0; i < blobs.length; i += SIZE_BATCH) {
    const batch = blobs.slice(i, i + SIZE_BATCH);
    const sizes = await Promise.all(batch.map((e) => options.sizes.sizeOf(e.oid)));
    batch.forEach((entry, j) => {
      const size = sizes[j] ?? 0;
      if (size > limits.maxBlobBytes) {
        const what = `the file "${rel}${entry.path}" (${formatBytes(size)}) is larger than`;
        throw exceeded(options, 'maxBlobBytes', what, size, limits.maxBlobBytes);
      }
      add(1, size);
    });
  }
  for (const entry of tree) {
    if (entry.type !== 'tree') continue;
    const sub = await measure(entry.oid, `${rel}${entry.path}/`, options);
    add(sub.files, sub.bytes);
  }
  options.memo.set(oid, totals);
  return totals;
}

function exceeded(
  options: MeasureOptions,
  limit: 'maxFiles' | 'maxSnapshotBytes' | 'maxBlobBytes',
  what: string,
  value: number,
  max: number,
) {
  return limitExceeded(limit, what, value, max, { display: options.display, commit: options.commit });
}
