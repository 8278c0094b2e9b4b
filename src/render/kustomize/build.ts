/**
 * The top of a kustomize build (kustomize's makeCustomizedResMap and Kustomizer.Run):
 * accumulate the tree, then — once, for the whole build — add content hashes to
 * generated names, fix name references, resolve vars, drop local-config objects, sort,
 * and apply buildMetadata.
 */
import path from 'node:path';
import { CapstanError } from '../../core/errors.js';
import { isJsonObject, type KubeObject } from '../../core/object.js';
import type { InputRecorder } from '../inputs.js';
import { RenderBudget, type RenderLimits } from '../limits.js';
import { resolveSource } from '../root.js';
import { addContentHashes } from './hash-names.js';
import { RootedLoader, type BuildContext } from './loader.js';
import { fixNameReferences } from './name-reference.js';
import { sortResources } from './sort.js';
import { accumulateTarget, loadTarget } from './target.js';
import type { Origin, Resource } from './types.js';
import { resolveVars } from './vars.js';

export interface KustomizeOptions extends Partial<RenderLimits> {
  /** nothing outside this directory is ever read; default: the kustomization directory */
  repoRoot?: string;
  /** paths in messages are relative to this; default: repoRoot */
  displayRoot?: string;
  maxFileBytes?: number;
  maxTotalBytes?: number;
  /** records every path the build resolves (see inputs.ts) */
  inputs?: InputRecorder;
}

/** What every loader of one build shares; `repoRoot` is a real path (see resolveSource). */
export function newBuildContext(repoRoot: string, options: KustomizeOptions): BuildContext {
  return {
    repoRoot,
    displayRoot: options.displayRoot ? path.resolve(options.displayRoot) : repoRoot,
    bytesRead: 0,
    maxFileBytes: options.maxFileBytes ?? 64 * 1024 * 1024,
    maxTotalBytes: options.maxTotalBytes ?? 1024 * 1024 * 1024,
    budget: new RenderBudget(options),
    inputs: options.inputs,
  };
}

/** Label value `buildMetadata: [managedByLabel]` sets; the kustomize that kubectl embeds says this. */
const MANAGED_BY = 'kustomize-(devel)';

/** Builds the kustomization in `dir` and returns the objects in output order. */
export function kustomize(dir: string, options: KustomizeOptions = {}): KubeObject[] {
  const { dir: realDir, repoRoot } = resolveSource(dir, options.repoRoot, options.displayRoot);
  options.inputs?.begin(repoRoot);
  const ctx = newBuildContext(repoRoot, options);
  const topLoader = new RootedLoader(realDir, ctx);
  const top = loadTarget(topLoader, []);
  ctx.trackOrigins = (top.k.buildMetadata ?? []).some(
    (o) => o === 'originAnnotations' || o === 'transformerAnnotations',
  );
  const acc = accumulateTarget(top);
  let resources = acc.resources;

  addContentHashes(resources);
  fixNameReferences(resources, acc.config.nameReference);
  if (acc.vars.length > 0) {
    resolveVars(
      resources,
      acc.vars.map((x) => x.v),
      acc.config.varReference,
      { source: top.file },
    );
  }
  resources = resources.filter((r) => {
    const v = r.obj.metadata.annotations?.['config.kubernetes.io/local-config'];
    return v === undefined || v === 'false';
  });
  resources = sortResources(resources, top.k.sortOptions, top.file);
  applyBuildMetadata(resources, top.k.buildMetadata ?? [], top.file);
  return resources.map((r) => finish(r.obj));
}

function applyBuildMetadata(
  resources: readonly Resource[],
  options: readonly string[],
  source: string,
): void {
  for (const o of options) {
    if (o !== 'managedByLabel' && o !== 'originAnnotations' && o !== 'transformerAnnotations') {
      throw new CapstanError(
        'RENDER_KUSTOMIZATION_INVALID',
        `${source}: buildMetadata option '${o}' is unknown (use managedByLabel, originAnnotations, transformerAnnotations)`,
        { file: source },
      );
    }
  }
  for (const res of resources) {
    const meta = res.obj.metadata;
    if (options.includes('managedByLabel'))
      meta.labels = { ...meta.labels, 'app.kubernetes.io/managed-by': MANAGED_BY };
    if (options.includes('originAnnotations') && res.origin) {
      meta.annotations = { ...meta.annotations, 'config.kubernetes.io/origin': originYaml(res.origin, '') };
    }
    if (options.includes('transformerAnnotations') && res.transformations?.length) {
      meta.annotations = {
        ...meta.annotations,
        'alpha.config.kubernetes.io/transformations': res.transformations
          .map((o) => originYaml(o, '- '))
          .join(''),
      };
    }
  }
}

/** An origin as kustomize writes it: fields in its struct order (path, configuredIn, configuredBy). */
function originYaml(o: Origin, first: string): string {
  const lines: string[] = [];
  if (o.path) lines.push(`path: ${o.path}`);
  if (o.configuredIn) lines.push(`configuredIn: ${o.configuredIn}`);
  if (o.configuredBy)
    lines.push(
      'configuredBy:',
      `  apiVersion: ${o.configuredBy.apiVersion}`,
      `  kind: ${o.configuredBy.kind}`,
    );
  const indent = ' '.repeat(first.length);
  return lines.map((l, i) => (i === 0 ? first : indent) + l + '\n').join('');
}

/**
 * Final clean-up kustomize makes on output: empty annotations disappear, and annotation
 * values are always strings (kustomize reads them as map[string]string: `6` → "6",
 * `true` → "true", `null` → "null", a map or list → ""). kustomize keeps a number's
 * original text (`1.50`); the YAML was decoded before this point, so Capstan writes "1.5".
 */
function finish(obj: KubeObject): KubeObject {
  const meta = obj.metadata;
  if (!isJsonObject(meta)) return obj;
  const a = meta.annotations as unknown;
  if (a === null || (isJsonObject(a) && Object.keys(a).length === 0)) {
    delete meta.annotations;
  } else if (isJsonObject(a)) {
    for (const [k, v] of Object.entries(a)) {
      if (typeof v === 'string') continue;
      a[k] = v === null ? 'null' : typeof v === 'object' ? '' : String(v);
    }
  }
  return obj;
}
