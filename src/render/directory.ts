/**
 * Plain manifest directories (like Argo CD's directory sources): every `*.yaml`, `*.yml`
 * and `*.json` file, in path order, optionally recursing into sub-directories. Files and
 * symlinks that resolve outside the directory are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CapstanError, type KubeObject } from '../core/index.js';
import { resourcesFromText } from './kustomize/manifests.js';

export interface DirectoryOptions {
  recursive?: boolean;
  /** paths in messages are relative to this */
  displayRoot?: string;
}

const MANIFEST = /\.(ya?ml|json)$/i;

export function renderDirectory(dir: string, options: DirectoryOptions = {}): KubeObject[] {
  let root: string;
  try {
    root = fs.realpathSync.native(dir);
  } catch {
    throw new CapstanError('RENDER_FILE_NOT_FOUND', `${dir}: directory does not exist`, { path: dir });
  }
  const displayRoot = options.displayRoot ? path.resolve(options.displayRoot) : root;
  const files: string[] = [];
  collect(root, root, options.recursive === true, files, new Set([root]));
  if (files.length === 0) {
    const shown = path.relative(displayRoot, root) || '.';
    throw new CapstanError(
      'RENDER_NOTHING_TO_RENDER',
      `${shown}: no kustomization file (kustomization.yaml, kustomization.yml, Kustomization) and no manifests (*.yaml, *.yml, *.json)${options.recursive ? '' : ' (use --recursive for sub-directories)'}`,
      { path: shown },
    );
  }
  const objects: KubeObject[] = [];
  for (const file of files) {
    const shown = path.relative(displayRoot, file) || path.basename(file);
    for (const res of resourcesFromText(fs.readFileSync(file, 'utf8'), shown)) objects.push(res.obj);
  }
  return objects;
}

function collect(root: string, dir: string, recursive: boolean, out: string[], visited: Set<string>): void {
  const entries = fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    let real: string;
    try {
      real = fs.realpathSync.native(full);
    } catch {
      throw new CapstanError(
        'RENDER_FILE_NOT_FOUND',
        `${path.relative(root, full)}: a symlink to a file that does not exist`,
        {
          path: full,
        },
      );
    }
    const rel = path.relative(root, real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new CapstanError(
        'RENDER_FILE_OUTSIDE_ROOT',
        `${path.relative(root, full)}: resolves outside the directory being rendered (through a symlink)`,
        { path: full },
      );
    }
    const stat = fs.statSync(real);
    if (stat.isDirectory()) {
      // a symlink back up the tree would recurse forever: each directory is read once
      if (recursive && !visited.has(real)) {
        visited.add(real);
        collect(root, real, recursive, out, visited);
      }
    } else if (MANIFEST.test(e.name)) {
      out.push(real);
    }
  }
}
