/**
 * configMapGenerator and secretGenerator: one entry in, one Resource out, matching
 * kustomize v5.5 (api/internal/generators/{configmap,secret}.go) value for value.
 */
import { isUtf8 } from 'node:buffer';
import type { KubeObject, ObjectMeta } from '../../../core/object.js';
import type { FileLoader, GeneratorArgs, GeneratorOptions, Resource, SecretArgs } from '../types.js';
import { encodeBase64Wrapped } from './base64.js';
import { generatorError, type GeneratorContext } from './context.js';
import { compareGoStrings } from './go-json.js';
import { loadPairs, type KvPair } from './load-pairs.js';
import { mergeGeneratorOptions } from './options.js';

/**
 * Builds the ConfigMap of one `configMapGenerator` entry. Text that is valid UTF-8 goes
 * to `data`; anything else (a file's raw bytes) to `binaryData` as wrapped base64.
 * Neither field is written when it would be empty.
 */
export function makeConfigMap(
  args: GeneratorArgs,
  options: GeneratorOptions | undefined,
  loader: FileLoader,
  source: string,
): Resource {
  const ctx: GeneratorContext = { source, field: 'configMapGenerator', name: args.name ?? '' };
  const opts = mergeGeneratorOptions(args.options, options);
  const obj = baseObject('ConfigMap', ctx, args, opts);
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const { key, value } of sortedPairs(ctx, args, loader)) {
    if (typeof value === 'string') data[key] = value;
    else if (isUtf8(value)) data[key] = value.toString('utf8');
    else binaryData[key] = encodeBase64Wrapped(value);
  }
  if (Object.keys(data).length > 0) obj.data = data;
  if (Object.keys(binaryData).length > 0) obj.binaryData = binaryData;
  if (opts.immutable) obj.immutable = true;
  return toResource(obj, args, opts, source);
}

/**
 * Builds the Secret of one `secretGenerator` entry: every value base64-encoded (wrapped
 * at 70 characters) into `data`, which is present even when empty; `type` defaults to
 * `Opaque`.
 */
export function makeSecret(
  args: SecretArgs,
  options: GeneratorOptions | undefined,
  loader: FileLoader,
  source: string,
): Resource {
  const ctx: GeneratorContext = { source, field: 'secretGenerator', name: args.name ?? '' };
  const opts = mergeGeneratorOptions(args.options, options);
  const obj = baseObject('Secret', ctx, args, opts);
  obj.type = args.type ? args.type : 'Opaque';
  const data: Record<string, string> = {};
  for (const { key, value } of sortedPairs(ctx, args, loader)) {
    data[key] = encodeBase64Wrapped(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  }
  obj.data = data;
  if (opts.immutable) obj.immutable = true;
  return toResource(obj, args, opts, source);
}

// kustomize writes keys in Go's sorted order; keep it so the output matches as written.
function sortedPairs(ctx: GeneratorContext, args: GeneratorArgs, loader: FileLoader): KvPair[] {
  return loadPairs(ctx, args, loader).sort((a, b) => compareGoStrings(a.key, b.key));
}

function baseObject(
  kind: 'ConfigMap' | 'Secret',
  ctx: GeneratorContext,
  args: GeneratorArgs,
  opts: GeneratorOptions,
): KubeObject {
  if (!args.name) {
    throw generatorError(
      ctx,
      'RENDER_GENERATOR_NO_NAME',
      `the generator has no name; every ${ctx.field} entry needs "name"`,
    );
  }
  const metadata: ObjectMeta = { name: args.name };
  if (args.namespace) metadata.namespace = args.namespace;
  if (opts.labels) metadata.labels = sortedCopy(opts.labels);
  if (opts.annotations) metadata.annotations = sortedCopy(opts.annotations);
  return { apiVersion: 'v1', kind, metadata };
}

function sortedCopy(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort(compareGoStrings)) out[k] = m[k];
  return out;
}

function toResource(obj: KubeObject, args: GeneratorArgs, opts: GeneratorOptions, source: string): Resource {
  return {
    obj,
    source,
    previous: [],
    prefixes: [],
    suffixes: [],
    generated: { behavior: behaviorOf(args.behavior), hash: !opts.disableNameSuffixHash },
  };
}

// kustomize's NewGenerationBehavior: an unknown word means "unspecified" (acts as create).
function behaviorOf(b: unknown): 'create' | 'merge' | 'replace' | 'unspecified' {
  return b === 'create' || b === 'merge' || b === 'replace' ? b : 'unspecified';
}
