/**
 * File access for one kustomization, restricted like kustomize's LoadRestrictionsRootOnly:
 * a file must resolve (symlinks followed) to a path in or below the kustomization's own
 * directory. Bases (directories) may lie above it, but never outside the repository root
 * (the stricter rule Flux applies), and never in a cycle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CapstanError } from '../../core/errors.js';
import type { PatchSchemaLookup } from '../../merge/index.js';
import type { InputRecorder } from '../inputs.js';
import type { RenderBudget } from '../limits.js';
import { isInside, isPlainRelative, realPathOf, requireInside, resolveBelow } from '../root.js';
import type { FileLoader } from './types.js';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Shared by every loader of one build. */
export interface BuildContext {
  /** real path of the repository root: nothing outside it is ever read */
  repoRoot: string;
  /** paths in messages are shown relative to this */
  displayRoot: string;
  /** bytes read so far, and the limit for the whole build */
  bytesRead: number;
  maxTotalBytes: number;
  maxFileBytes: number;
  /** objects, bytes and kustomizations built so far, against the render's limits */
  budget: RenderBudget;
  /** record origins and transformations (the top kustomization's buildMetadata asks) */
  trackOrigins?: boolean;
  /** real paths of directories seen so far (a build resolves thousands of files in few directories) */
  realDirs?: Map<string, string>;
  /** what `lookup` found for each path, so a file costs one lstat however often it is resolved */
  lookups?: Map<string, { real: string; stat: fs.Stats } | null>;
  /** merge keys for custom kinds, from the last `openapi:` field loaded */
  patchSchema?: PatchSchemaLookup;
  /** every path the build resolves, for the render cache (see inputs.ts) */
  inputs?: InputRecorder;
}

/**
 * Opens only a file that is not itself a symlink (ELOOP otherwise). Node takes numeric
 * flags wherever it takes `'r'`; its type declarations name only the strings.
 */
const READ_NO_FOLLOW = (fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW) as unknown as string;

/** `..`, `../..`, …: a display path naming a directory above the display root. */
const ONLY_PARENTS = /^\.\.(?:\/\.\.)*$/;

export function isRemoteReference(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || // https://, ssh://, file://
    /^git::/.test(ref) ||
    /^git@/.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//i.test(ref) ||
    /\?ref=|\?version=/.test(ref)
  );
}

export class RootedLoader implements FileLoader {
  readonly dir: string;
  /** display path of the kustomization file using this loader, once known (for messages) */
  owner: string;

  /** `dir` must already be a real (symlink-free) absolute path. */
  constructor(
    dir: string,
    readonly ctx: BuildContext,
  ) {
    this.dir = dir;
    this.owner = this.display('.');
  }

  display(relPath: string): string {
    // a build names thousands of files below one directory: join the plain ones to its name
    if (isPlainRelative(relPath)) {
      const shownDir = (this.shownDir ??= this.displayUncached('.'));
      if (shownDir === '.') return relPath;
      // from a directory above the display root, path.relative may shorten the path
      // (`../b/x` can be `x`); from anywhere else, joining is what it would give
      if (!ONLY_PARENTS.test(shownDir)) return `${shownDir}/${relPath}`;
    }
    return this.displayUncached(relPath);
  }

  private shownDir: string | undefined;

  private displayUncached(relPath: string): string {
    const shown = path.relative(this.ctx.displayRoot, path.resolve(this.dir, relPath));
    return shown === '' ? '.' : shown;
  }

  /** Resolves a relative file path to its real path, refusing anything outside `dir`. */
  resolveFile(relPath: string, what = 'file'): string {
    if (isRemoteReference(relPath)) {
      throw new CapstanError(
        'RENDER_REMOTE_REFUSED',
        `${this.owner}: remote ${what} '${relPath}' refused: Capstan renders only files in the repository (vendor the remote base into the repository instead)`,
        { path: relPath },
      );
    }
    if (path.isAbsolute(relPath)) {
      throw new CapstanError(
        'RENDER_FILE_OUTSIDE_ROOT',
        `${this.owner}: ${what} '${relPath}' is an absolute path; only paths relative to the kustomization are allowed`,
        { path: relPath },
      );
    }
    const abs = resolveBelow(this.dir, relPath);
    const found = this.lookup(abs);
    if (!found) {
      throw new CapstanError('RENDER_FILE_NOT_FOUND', `${this.display(relPath)}: ${what} does not exist`, {
        path: this.display(relPath),
      });
    }
    if (!isInside(this.dir, found.real)) {
      const where = {
        root: this.dir,
        rootName: `the kustomization root ${this.display('.')}`,
        reason: "kustomize's root-only load restriction forbids it",
      };
      requireInside(where, abs, found.real, this.display(relPath), what);
    }
    this.ctx.inputs?.path(abs, found.real);
    return found.real;
  }

