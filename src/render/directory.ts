/**
 * Plain manifest directories (like Argo CD's directory sources): every `*.yaml`, `*.yml`
 * and `*.json` file, in path order, optionally recursing into sub-directories. The
 * directory must resolve inside the repository root, and every entry in it (file or
 * sub-directory, symlinks followed) inside the directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CapstanError } from '../core/errors.js';
import type { KubeObject } from '../core/object.js';
import type { InputRecorder } from './inputs.js';
import { resourcesFromText } from './kustomize/manifests.js';
import { RenderBudget, type RenderLimits } from './limits.js';
import { realPathOf, requireInside, resolveSource, type Confinement } from './root.js';

export interface DirectoryOptions extends Partial<Pick<RenderLimits, 'maxObjects' | 'maxBytes'>> {
  recursive?: boolean;
  /** nothing outside this directory is read (default: the directory itself) */
  repoRoot?: string;
  /** paths in messages are relative to this */
  displayRoot?: string;
  /** records the directories listed and the files read (see inputs.ts) */
  inputs?: InputRecorder;
}

const MANIFEST = /\.(ya?ml|json)$/i;

export function renderDirectory(dir: string, options: DirectoryOptions = {}): KubeObject[] {
  const source = resolveSource(dir, options.repoRoot, options.displayRoot);
  const root = source.dir;
  options.inputs?.begin(source.repoRoot);
  const displayRoot = options.displayRoot ? path.resolve(options.displayRoot) : root;
  const where: Confinement = { root, rootName: 'the directory being rendered' };
  const files: string[] = [];
  collect(where, root, options.recursive === true, files, new Set([root]), options.inputs);
  if (files.length === 0) {
    const shown = path.relative(displayRoot, root) || '.';
    throw new CapstanError(
      'RENDER_NOTHING_TO_RENDER',
      `${shown}: no kustomization file (kustomization.yaml, kustomization.yml, Kustomization) and no manifests (*.yaml, *.yml, *.json)${options.recursive ? '' : ' (use --recursive for sub-directories)'}`,
      { path: shown },
    );
  }
  const budget = new RenderBudget({ maxObjects: options.maxObjects, maxBytes: options.maxBytes });
  const objects: KubeObject[] = [];
  for (const file of files) {
    const shown = path.relative(displayRoot, file) || path.basename(file);
    const found = resourcesFromText(fs.readFileSync(file, 'utf8'), shown).map((res) => res.obj);
    budget.countObjects(found, shown);
    for (const obj of found) objects.push(obj);
  }
  return objects;
}

function collect(
  where: Confinement,
  dir: string,
  recursive: boolean,
  out: string[],
  visited: Set<string>,
  inputs: InputRecorder | undefined,
): void {
  inputs?.listing(dir);
  const entries = fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    const shown = path.relative(where.root, full);
    const real = realPathOf(full, shown);
    if (real === undefined) {
      throw new CapstanError('RENDER_FILE_NOT_FOUND', `${shown}: a symlink to a file that does not exist`, {
        path: full,
      });
    }
    const stat = fs.statSync(real);
    requireInside(where, full, real, shown, stat.isDirectory() ? 'directory' : 'file');
    if (stat.isDirectory()) {
      // a symlink back up the tree would recurse forever: each directory is read once
      if (recursive && !visited.has(real)) {
        visited.add(real);
        collect(where, real, recursive, out, visited, inputs);
      }
    } else if (MANIFEST.test(e.name)) {
      inputs?.path(full, real);
      out.push(real);
    }
  }
}
