/**
 * The hash of one render input (see RenderResult.inputs) in a checkout: what the render
 * cache compares between revisions. Files hash as Git blobs (sha1 of "blob <size>\0" and
 * the content), so a Git object id for the same file could stand in without reading it.
 *
 * Synchronous: the inputs are a render's few small files, read from a checkout the page
 * cache holds. A render worker hashes what it has just read in the same task, and the
 * cache's check of a new revision reads them on the event loop, where one blocking read
 * costs a fraction of the four promise round trips (open, stat, read, close) of an async one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** What a path that is not there hashes to: its appearing is a change like any other. */
const ABSENT = '-';

/** What an input that cannot be read hashes to: it never matches, so the next revision renders again. */
export const UNREADABLE = '?';

/**
 * `input` under `root`: a file's blob id (`f:<sha1>`), a directory's real location
 * (`d:<path>`, so a retargeted symlink differs), `-` when nothing is there; with a trailing
 * `/`, the directory's entries with their kinds.
 */
export function hashInput(root: string, input: string): string {
  const abs = path.join(root, input);
  try {
    if (input.endsWith('/')) return hashListing(root, abs);
    const info = statSync(abs);
    if (info.isDirectory()) return `d:${path.relative(root, realpathSync(abs))}`;
    return `f:${blobId(readFileSync(abs))}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return ABSENT;
    throw e;
  }
}

/** Every input's hash, in order; `UNREADABLE` for one that cannot be read. */
export function hashInputs(root: string, inputs: readonly string[]): string[] {
  return inputs.map((input) => {
    try {
      return hashInput(root, input);
    } catch {
      return UNREADABLE;
    }
  });
}

/** Git's object id of a blob with this content. */
export function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Names and kinds of a directory's entries; a symlink adds where it leads. */
function hashListing(root: string, dir: string): string {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: string[] = [];
  for (const e of entries) {
    if (e.isSymbolicLink()) {
      const full = path.join(dir, e.name);
      let target: string | undefined;
      try {
        target = realpathSync(full);
      } catch {
        target = undefined;
      }
      const kind = target ? (statSync(target).isDirectory() ? 'd' : 'f') : '-';
      lines.push(`l${kind} ${e.name}\0${target ? path.relative(root, target) : ''}`);
    } else {
      lines.push(`${e.isDirectory() ? 'd' : 'f'} ${e.name}`);
    }
  }
  return `l:${createHash('sha1').update(lines.join('\n')).digest('hex')}`;
}