  /**
   * The real path and status of `abs`, or undefined if it does not exist. Symlinks are
   * followed; the real path of the parent directory is cached, so a plain file costs one
   * lstat.
   */
  lookup(abs: string): { real: string; stat: fs.Stats } | undefined {
    const seen = (this.ctx.lookups ??= new Map());
    let found = seen.get(abs);
    if (found === undefined) {
      found = this.lookupUncached(abs) ?? null;
      seen.set(abs, found);
    }
    return found ?? undefined;
  }

  private lookupUncached(abs: string): { real: string; stat: fs.Stats } | undefined {
    const shown = () => path.relative(this.ctx.displayRoot, abs) || '.';
    let lst: fs.Stats | undefined;
    try {
      lst = fs.lstatSync(abs, { throwIfNoEntry: false });
    } catch {
      lst = undefined; // a path through a file (ENOTDIR) or a looping directory link
    }
    if (!lst) {
      realPathOf(abs, shown); // throws for a symlink loop; anything else is simply not there
      return undefined;
    }
    if (lst.isSymbolicLink()) {
      const real = realPathOf(abs, shown);
      return real === undefined ? undefined : { real, stat: fs.statSync(real) }; // undefined: dangling
    }
    // `abs` is absolute and normalized: its directory and name are either side of the last /
    const slash = abs.lastIndexOf('/');
    const realDir = this.realDirectory(slash === 0 ? '/' : abs.slice(0, slash), shown);
    if (realDir === undefined) return undefined;
    return { real: resolveBelow(realDir, abs.slice(slash + 1)), stat: lst };
  }

  /**
   * The real path of directory `dir` (absolute, normalized), or undefined if it is not
   * there. realpath(3) checks every component of a path; a directory whose parent is known
   * costs one lstat instead, when it is not a symlink itself.
   */
  private realDirectory(dir: string, shown: () => string): string | undefined {
    const cache = (this.ctx.realDirs ??= new Map());
    let real = cache.get(dir);
    if (real !== undefined) return real;
    const slash = dir.lastIndexOf('/');
    if (slash > 0) {
      const parent = this.realDirectory(dir.slice(0, slash), shown);
      if (parent === undefined) return undefined;
      let lst: fs.Stats | undefined;
      try {
        lst = fs.lstatSync(dir, { throwIfNoEntry: false });
      } catch {
        lst = undefined; // ENOTDIR: a file on the way
      }
      if (lst?.isDirectory()) real = resolveBelow(parent, dir.slice(slash + 1));
    }
    // the root, a symlink, or nothing there: realpath says which
    real ??= realPathOf(dir, shown);
    if (real !== undefined) cache.set(dir, real);
    return real;
  }

  readBytes(relPath: string): Buffer {
    return fs.readFileSync(this.checkedFile(relPath));
  }

  readFile(relPath: string): string {
    // decoded while read: cheaper than a Buffer and its toString for thousands of files
    return fs.readFileSync(this.checkedFile(relPath), 'utf8');
  }

