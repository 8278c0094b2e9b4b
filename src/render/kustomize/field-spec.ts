/**
 * Compiles and walks field specs with the semantics of kustomize's fieldspec filter
 * (api/filters/fieldspec): the one traversal behind prefix/suffix, namespace, labels,
 * annotations, images, replicas, name references and vars.
 *
 * Hand-written because no library walks kustomize paths; it runs over every resource
 * for several transformers, so paths are split once and specs are indexed by kind.
 *
 * Semantics (each checked against `kubectl kustomize`, kustomize v5.5):
 * - A spec applies when its non-empty group, version and kind equal the object's own.
 * - The path is split on `/`; a step ending in `\` is joined with the next one, so
 *   `metadata/annotations/a\/b` names the key `a/b`. A leading `/` is ignored; steps
 *   are trimmed of spaces and a step of only spaces is skipped.
 * - A step that meets a list visits every element with the same remaining path (lists
 *   in lists too); null elements are skipped. `name[]` is the same lookup as `name`, but
 *   never creates, and turns a present `null` into `[]` (kustomize does, visibly).
 * - A missing field stops the walk silently unless both the spec and the caller allow
 *   creation: then missing or null intermediate fields become `{}`, and the last field
 *   is offered to the visitor as `undefined`. Without creation a null last field is
 *   visited as `null`; a null intermediate stops the walk.
 * - A scalar where the path goes on is an error, as is an empty step (`a//b`, `a/`, an
 *   empty path), a numeric step, `-`, `*` or `[k=v]` reached on a map.
 * - Specs are applied one after the other, in order: a field reached by two specs is
 *   visited twice (kustomize does not de-duplicate either).
 */
import { CapstanError } from '../../core/errors.js';
import { parseApiVersion, type JsonValue, type KubeObject } from '../../core/object.js';
import { describeId } from './ids.js';
import type { FieldSpec } from './types.js';

/** Why a step cannot be looked up in a map (kyaml reads it as something else). */
type BadStep = 'empty' | 'index' | 'negative-index' | 'wildcard' | 'element-match' | 'element-syntax';

interface Step {
  /** the key looked up (escapes resolved, spaces trimmed, `[]` removed) */
  readonly name: string;
  /** the step was written `name[]` */
  readonly seq: boolean;
  /** set when reaching this step on a map is an error */
  readonly bad?: BadStep;
}

/** One field spec, its path split into steps. */
export interface CompiledFieldSpec {
  readonly spec: FieldSpec;
  /** the path as written, for messages */
  readonly path: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly create: boolean;
  readonly steps: readonly Step[];
}

/** A list of compiled specs, indexed by kind and apiVersion for fast matching. */
export interface CompiledFieldSpecs {
  readonly specs: readonly CompiledFieldSpec[];
  /** kind → apiVersion → matching specs in list order; filled lazily */
  readonly byGvk: Map<string, Map<string, readonly CompiledFieldSpec[]>>;
}

/**
 * Called on each field a spec reaches. `value` is `undefined` when the field is missing
 * (or null) and creation is on; return a value to store it in `container[key]`, or
 * `undefined` to leave the field as it is (a missing field then stays missing).
 */
export type FieldVisitor = (
  container: { [key: string]: JsonValue },
  key: string,
  value: JsonValue | undefined,
  spec: CompiledFieldSpec,
) => JsonValue | undefined;

/** Options of a walk. */
export interface WalkOptions {
  /**
   * Honour the specs' `create: true` (kustomize: the transformer gave a CreateKind).
   * Off for name references, vars and images, which never create.
   */
  create?: boolean;
}

/** Splits a path as kyaml's PathSplitter, then reads each step as PathGetter would. */
export function compileFieldSpec(spec: FieldSpec): CompiledFieldSpec {
  const path = spec.path ?? '';
  return {
    spec,
    path,
    group: spec.group ?? '',
    version: spec.version ?? '',
    kind: spec.kind ?? '',
    create: spec.create === true,
    steps: splitPath(path).flatMap((raw) => {
      const step = readStep(raw);
      return step ? [step] : [];
    }),
  };
}

/** Compiles a list of specs once, for many walks. */
export function compileFieldSpecs(specs: readonly FieldSpec[]): CompiledFieldSpecs {
  return { specs: specs.map(compileFieldSpec), byGvk: new Map() };
}

function splitPath(path: string): string[] {
  let parts = path.split('/');
  if (parts.length > 1 && parts[0] === '') parts = parts.slice(1);
  const out = [parts[0]];
  for (let i = 1; i < parts.length; i++) {
    const last = out[out.length - 1];
    // `a\/b` is one key: drop the backslash, keep the slash
    if (last.endsWith('\\')) out[out.length - 1] = last.slice(0, -1) + '/' + parts[i];
    else out.push(parts[i]);
  }
  return out;
}

const INDEX = /^[+-]?[0-9]+$/;

