import fs from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';
import { gitError } from './errors.js';

/**
 * What a path becomes in the new tree: a blob with a mode, or nothing (deleted). Mode ''
 * keeps the existing file's mode when it is executable (100755), else 100644.
 */
export type EntryEdit = { path: string; oid: string; mode: string } | { path: string; oid: null };

export interface EditTreeOptions {
  gitdir: string;
  /** The tree the edits apply to (undefined: an empty tree). */
  tree: string | undefined;
  edits: EntryEdit[];
  cache?: object;
}

export interface EditedTree {
  tree: string;
  /** Trees this edit wrote that the base tree did not hold. */
  written: string[];
}

const TREE_MODE = '040000';

/** A directory of edits: a name maps to a blob edit or to the edits under a subdirectory. */
type EditDir = Map<string, EntryEdit | EditDir>;

/**
 * Applies edits to a tree and writes the trees that change, bottom up. Only the directories
 * on an edited path are read and written again: every other subtree keeps its oid, so a
 * commit that edits one file of 5,000 writes one blob and the trees above it (3 for
 * `apps/web/deploy.yaml`). A directory left empty disappears, as git has no empty trees.
 */
export async function editTree(options: EditTreeOptions): Promise<EditedTree> {
  const root = buildEditDir(options.edits);
  const written: string[] = [];
  const tree = await editDir(options, options.tree, root, '', written);
  return { tree: tree ?? (await git.writeTree({ fs, gitdir: options.gitdir, tree: [] })), written };
}

async function editDir(
  options: EditTreeOptions,
  oid: string | undefined,
  edits: EditDir,
  rel: string,
  written: string[],
): Promise<string | undefined> {
  const { gitdir, cache } = options;
  const entries = new Map<string, TreeEntry>();
  if (oid) {
    for (const entry of (await git.readTree({ fs, gitdir, oid, cache })).tree) entries.set(entry.path, entry);
  }
  let changed = false;
  for (const [name, edit] of edits) {
    const existing = entries.get(name);
    const where = rel + name;
    if (edit instanceof Map) {
      if (existing && existing.type !== 'tree') {
        throw invalid(`${where} is a file in the parent commit, but a change names a path under it`, where);
      }
      const sub = await editDir(options, existing?.oid, edit, `${where}/`, written);
      if (sub === existing?.oid) continue;
      changed = true;
      if (sub === undefined) entries.delete(name);
      else entries.set(name, { mode: TREE_MODE, path: name, oid: sub, type: 'tree' });
      continue;
    }
    if (existing?.type === 'tree') {
      throw invalid(`${where} is a directory in the parent commit: change the files under it instead`, where);
    }
    if (edit.oid === null) {
      if (existing) {
        entries.delete(name);
        changed = true;
      }
      continue;
    }
    const mode = edit.mode || (existing?.mode === '100755' ? existing.mode : '100644');
    if (existing?.oid === edit.oid && existing.mode === mode) continue;
    entries.set(name, { mode, path: name, oid: edit.oid, type: mode === '160000' ? 'commit' : 'blob' });
    changed = true;
  }
  if (!changed) return oid;
  if (entries.size === 0) return undefined;
  const tree = await git.writeTree({ fs, gitdir, tree: [...entries.values()] });
  if (tree !== oid) written.push(tree);
  return tree;
}

/** Groups edits by directory; rejects bad paths, a path named twice, and a file that is also a directory. */
function buildEditDir(edits: EntryEdit[]): EditDir {
  const root: EditDir = new Map();
  for (const edit of edits) {
    const parts = splitPath(edit.path);
    let dir = root;
    for (const [i, name] of parts.entries()) {
      const here = parts.slice(0, i + 1).join('/');
      const existing = dir.get(name);
      if (i === parts.length - 1) {
        if (existing)
          throw invalid(`${here} is changed twice, or is also a directory of another change`, here);
        dir.set(name, { ...edit, path: here });
        break;
      }
      if (existing && !(existing instanceof Map)) {
        throw invalid(`${here} is changed as a file and also holds another change`, here);
      }
      const next: EditDir = existing ?? new Map();
      dir.set(name, next);
      dir = next;
    }
  }
  return root;
}

/**
 * Splits a repository path into its names, refusing what git would not store or what would
 * escape the repository: `apps/web/x.yaml` is fine; `/etc/x`, `a/../b`, `a//b`, `.git/config`
 * are not. A leading `./` is dropped.
 */
export function splitPath(path: string): string[] {
  const parts = path.replace(/^(\.\/)+/, '').split('/');
  const bad = parts.find(
    (p) => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git' || p.includes('\0'),
  );
  if (bad !== undefined || path.includes('\\')) {
    throw invalid(
      `"${path}" is not a file path inside the repository: use a relative path with "/" between names, ` +
        'no "..", "." or empty names, and nothing under .git',
      path,
    );
  }
  return parts;
}

function invalid(message: string, path: string) {
  return gitError('GIT_CHANGE_INVALID', message, { path });
}
