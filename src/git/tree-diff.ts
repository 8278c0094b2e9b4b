import fs from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';
import { splitPath } from './tree-edit.js';

/** A file as a tree holds it: its blob and mode; null when the tree has no file there. */
export type FileEntry = { oid: string; mode: string } | null;

/** One file that differs between two trees. */
export interface FileDiff {
  path: string;
  before: FileEntry;
  after: FileEntry;
}

/**
 * Normalizes path prefixes: `./apps/web/` → `apps/web`; `.` or `` → `` (the whole tree).
 * Throws GIT_CHANGE_INVALID for a path that leaves the repository.
 */
export function normalizePrefixes(prefixes: string[]): string[] {
  return prefixes.map((p) => {
    const trimmed = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    return trimmed === '' || trimmed === '.' ? '' : splitPath(trimmed).join('/');
  });
}

/** Whether a file is at or under one of the prefixes (`apps/web` holds `apps/web/x`, not `apps/webapp`). */
function holdsFile(prefixes: string[], file: string): boolean {
  return prefixes.some((p) => p === '' || file === p || file.startsWith(`${p}/`));
}

/** Whether a directory (`apps/`) may hold files under one of the prefixes. */
function reachesInto(prefixes: string[], dir: string): boolean {
  return prefixes.some((p) => p === '' || `${p}/`.startsWith(dir) || dir.startsWith(`${p}/`));
}

/**
 * The files that differ between two trees (undefined: empty), limited to the prefixes.
 * Subtrees with equal oids are skipped unread, and only directories on a prefix's path are
 * read: a diff of `apps/web` in a 5,000-file repository reads a handful of trees.
 */
export async function diffTrees(options: {
  gitdir: string;
  before: string | undefined;
  after: string | undefined;
  prefixes: string[];
  cache?: object;
}): Promise<FileDiff[]> {
  const out: FileDiff[] = [];
  const walk = async (a: string | undefined, b: string | undefined, dir: string): Promise<void> => {
    if (a === b || !reachesInto(options.prefixes, dir)) return;
    const [left, right] = await Promise.all([read(options, a), read(options, b)]);
    for (const name of new Set([...left.keys(), ...right.keys()])) {
      const [ea, eb] = [left.get(name), right.get(name)];
      const path = dir + name;
      const [ta, tb] = [treeOid(ea), treeOid(eb)];
      if (ta !== tb) await walk(ta, tb, `${path}/`);
      const [fa, fb] = [fileOf(ea), fileOf(eb)];
      if (!sameFile(fa, fb) && holdsFile(options.prefixes, path)) out.push({ path, before: fa, after: fb });
    }
  };
  await walk(options.before, options.after, '');
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** The entry (a file or a directory) at `path` in a tree; undefined when there is none. */
export async function entryAt(
  options: { gitdir: string; cache?: object },
  tree: string,
  path: string,
): Promise<TreeEntry | undefined> {
  let oid: string | undefined = tree;
  const parts = path.split('/');
  for (const [i, name] of parts.entries()) {
    const entry: TreeEntry | undefined = (await read(options, oid)).get(name);
    if (!entry) return undefined;
    if (i === parts.length - 1) return entry;
    if (entry.type !== 'tree') return undefined;
    oid = entry.oid;
  }
  return undefined;
}

export function sameFile(a: FileEntry, b: FileEntry): boolean {
  return a === null ? b === null : b !== null && a.oid === b.oid && a.mode === b.mode;
}

export function fileOf(entry: TreeEntry | undefined): FileEntry {
  return entry && entry.type !== 'tree' ? { oid: entry.oid, mode: entry.mode } : null;
}

function treeOid(entry: TreeEntry | undefined): string | undefined {
  return entry?.type === 'tree' ? entry.oid : undefined;
}

async function read(
  options: { gitdir: string; cache?: object },
  oid: string | undefined,
): Promise<Map<string, TreeEntry>> {
  if (!oid) return new Map();
  const { tree } = await git.readTree({ fs, gitdir: options.gitdir, oid, cache: options.cache });
  return new Map(tree.map((e) => [e.path, e]));
}