function readStep(raw: string): Step | undefined {
  const seq = raw.endsWith('[]');
  const untrimmed = seq ? raw.slice(0, -2) : raw;
  if (untrimmed === '') return { name: '', seq, bad: 'empty' };
  const name = untrimmed.trim();
  // kyaml drops blank steps after the empty-name check: `a/ /b` is `a/b`
  if (name === '') return undefined;
  if (INDEX.test(name)) return { name, seq, bad: name.startsWith('-') ? 'negative-index' : 'index' };
  if (name === '-') return { name, seq, bad: 'index' };
  if (name === '*') return { name, seq, bad: 'wildcard' };
  if (name.startsWith('[') && name.endsWith(']')) {
    return { name, seq, bad: name.includes('=') ? 'element-match' : 'element-syntax' };
  }
  return { name, seq };
}

/** The specs of `compiled` that apply to an object of this apiVersion and kind, in order. */
export function specsFor(
  compiled: CompiledFieldSpecs,
  apiVersion: string,
  kind: string,
): readonly CompiledFieldSpec[] {
  let byVersion = compiled.byGvk.get(kind);
  if (byVersion === undefined) {
    byVersion = new Map();
    compiled.byGvk.set(kind, byVersion);
  }
  let specs = byVersion.get(apiVersion);
  if (specs === undefined) {
    const { group, version } = parseApiVersion(apiVersion);
    specs = compiled.specs.filter(
      (s) =>
        (s.kind === '' || s.kind === kind) &&
        (s.group === '' || s.group === group) &&
        (s.version === '' || s.version === version),
    );
    byVersion.set(apiVersion, specs);
  }
  return specs;
}

/** Walks every spec of `compiled` that applies to `obj`, in order. */
export function walkFieldSpecs(
  compiled: CompiledFieldSpecs,
  obj: KubeObject,
  visit: FieldVisitor,
  options?: WalkOptions,
): void {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const create = options?.create === true;
  for (const spec of specsFor(compiled, apiVersion, kind)) walkSpec(obj, spec, visit, create);
}

/**
 * Walks one spec over `obj` without matching its group/version/kind (the caller has
 * decided it applies — kustomize's name references match on the referrer's own GVK).
 */
export function walkFieldSpec(
  spec: CompiledFieldSpec,
  obj: KubeObject,
  visit: FieldVisitor,
  options?: WalkOptions,
): void {
  walkSpec(obj, spec, visit, options?.create === true);
}

function walkSpec(obj: KubeObject, spec: CompiledFieldSpec, visit: FieldVisitor, create: boolean): void {
  if (spec.steps.length === 0) return; // a path of blank steps: nothing we can visit
  walk(obj as unknown as JsonValue, 0, obj, spec, visit, create && spec.create);
}

const hasOwn = Object.prototype.hasOwnProperty;

function walk(
  node: JsonValue,
  i: number,
  obj: KubeObject,
  spec: CompiledFieldSpec,
  visit: FieldVisitor,
  create: boolean,
): void {
  if (node === null) return;
  if (Array.isArray(node)) {
    for (const element of node) walk(element, i, obj, spec, visit, create);
    return;
  }
  if (typeof node !== 'object') throw notTraversable(obj, spec, i, node);
  const step = spec.steps[i];
  if (step.bad !== undefined) throw badStep(obj, spec, step);
  const last = i === spec.steps.length - 1;
  const name = step.name;
  let value = hasOwn.call(node, name) ? node[name] : undefined;
  if (value === null && step.seq) {
    value = [];
    node[name] = value;
  }
  if (value === undefined || value === null) {
    if (!create || step.seq) {
      if (value === null && last) store(node, name, visit(node, name, null, spec));
      return;
    }
    if (last) {
      store(node, name, visit(node, name, undefined, spec));
      return;
    }
    value = {};
    node[name] = value;
  } else if (last) {
    store(node, name, visit(node, name, value, spec));
    return;
  }
  walk(value, i + 1, obj, spec, visit, create);
}

function store(container: { [key: string]: JsonValue }, key: string, value: JsonValue | undefined): void {
  if (value !== undefined) container[key] = value;
}

function notTraversable(obj: KubeObject, spec: CompiledFieldSpec, i: number, found: JsonValue): CapstanError {
  const at = spec.steps
    .slice(0, i)
    .map((s) => s.name)
    .join('/');
  return new CapstanError(
    'RENDER_FIELD_SPEC_NOT_TRAVERSABLE',
    `considering field '${spec.path}' of ${describeId(obj)}: expected a map or a list at '${at}', ` +
      `found the ${typeof found} ${JSON.stringify(found)}`,
    { path: spec.path, at, kind: obj.kind, name: obj.metadata?.name },
  );
}

const badStepText: Record<BadStep, string> = {
  empty: 'a field name is empty',
  index: 'a list index cannot be used in a field spec path',
  'negative-index': 'a list index cannot be negative',
  wildcard: 'the wildcard * is not supported in a field spec path',
  'element-match': 'a list element selector cannot be used on a map',
  'element-syntax': 'a list element selector must read [field=value]',
};

function badStep(obj: KubeObject, spec: CompiledFieldSpec, step: Step): CapstanError {
  return new CapstanError(
    'RENDER_FIELD_SPEC_BAD_PATH',
    `considering field '${spec.path}' of ${describeId(obj)}: ${badStepText[step.bad!]}` +
      (step.name ? ` ('${step.name}')` : ''),
    { path: spec.path, step: step.name, kind: obj.kind, name: obj.metadata?.name },
  );
}
