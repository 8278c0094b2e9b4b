/**
 * The hash of one render input (see RenderResult.inputs) in a checkout: what the render
 * cache compares between revisions. Files hash as Git blobs (sha1 of "blob <size>\0" and
 * the content), so a Git object id for the same file could stand in without reading it.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** What a path that is not there hashes to: its appearing is a change like any other. */
const ABSENT = '-';

/**
 * `input` under `root`: a file's blob id (`f:<sha1>`), a directory's real location
 * (`d:<path>`, so a retargeted symlink differs), `-` when nothing is there; with a trailing
 * `/`, the directory's entries with their kinds.
 */
export async function hashInput(root: string, input: string): Promise<string> {
  const abs = path.join(root, input);
  try {
    if (input.endsWith('/')) return await hashListing(root, abs);
    const info = await stat(abs);
    if (info.isDirectory()) return `d:${path.relative(root, await realpath(abs))}`;
    return `f:${blobId(await readFile(abs))}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return ABSENT;
    throw e;
  }
}

/** Git's object id of a blob with this content. */
export function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Names and kinds of a directory's entries; a symlink adds where it leads. */
async function hashListing(root: string, dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: string[] = [];
  for (const e of entries) {
    if (e.isSymbolicLink()) {
      const full = path.join(dir, e.name);
      const target = await realpath(full).catch(() => undefined);
      const kind = target ? ((await stat(target)).isDirectory() ? 'd' : 'f') : '-';
      lines.push(`l${kind} ${e.name}\0${target ? path.relative(root, target) : ''}`);
    } else {
      lines.push(`${e.isDirectory() ? 'd' : 'f'} ${e.name}`);
    }
  }
  return `l:${createHash('sha1').update(lines.join('\n')).digest('hex')}`;
}
