import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Names skipped at any depth by default: Git's own directory and dependency trees. */
export const DEFAULT_IGNORED_NAMES: readonly string[] = ['.git', 'node_modules'];

interface CachedFile {
  size: number;
  mtimeMs: number;
  ino: number;
  digest: string;
}

export interface HashOptions {
  /** Entry names skipped at any depth (default `.git`, `node_modules`). */
  ignoredNames?: readonly string[];
  /**
   * Digests of files seen before, keyed by relative path: a file whose size, mtime and inode
   * are unchanged is not read again, so re-hashing after one edit reads one file.
   */
  cache?: Map<string, CachedFile>;
}

/**
 * A local directory's revision: SHA-256 over every file's relative path, executable bit and
 * content digest (symlinks: their target), in path order. Empty directories do not count, as
 * in Git. Two directories with the same files have the same revision wherever they are.
 */
export async function hashDirectory(dir: string, options: HashOptions = {}): Promise<string> {
  const ignored = new Set(options.ignoredNames ?? DEFAULT_IGNORED_NAMES);
  const cache = options.cache ?? new Map<string, CachedFile>();
  const seen = new Set<string>();
  const lines: string[] = [];

  const visit = async (abs: string, rel: string): Promise<void> => {
    const names = (await readdir(abs)).filter((n) => !ignored.has(n)).sort();
    for (const name of names) {
      const childAbs = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      let info;
      try {
        info = await lstat(childAbs);
      } catch {
        continue; // deleted while we walked: the watcher will report it
      }
      if (info.isDirectory()) {
        await visit(childAbs, childRel);
      } else if (info.isSymbolicLink()) {
        lines.push(`l ${childRel}\0${await readlink(childAbs)}`);
      } else if (info.isFile()) {
        seen.add(childRel);
        let entry = cache.get(childRel);
        if (!entry || entry.size !== info.size || entry.mtimeMs !== info.mtimeMs || entry.ino !== info.ino) {
          const digest = createHash('sha256')
            .update(await readFile(childAbs))
            .digest('hex');
          entry = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, digest };
          cache.set(childRel, entry);
        }
        lines.push(`${info.mode & 0o111 ? 'x' : 'f'} ${childRel}\0${entry.digest}`);
      }
    }
  };
  await visit(dir, '');
  for (const key of cache.keys()) if (!seen.has(key)) cache.delete(key);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
