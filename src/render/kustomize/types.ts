/**
 * The kustomization file (kustomize.config.k8s.io/v1beta1 Kustomization and
 * v1alpha1 Component), as parsed and validated by `kustomization.ts`.
 */
import type { JsonObject, KubeObject } from '../../core/object.js';

/** A target or selector as kustomize's `types.Selector`: every string is a regex. */
export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface Patch {
  path?: string;
  patch?: string;
  target?: Selector;
  options?: { allowNameChange?: boolean; allowKindChange?: boolean };
}

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: 'create' | 'merge' | 'replace';
  literals?: string[];
  files?: string[];
  envs?: string[];
  /** legacy singular form of `envs` */
  env?: string;
  options?: GeneratorOptions;
}

export interface SecretArgs extends GeneratorArgs {
  type?: string;
}

export interface Image {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

export interface Replica {
  name: string;
  count: number;
}

/** A field spec as in kustomize's transformer configs: where a transformer acts. */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  /** slash-separated path; `[]` is implied when a step meets a list */
  path: string;
  create?: boolean;
}

export interface Label {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: FieldSpec[];
}

/** `replacements` entry (inline) — or `path` naming a file holding one or a list of them. */
export interface Replacement {
  path?: string;
  source?: ReplacementSource;
  targets?: ReplacementTarget[];
}

export interface ReplacementSource {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  fieldPath?: string;
  options?: FieldOptions;
}

export interface ReplacementTarget {
  select?: Selector;
  reject?: Selector[];
  fieldPaths?: string[];
  options?: FieldOptions;
}

export interface FieldOptions {
  delimiter?: string;
  index?: number;
  encoding?: string;
  create?: boolean;
}

export interface Var {
  name: string;
  objref: {
    apiVersion?: string;
    group?: string;
    version?: string;
    kind: string;
    name: string;
    namespace?: string;
  };
  fieldref?: { fieldpath?: string };
}

export interface SortOptions {
  order: 'legacy' | 'fifo';
  legacySortOptions?: { orderFirst?: string[]; orderLast?: string[] };
}

export interface Kustomization {
  apiVersion?: string;
  kind?: string;
  metadata?: JsonObject;
  resources?: string[];
  bases?: string[];
  components?: string[];
  crds?: string[];
  namePrefix?: string;
  nameSuffix?: string;
  namespace?: string;
  commonLabels?: Record<string, string>;
  labels?: Label[];
  commonAnnotations?: Record<string, string>;
  images?: Image[];
  replicas?: Replica[];
  patches?: Patch[];
  patchesStrategicMerge?: string[];
  patchesJson6902?: Patch[];
  configMapGenerator?: GeneratorArgs[];
  secretGenerator?: SecretArgs[];
  generatorOptions?: GeneratorOptions;
  replacements?: Replacement[];
  vars?: Var[];
  sortOptions?: SortOptions;
  buildMetadata?: string[];
  configurations?: string[];
  openapi?: JsonObject;
  generators?: string[];
  transformers?: string[];
  validators?: string[];
  helmCharts?: JsonObject[];
  helmGlobals?: JsonObject;
  helmChartInflationGenerator?: JsonObject[];
  inventory?: JsonObject;
}

/** Reads files below one kustomization root; refuses anything outside it. */
export interface FileLoader {
  /** The directory this loader resolves relative paths against (absolute). */
  readonly dir: string;
  /** Reads a file given relative to `dir`; throws RENDER_FILE_OUTSIDE_ROOT / RENDER_FILE_NOT_FOUND. */
  readFile(relPath: string): string;
  /** Reads a file as bytes (binary generator content). */
  readBytes(relPath: string): Buffer;
  /** A display path for error messages (relative to the build's root). */
  display(relPath: string): string;
}

/** kustomize's `config.kubernetes.io/origin`: a file path, or the generator that made it. */
export interface Origin {
  path?: string;
  configuredIn?: string;
  configuredBy?: { apiVersion: string; kind: string };
}

/** A resource of the build: the object plus the bookkeeping kustomize keeps beside it. */
export interface Resource {
  obj: KubeObject;
  /** file the object came from, for error messages (relative to the build root) */
  source: string;
  /**
   * ids the object had before each rename (namePrefix/nameSuffix, namespace, a patch
   * that changed the name), oldest first — kustomize's `previousNames`/`previousKinds`/
   * `previousNamespaces`. Name references and replacement sources match these too.
   */
  previous: Array<{ kind: string; name: string; namespace?: string }>;
  /** prefixes and suffixes applied so far, innermost first (kustomize's buildMetadata annotations) */
  prefixes: string[];
  suffixes: string[];
  /** where the object came from, for buildMetadata's originAnnotations */
  origin?: Origin;
  /** transformers that acted on it, for buildMetadata's transformerAnnotations */
  transformations?: Origin[];
  /** set when a generator made the object */
  generated?: {
    behavior: 'create' | 'merge' | 'replace' | 'unspecified';
    /** false when the name gets no content-hash suffix */
    hash: boolean;
  };
}
