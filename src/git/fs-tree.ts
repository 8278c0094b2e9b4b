import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Total size in bytes of the files and symlinks under `dir` (directories themselves not counted). */
export async function treeSize(dir: string): Promise<number> {
  let bytes = 0;
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) bytes += await treeSize(full);
    else bytes += (await lstat(full)).size;
  }
  return bytes;
}

/** Deletes a tree whose directories were made read-only: makes them writable first, then removes. */
export async function removeReadOnlyTree(dir: string): Promise<void> {
  const makeWritable = async (d: string): Promise<void> => {
    await chmod(d, 0o755).catch(() => undefined);
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) await makeWritable(path.join(d, entry.name));
  };
  await makeWritable(dir);
  await rm(dir, { recursive: true, force: true });
}
