/**
 * Rendering one directory, the renderer's main entry point. A module of its own so that
 * `capstan render` loads the renderer alone, not what else the render layer offers
 * (promotion edits, which load the `yaml` package).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { KubeObject } from '../core/object.js';
import { renderDirectory } from './directory.js';
import { InputRecorder } from './inputs.js';
import type { RenderLimits } from './limits.js';
import { kustomize } from './kustomize/build.js';
import { KUSTOMIZATION_FILE_NAMES } from './kustomize/loader.js';

/** `maxObjects`, `maxBytes`, `maxKustomizations`: see limits.ts (defaults DEFAULT_RENDER_LIMITS). */
export interface RenderOptions extends Partial<RenderLimits> {
  /** nothing outside this directory is read (default: `dir`) */
  repoRoot?: string;
  /** plain directories: include sub-directories */
  recursive?: boolean;
  /** paths in error messages are relative to this (default: repoRoot) */
  displayRoot?: string;
}

export interface RenderResult {
  objects: KubeObject[];
  /** how the directory was read */
  mode: 'kustomize' | 'directory';
  /**
   * What the output depends on, relative to the repository root, sorted and unique: every
   * file read, every path resolved or looked for (a base directory, a kustomization file
   * name that is absent), and every directory listed, with a trailing `/`. A revision in
   * which none of these differs renders the same objects.
   */
  inputs: string[];
}

/** Renders `dir`; throws a CapstanError naming the file and cause on bad input. */
export function render(dir: string, options: RenderOptions = {}): RenderResult {
  const inputs = new InputRecorder();
  const isKustomization = KUSTOMIZATION_FILE_NAMES.some((n) => fs.existsSync(path.join(dir, n)));
  const objects = isKustomization
    ? kustomize(dir, { ...options, inputs })
    : renderDirectory(dir, {
        recursive: options.recursive,
        repoRoot: options.repoRoot,
        maxObjects: options.maxObjects,
        maxBytes: options.maxBytes,
        displayRoot: options.displayRoot ?? options.repoRoot,
        inputs,
      });
  // the directory itself, as named: a symlink retargeted elsewhere changes everything
  inputs.relative(path.relative(path.resolve(options.repoRoot ?? dir), path.resolve(dir)));
  return { mode: isKustomization ? 'kustomize' : 'directory', objects, inputs: inputs.list() };
}
