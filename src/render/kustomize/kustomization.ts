/**
 * Reads a kustomization file: strict field checking as kustomize's decoder does
 * (unknown fields and wrong types are errors), then the legacy spellings kustomize
 * folds into their modern fields (`bases`, `imageTags`, generator `env`).
 */
import { CapstanError } from '../../core/errors.js';
import { isJsonObject, type JsonValue } from '../../core/object.js';
import { parseYamlDocument } from '../../core/yaml.js';
import type { Kustomization } from './types.js';

type FieldType = 'string' | 'strings' | 'stringMap' | 'objects' | 'object' | 'stringsOrObjects';

const fields: Record<string, FieldType> = {
  apiVersion: 'string',
  kind: 'string',
  metadata: 'object',
  openapi: 'object',
  namePrefix: 'string',
  nameSuffix: 'string',
  namespace: 'string',
  commonLabels: 'stringMap',
  labels: 'objects',
  commonAnnotations: 'stringMap',
  patchesStrategicMerge: 'strings',
  patchesJson6902: 'objects',
  patches: 'objects',
  images: 'objects',
  imageTags: 'objects',
  replacements: 'objects',
  replicas: 'objects',
  vars: 'objects',
  sortOptions: 'object',
  resources: 'strings',
  components: 'strings',
  crds: 'strings',
  bases: 'strings',
  configMapGenerator: 'objects',
  secretGenerator: 'objects',
  helmGlobals: 'object',
  helmCharts: 'objects',
  helmChartInflationGenerator: 'objects',
  generatorOptions: 'object',
  configurations: 'strings',
  generators: 'strings',
  transformers: 'strings',
  validators: 'strings',
  buildMetadata: 'strings',
};

const typeWords: Record<FieldType, string> = {
  string: 'a string',
  strings: 'a list of strings',
  stringMap: 'a map of strings to strings',
  objects: 'a list of objects',
  object: 'an object',
  stringsOrObjects: 'a list',
};

function hasType(v: JsonValue, t: FieldType): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'stringMap':
      return isJsonObject(v) && Object.values(v).every((x) => typeof x === 'string');
    case 'objects':
      return Array.isArray(v) && v.every((x) => isJsonObject(x));
    case 'object':
      return isJsonObject(v);
    case 'stringsOrObjects':
      return Array.isArray(v);
  }
}

/** Parses and validates kustomization text; `file` is its display path. */
export function parseKustomization(text: string, file: string): Kustomization {
  const doc = parseYamlDocument(text, file);
  if (doc === null) {
    throw new CapstanError('RENDER_KUSTOMIZATION_EMPTY', `${file}: kustomization is empty`, { file });
  }
  if (!isJsonObject(doc)) {
    throw new CapstanError('RENDER_KUSTOMIZATION_INVALID', `${file}: a kustomization must be a YAML map`, {
      file,
    });
  }
  for (const [key, value] of Object.entries(doc)) {
    const t = fields[key];
    if (!t) {
      throw new CapstanError(
        'RENDER_KUSTOMIZATION_UNKNOWN_FIELD',
        `${file}: unknown field '${key}' in kustomization`,
        {
          file,
          field: key,
        },
      );
    }
    if (value !== null && !hasType(value, t)) {
      throw new CapstanError(
        'RENDER_KUSTOMIZATION_INVALID',
        `${file}: field '${key}' must be ${typeWords[t]}, got ${JSON.stringify(value)}`,
        { file, field: key },
      );
    }
  }
  const k = doc as unknown as Kustomization;
  const kind = k.kind ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new CapstanError(
      'RENDER_KUSTOMIZATION_INVALID',
      `${file}: kind must be Kustomization or Component, got '${kind}'`,
      { file },
    );
  }
  const wantVersion =
    kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  if (k.apiVersion !== undefined && k.apiVersion !== wantVersion) {
    throw new CapstanError(
      'RENDER_KUSTOMIZATION_INVALID',
      `${file}: apiVersion for ${kind} must be ${wantVersion}, got '${k.apiVersion}'`,
      { file },
    );
  }
  const meaningful = Object.keys(doc).filter((key) => key !== 'apiVersion' && key !== 'kind');
  if (meaningful.length === 0) {
    throw new CapstanError('RENDER_KUSTOMIZATION_EMPTY', `${file}: kustomization is empty`, { file });
  }
  if (k.helmCharts?.length || k.helmChartInflationGenerator?.length || k.helmGlobals) {
    throw new CapstanError(
      'RENDER_UNSUPPORTED_FEATURE',
      `${file}: Helm charts (helmCharts, helmGlobals, helmChartInflationGenerator) are not supported by Capstan's renderer`,
      { file },
    );
  }
  if (k.validators?.length) {
    throw new CapstanError(
      'RENDER_UNSUPPORTED_FEATURE',
      `${file}: validators (exec and container plugins) are not supported by Capstan's renderer`,
      { file },
    );
  }
  return normalize(k);
}

/** Folds legacy spellings into the fields the build reads, as kustomize's FixKustomization. */
function normalize(k: Kustomization): Kustomization {
  const out: Kustomization = { ...k };
  out.kind = k.kind ?? 'Kustomization';
  if (k.bases?.length) out.resources = [...(k.resources ?? []), ...k.bases];
  delete out.bases;
  const legacyImages = (k as { imageTags?: Kustomization['images'] }).imageTags;
  if (legacyImages?.length) out.images = [...(k.images ?? []), ...legacyImages];
  delete (out as { imageTags?: unknown }).imageTags;
  const fixEnv = <T extends { env?: string; envs?: string[] }>(g: T): T => {
    if (!g.env) return g;
    const { env, ...rest } = g;
    return { ...rest, envs: [...(g.envs ?? []), env] } as T;
  };
  if (k.configMapGenerator) out.configMapGenerator = k.configMapGenerator.map(fixEnv);
  if (k.secretGenerator) out.secretGenerator = k.secretGenerator.map(fixEnv);
  return out;
}
