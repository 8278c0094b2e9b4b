/**
 * What a render may read: every path is resolved with realpath (symlinks followed) and
 * must stay inside a root. The kustomize loader and the plain-directory reader both judge
 * paths here, so a symlink means the same to both: `deploy -> /etc/secrets` in a
 * repository is outside it, whichever way the directory is rendered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CapstanError } from '../core/errors.js';

/** True when `child` is `parent` or below it (both absolute; compared as given). */
export function isInside(parent: string, child: string): boolean {
  // the common case, a child without `.` or `..` segments below its parent, needs no path.relative
  if (
    !child.includes('/.') &&
    child.startsWith(parent) &&
    (child.length === parent.length || child[parent.length] === '/' || parent === '/')
  )
    return true;
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A segment that is neither empty, `.` nor `..`: joining such segments needs no normalizing. */
const PLAIN_RELATIVE = /^(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/** True for `a/b.yaml`; false for `./a`, `a/../b`, `a//b`, `a/`, `/a` and ``. */
export function isPlainRelative(relPath: string): boolean {
  return PLAIN_RELATIVE.test(relPath);
}

/** path.resolve(dir, relPath) for an absolute, normalized `dir`, without its cost for plain paths. */
export function resolveBelow(dir: string, relPath: string): string {
  if (!isPlainRelative(relPath)) return path.resolve(dir, relPath);
  return dir === '/' ? `/${relPath}` : `${dir}/${relPath}`;
}

/**
 * The real path of `abs`, or undefined when nothing is there (a missing file or a dangling
 * symlink). A symlink loop is an error of its own: "does not exist" would mislead.
 * `shown` names the path in that message (a function when naming it costs something).
 */
export function realPathOf(abs: string, shown: string | (() => string)): string | undefined {
  try {
    return fs.realpathSync.native(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      const name = typeof shown === 'string' ? shown : shown();
      throw new CapstanError(
        'RENDER_FILE_NOT_FOUND',
        `${name}: a symlink loop (the link leads back to itself), so there is nothing to read`,
        { path: name },
      );
    }
    return undefined;
  }
}

export interface Confinement {
  /** the real path everything must stay in */
  root: string;
  /** how messages name it, e.g. "the kustomization root app" */
  rootName: string;
  /** appended to the message, e.g. why the rule exists */
  reason?: string;
  /** the root as the caller named it, before symlinks were resolved (default: root) */
  lexicalRoot?: string;
}

/**
 * Refuses `real` (the resolved form of `abs`) unless it is inside the root, with
 * RENDER_FILE_OUTSIDE_ROOT; says "through a symlink" when `abs` itself was inside.
 */
export function requireInside(
  where: Confinement,
  abs: string,
  real: string,
  shown: string,
  what: string,
): void {
  if (isInside(where.root, real)) return;
  const viaLink = isInside(where.lexicalRoot ?? where.root, abs) ? ' (through a symlink)' : '';
  throw new CapstanError(
    'RENDER_FILE_OUTSIDE_ROOT',
    `${shown}: ${what} is outside ${where.rootName}${viaLink}${where.reason ? `; ${where.reason}` : ''}`,
    { path: shown },
  );
}

/** The directory a render starts from and the repository root it must stay in, as real paths. */
export interface RenderSource {
  dir: string;
  repoRoot: string;
}

/**
 * Resolves the directory to render (an application's `source.path` may be a symlink, or
 * hold `..`) and refuses it unless it lies inside `repoRoot` (default: itself). Messages
 * show paths relative to `displayRoot` when given.
 */
export function resolveSource(dir: string, repoRoot: string = dir, displayRoot?: string): RenderSource {
  const show = (p: string) => (displayRoot ? path.relative(displayRoot, path.resolve(p)) || '.' : p);
  const root = realDirectory(repoRoot, show(repoRoot));
  const real = realDirectory(dir, show(dir));
  requireInside(
    {
      root,
      lexicalRoot: path.resolve(repoRoot),
      rootName: `the repository root ${show(repoRoot)}`,
      reason: 'only files inside the repository are rendered',
    },
    path.resolve(dir),
    real,
    show(dir),
    'the directory to render',
  );
  return { dir: real, repoRoot: root };
}

function realDirectory(dir: string, shown: string): string {
  const real = realPathOf(path.resolve(dir), shown);
  if (real === undefined) {
    throw new CapstanError('RENDER_FILE_NOT_FOUND', `${shown}: directory does not exist`, { path: shown });
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new CapstanError('RENDER_NOT_A_DIRECTORY', `${shown}: is not a directory`, { path: shown });
  }
  return real;
}
