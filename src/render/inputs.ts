/**
 * What a render read, so a cache can tell whether a new revision could change its output.
 * Paths are relative to the repository root, in three kinds (see `RenderResult.inputs`):
 *
 *   `base/deploy.yaml`  a path the render resolved: a file's content, a directory's identity
 *                       (where its symlinks lead), or the absence of a file it looked for
 *                       (`base/kustomization.yml` when only kustomization.yaml is there)
 *   `manifests/`        a directory listing (a plain directory's files: adding one changes
 *                       the output)
 *
 * Recording is a Set insertion of a path already computed by the reader, so it costs the
 * render nothing measurable; paths are made relative once, at the end.
 */
import path from 'node:path';

export class InputRecorder {
  private readonly paths = new Set<string>();
  private readonly listings = new Set<string>();
  private prefix = '';
  private root = '';

  /** The repository root as a real path: every recorded path lies in it. */
  begin(realRoot: string): void {
    this.root = realRoot;
    this.prefix = realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep;
  }

  /**
   * A path read or looked for. `abs` is the path as resolved lexically (so a symlink that
   * is retargeted shows); `real` stands in when `abs` is outside the root (only a symlink
   * from outside could lead there).
   */
  path(abs: string, real?: string): void {
    if (abs === this.root || abs.startsWith(this.prefix)) this.paths.add(abs);
    else if (real !== undefined && (real === this.root || real.startsWith(this.prefix))) this.paths.add(real);
  }

  /** A directory whose list of entries the render used. */
  listing(absDir: string): void {
    if (absDir === this.root || absDir.startsWith(this.prefix)) this.listings.add(absDir);
  }

  /** A path given relative to the root already (the directory a render started from). */
  relative(rel: string): void {
    if (rel !== '' && rel !== '.' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      this.paths.add(path.join(this.root, rel));
    }
  }

  /** Everything recorded, relative to the root with `/` separators, sorted and unique. */
  list(): string[] {
    const out: string[] = [];
    for (const p of this.paths) out.push(this.rel(p));
    for (const d of this.listings) out.push(d === this.root ? './' : `${this.rel(d)}/`);
    // unique already: a path and a listing differ by their trailing '/'
    return out.sort();
  }

  private rel(abs: string): string {
    if (abs === this.root) return '.';
    const rel = abs.slice(this.prefix.length);
    return path.sep === '/' ? rel : rel.split(path.sep).join('/');
  }
}
