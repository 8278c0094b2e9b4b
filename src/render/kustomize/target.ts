/**
 * Builds one kustomization directory into an Accumulator, in kustomize's order
 * (api/internal/target/kusttarget.go, accumulateTarget):
 *   resources (files and bases) → configurations and crds → generators → components →
 *   transformers (built-in, then `transformers:`) → vars.
 * A component is built into its parent's accumulator, so its generators and
 * transformers see everything the parent has so far.
 */
import { CapstanError } from '../../core/errors.js';
import { Accumulator } from './accumulator.js';
import {
  configFromCrdSchema,
  defaultTransformerConfig,
  mergeTransformerConfig,
  parseTransformerConfig,
} from './builtin-config/index.js';
import { makeConfigMap, makeSecret } from './generators/index.js';
import { parseKustomization } from './kustomization.js';
import { findKustomizationFile, KUSTOMIZATION_FILE_NAMES, RootedLoader } from './loader.js';
import { resourcesFromText } from './manifests.js';
import { loadOpenApi } from './openapi.js';
import { runBuiltinTransformers } from './run-transformers.js';
import { runPluginGenerators, runPluginTransformers } from './plugins.js';
import type { Resource } from './types.js';
import { builtinOrigin, joinOrigin, relativeTo, type Target } from './target-model.js';

export type { Target } from './target-model.js';

/** Loads the kustomization of `loader.dir`; fails if the directory has none. */
export function loadTarget(loader: RootedLoader, stack: readonly string[], originPath = ''): Target {
  const display = loader.display('.');
  const name = findKustomizationFile(loader.dir, display, loader.ctx.inputs);
  if (!name) {
    throw new CapstanError(
      'RENDER_NO_KUSTOMIZATION',
      `${display}: no kustomization file (${KUSTOMIZATION_FILE_NAMES.join(', ')}) in this directory`,
      { path: display },
    );
  }
  const file = loader.display(name);
  loader.owner = file;
  loader.ctx.budget.countKustomization(file);
  const k = parseKustomization(loader.readFile(name), file);
  const t = { loader, k, file, stack: [...stack, loader.dir], originPath, fileName: name };
  loadOpenApi(t);
  return t;
}

/** Builds a kustomization from nothing (kustomize's AccumulateTarget). */
export function accumulateTarget(t: Target): Accumulator {
  return accumulateInto(t, new Accumulator());
}

function accumulateInto(t: Target, acc: Accumulator): Accumulator {
  const { k, loader, file } = t;
  accumulateResources(t, acc, k.resources ?? []);

  let own = defaultTransformerConfig();
  for (const p of k.configurations ?? []) {
    own = mergeTransformerConfig(own, parseTransformerConfig(loader.readFile(p), loader.display(p)));
  }
  acc.mergeConfig(own);
  for (const p of k.crds ?? []) acc.mergeConfig(configFromCrdSchema(loader.readFile(p), loader.display(p)));

  runGenerators(t, acc);
  runPluginGenerators(t, acc, accumulateResources);

  for (const c of k.components ?? []) {
    const dir = loader.resolveDirectory(c, 'component');
    if (!dir) {
      throw new CapstanError('RENDER_FILE_NOT_FOUND', `${file}: component '${c}' is not a directory`, {
        file,
        path: c,
      });
    }
    const sub = loadChild(t, dir, c);
    if (sub.k.kind !== 'Component') {
      throw new CapstanError(
        'RENDER_KUSTOMIZATION_INVALID',
        `${sub.file}: listed as a component in ${file}, so its kind must be Component (got ${sub.k.kind})`,
        { file: sub.file },
      );
    }
    accumulateInto(sub, acc);
  }

  runBuiltinTransformers(t, acc);
  runPluginTransformers(t, acc, accumulateResources);
  acc.addVars(k.vars ?? [], file);
  return acc;
}

/** Loads the base or component `entry` of `t` (at `realDir`), refusing a cycle. */
export function loadChild(t: Target, realDir: string, entry: string): Target {
  // kustomize refuses a base that contains any directory being built: `..` is a cycle
  if (t.stack.some((visited) => !relativeTo(realDir, visited).startsWith('..'))) {
    throw new CapstanError(
      'RENDER_CYCLE',
      `${t.file}: '${entry}' leads back to a kustomization that is already being built (a cycle: ${[
        ...t.stack,
        realDir,
      ]
        .map((d) => t.loader.child(d).display('.'))
        .join(' → ')})`,
      { file: t.file, path: entry },
    );
  }
  return loadTarget(t.loader.child(realDir), t.stack, joinOrigin(t.originPath, entry));
}

/** Files and bases of `resources:` (kustomize's accumulateResources). */
export function accumulateResources(t: Target, acc: Accumulator, entries: readonly string[]): void {
  for (const entry of entries) {
    const found = t.loader.readResource(entry);
    if ('dir' in found) {
      const sub = loadChild(t, found.dir, entry);
      if (sub.k.kind === 'Component') {
        throw new CapstanError(
          'RENDER_KUSTOMIZATION_INVALID',
          `${t.file}: '${entry}' is a Component; list it under components, not resources`,
          { file: t.file, path: entry },
        );
      }
      acc.absorb(accumulateTarget(sub), t.file);
    } else {
      const shown = t.loader.display(entry);
      const read = resourcesFromText(found.text, shown);
      t.loader.ctx.budget.countObjects(
        read.map((r) => r.obj),
        shown,
      );
      if (t.loader.ctx.trackOrigins)
        for (const r of read) r.origin = { path: joinOrigin(t.originPath, entry) };
      acc.append(read, t.file);
    }
  }
}

function runGenerators(t: Target, acc: Accumulator): void {
  const { k, loader, file } = t;
  const made: Resource[] = [];
  for (const args of k.configMapGenerator ?? [])
    made.push(makeConfigMap(args, k.generatorOptions, loader, file));
  for (const args of k.secretGenerator ?? []) made.push(makeSecret(args, k.generatorOptions, loader, file));
  loader.ctx.budget.countObjects(
    made.map((r) => r.obj),
    file,
  );
  if (loader.ctx.trackOrigins) {
    for (const r of made)
      r.origin = builtinOrigin(t, r.obj.kind === 'Secret' ? 'SecretGenerator' : 'ConfigMapGenerator');
  }
  acc.addGenerated(made, file);
}