  /**
   * A `resources:` entry: the text of a file, or the real path of a directory (a base), as
   * resolveDirectory then readFile decide — in one system call where it can: a plain
   * relative path, in a directory whose real path is known, read with O_NOFOLLOW (so its
   * last component is no symlink). A file's size is then checked once read; the daemon's
   * Git snapshots bound every file already. Anything else goes the general way, with its
   * checks and messages.
   */
  readResource(relPath: string): { text: string } | { dir: string } {
    if (isPlainRelative(relPath) && !isRemoteReference(relPath)) {
      const abs = resolveBelow(this.dir, relPath);
      const slash = abs.lastIndexOf('/');
      const realDir = this.realDirectory(abs.slice(0, slash) || '/', () => this.display(relPath));
      const real = realDir === undefined ? undefined : resolveBelow(realDir, abs.slice(slash + 1));
      if (real !== undefined && isInside(this.dir, real)) {
        let text: string | undefined;
        try {
          text = fs.readFileSync(real, { encoding: 'utf8', flag: READ_NO_FOLLOW });
        } catch {
          text = undefined; // a directory, a symlink, nothing there: the general way says which
        }
        if (text !== undefined) {
          this.countBytes(relPath, Buffer.byteLength(text, 'utf8'));
          this.ctx.inputs?.path(abs, real);
          return { text };
        }
      }
    }
    const dir = this.resolveDirectory(relPath, 'resource');
    return dir === undefined ? { text: this.readFile(relPath) } : { dir };
  }

  /** The real path of a file that may be read: inside the root, not a directory, within the size limits. */
  private checkedFile(relPath: string): string {
    const real = this.resolveFile(relPath);
    const stat = this.lookup(real)!.stat;
    if (stat.isDirectory()) {
      throw new CapstanError(
        'RENDER_NOT_A_FILE',
        `${this.display(relPath)}: is a directory, expected a file`,
        {
          path: this.display(relPath),
        },
      );
    }
    this.countBytes(relPath, stat.size);
    return real;
  }

  /** Counts a file of `size` bytes against the limits of one file and of the build. */
  private countBytes(relPath: string, size: number): void {
    if (size > this.ctx.maxFileBytes) {
      throw new CapstanError(
        'RENDER_LIMIT_EXCEEDED',
        `${this.display(relPath)}: file is ${size} bytes, more than the limit of ${this.ctx.maxFileBytes}`,
        { path: this.display(relPath) },
      );
    }
    this.ctx.bytesRead += size;
    if (this.ctx.bytesRead > this.ctx.maxTotalBytes) {
      throw new CapstanError(
        'RENDER_LIMIT_EXCEEDED',
        `${this.display(relPath)}: the build has read more than ${this.ctx.maxTotalBytes} bytes in all`,
        { path: this.display(relPath) },
      );
    }
  }

  /**
   * Resolves a base or component directory: it may be above this kustomization but must
   * stay inside the repository. Returns its real path, or undefined if `relPath` is not a
   * directory (then the caller treats it as a file).
   */
  resolveDirectory(relPath: string, what: string): string | undefined {
    if (isRemoteReference(relPath)) {
      throw new CapstanError(
        'RENDER_REMOTE_REFUSED',
        `${this.owner}: remote ${what} '${relPath}' refused: Capstan renders only files in the repository (vendor the remote base into the repository instead)`,
        { path: relPath },
      );
    }
    const abs = resolveBelow(this.dir, relPath);
    const found = this.lookup(abs);
    if (!found || !found.stat.isDirectory()) return undefined;
    const real = found.real;
    if (!isInside(this.ctx.repoRoot, real)) {
      throw new CapstanError(
        'RENDER_BASE_OUTSIDE_REPOSITORY',
        `${this.owner}: ${what} '${relPath}' is outside the repository root; only bases inside the repository may be used`,
        { path: relPath },
      );
    }
    this.ctx.inputs?.path(abs, real);
    return real;
  }

  /** A loader for a sub-directory (a base or component). */
  child(realDir: string): RootedLoader {
    return new RootedLoader(realDir, this.ctx);
  }
}

/**
 * Finds the kustomization file of a directory; undefined when there is none. Every name
 * looked for is an input: one appearing beside another makes the build ambiguous.
 */
export function findKustomizationFile(
  dir: string,
  display: string,
  inputs?: InputRecorder,
): string | undefined {
  const present = KUSTOMIZATION_FILE_NAMES.filter((n) => {
    const file = path.join(dir, n);
    inputs?.path(file);
    return fs.existsSync(file);
  });
  if (present.length > 1) {
    throw new CapstanError(
      'RENDER_KUSTOMIZATION_AMBIGUOUS',
      `${display}: found more than one kustomization file (${present.join(', ')}); keep only one`,
      { path: display },
    );
  }
  return present[0];
}
