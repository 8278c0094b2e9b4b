/** A kustomization being built, and the path helpers for its origin annotations. */
import path from 'node:path';
import type { RootedLoader } from './loader.js';
import type { Kustomization, Origin } from './types.js';

/** A loaded kustomization, ready to build. */
export interface Target {
  loader: RootedLoader;
  k: Kustomization;
  /** display path of the kustomization file */
  file: string;
  /** real paths of the kustomizations being built above this one, for cycle detection */
  stack: readonly string[];
  /** this directory as the top kustomization reaches it (`../base`), for origin annotations */
  originPath: string;
  /** the kustomization file's own name */
  fileName: string;
}

/** `path.join` as Go's filepath.Join: `../base` + `cm.yaml` → `../base/cm.yaml`. */
export function joinOrigin(base: string, entry: string): string {
  return path.posix.normalize(base ? `${base}/${entry}` : entry);
}

/** The origin kustomize records for a built-in generator or transformer of `t`. */
export function builtinOrigin(t: Target, kind: string): Origin {
  return {
    configuredIn: joinOrigin(t.originPath, t.fileName),
    configuredBy: { apiVersion: 'builtin', kind },
  };
}

export const relativeTo = (from: string, to: string) => path.relative(from, to) || '.';
