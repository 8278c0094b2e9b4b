/**
 * Legacy kustomize `vars`: each var takes a value from one field of one object, then
 * `$(NAME)` is expanded in the fields the varReference specs name (kustomize
 * api/internal/accumulator ResolveVars + api/filters/refvar). Checked with
 * `kubectl kustomize` v5.5:
 * - objref matches group, version and kind *exactly* (an objref without apiVersion matches
 *   nothing), the name against the current or any earlier name, and the namespace only
 *   when given ('' and `default` are the same).
 * - fieldref.fieldpath defaults to `metadata.name`; it is a lookup path (`[name=x]`, `0`,
 *   and `ports[0]` for `ports.0`).
 * - A field that is exactly `$(NAME)` takes the value with its type (`8080`, `true`,
 *   `1.5`); inside a longer string the value is formatted as Go's `%v`. `$$` gives `$`;
 *   unknown names and vars whose value is a map or list are left as `$(NAME)`.
 * - In a list every item must be a string (an int in `args` is an error); in a map only
 *   string values are expanded; other scalars are skipped.
 * - Unused vars are not an error: kustomize logs them; we return them.
 */
import { CapstanError } from '../../core/errors.js';
import { isClusterScopedKind } from '../../core/kinds.js';
import { parseApiVersion, type JsonValue } from '../../core/object.js';
import { compileFieldSpecs, walkFieldSpecs, type CompiledFieldSpec } from './field-spec.js';
import { FieldPathError, lookupField, parseLookupPath } from './field-path.js';
import { describeId } from './ids.js';
import type { FieldSpec, Resource, Var } from './types.js';

/** What `resolveVars` found worth reporting: vars declared but never expanded. */
export interface VarsReport {
  unused: string[];
}

type VarValue = string | number | boolean;

/**
 * Resolves `vars` against `resources` and expands `$(NAME)` in the fields named by
 * `varReferenceSpecs`, editing the objects in place. Throws CapstanError `RENDER_VAR_*`
 * when a var names no object, more than one, or a missing field, or when a list under a
 * varReference holds a non-string.
 */
export function resolveVars(
  resources: Resource[],
  vars: readonly Var[],
  varReferenceSpecs: readonly FieldSpec[],
  context: { source: string },
): VarsReport {
  if (vars.length === 0) return { unused: [] };
  const values = new Map<string, VarValue | undefined>();
  for (const v of vars) {
    if (values.has(v.name)) {
      throw new CapstanError('RENDER_VAR_DUPLICATE', `${context.source}: var '${v.name}' is declared twice`, {
        name: v.name,
      });
    }
    values.set(v.name, varValue(resources, v, context.source));
  }
  const used = new Set<string>();
  const lookup = (name: string): VarValue | undefined => {
    const value = values.get(name);
    if (value !== undefined) used.add(name);
    return value;
  };
  const compiled = compileFieldSpecs(varReferenceSpecs as FieldSpec[]);
  for (const res of resources) {
    walkFieldSpecs(compiled, res.obj, (_container, _key, value, spec) => {
      if (typeof value === 'string') return expand(value, lookup);
      if (Array.isArray(value)) expandList(value, lookup, spec, res, context.source);
      else if (value !== null && typeof value === 'object') {
        for (const k of Object.keys(value)) {
          const item = value[k];
          if (typeof item === 'string') value[k] = expand(item, lookup);
        }
      }
      return undefined;
    });
  }
  return { unused: vars.map((v) => v.name).filter((n) => !used.has(n)) };
}

function expandList(
  list: JsonValue[],
  lookup: (name: string) => VarValue | undefined,
  spec: CompiledFieldSpec,
  res: Resource,
  source: string,
): void {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item !== 'string') {
      throw new CapstanError(
        'RENDER_VAR_NON_STRING_ITEM',
        `${source}: expanding vars in '${spec.path}' of ${describeId(res.obj)}: item ${i} is ` +
          `${JSON.stringify(item)}, not a string (kustomize expands vars only in lists of strings; quote it)`,
        { path: spec.path, index: i },
      );
    }
    list[i] = expand(item, lookup);
  }
}

/**
 * Expands `$(NAME)` in `input` as kustomize's refvar.DoReplacements (after Kubernetes'
 * expansion): `$$` is a literal `$`; `$(` without `)` and `$x` stay as written; a name
 * `lookup` does not know stays `$(NAME)`. An input that is exactly one reference takes
 * the value's own type.
 */
export function expand(input: string, lookup: (name: string) => VarValue | undefined): JsonValue {
  if (!input.includes('$')) return input;
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) {
        out += '$(';
      } else {
        const name = input.slice(cursor + 2, close);
        const value = lookup(name);
        if (close - cursor + 1 === input.length) return value === undefined ? input : value;
        out += value === undefined ? `$(${name})` : goFormat(value);
        cursor = close - 1; // the `+ 1` below lands on `)`
      }
    } else {
      out += '$' + next;
    }
    cursor += 1;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** Go's `%v` of a var value: integers in full, other numbers as `%g` with shortest digits. */
function goFormat(v: VarValue): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return Math.abs(v) >= 1e21 ? BigInt(v).toString() : String(v);
  const [mantissa, exp] = v.toExponential().split('e');
  const e = Number(exp);
  // Go's shortest %g switches to an exponent below 1e-4 and from 1e6 up: 1234567.5 → 1.2345675e+06.
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(v);
}

/** A var's value; undefined when it is a map or list (kustomize then leaves `$(NAME)`). */
function varValue(resources: readonly Resource[], v: Var, source: string): VarValue | undefined {
  const res = findObject(resources, v, source);
  const fieldPath = v.fieldref?.fieldpath || 'metadata.name';
  let value: JsonValue | undefined;
  try {
    value = lookupField(res.obj as unknown as JsonValue, parseLookupPath(fieldPath, { sliceIndex: true }));
  } catch (e) {
    if (!(e instanceof FieldPathError)) throw e;
    throw new CapstanError(
      'RENDER_VAR_BAD_FIELD_PATH',
      `${source}: var '${v.name}': cannot read fieldpath '${fieldPath}' of ${describeId(res.obj)}: ${e.message}`,
      { name: v.name, fieldPath },
    );
  }
  if (value === undefined) {
    throw new CapstanError(
      'RENDER_VAR_FIELD_MISSING',
      `${source}: var '${v.name}': field '${fieldPath}' is not in ${describeId(res.obj)}`,
      { name: v.name, fieldPath },
    );
  }
  // kustomize reads a null scalar's text: `null` for `x: null` (for `x: ~` or `x:` the
  // text differs, but JSON input no longer tells them apart).
  if (value === null) return 'null';
  return typeof value === 'object' ? undefined : value;
}

function findObject(resources: readonly Resource[], v: Var, source: string): Resource {
  const ref = v.objref;
  let group = ref.group ?? '';
  let version = ref.version ?? '';
  if (ref.apiVersion) {
    const parts = ref.apiVersion.split('/');
    if (parts.length === 2) [group, version] = parts;
    else if (parts.length === 1) version = parts[0];
  }
  const namespace = ref.namespace ? orDefault(ref.namespace) : undefined;
  const found = resources.filter((res) => {
    const gv = parseApiVersion(res.obj.apiVersion ?? '');
    if (gv.group !== group || gv.version !== version) return false;
    const cur = res.obj;
    const curNs = isClusterScopedKind(cur.kind) ? NO_NAMESPACE : orDefault(cur.metadata?.namespace);
    if (
      cur.kind === ref.kind &&
      cur.metadata?.name === ref.name &&
      (namespace === undefined || curNs === namespace)
    ) {
      return true;
    }
    return res.previous.some(
      (p) =>
        p.kind === ref.kind &&
        p.name === ref.name &&
        (namespace === undefined ||
          (p.namespace === '~X' ? NO_NAMESPACE : orDefault(p.namespace)) === namespace),
    );
  });
  const what = `${ref.apiVersion ?? [group, version].filter(Boolean).join('/')} ${ref.kind} ${ref.namespace ? ref.namespace + '/' : ''}${ref.name}`;
  if (found.length === 0) {
    throw new CapstanError(
      'RENDER_VAR_NOT_FOUND',
      `${source}: var '${v.name}' refers to ${what.trim()}, which matches no resource` +
        (ref.apiVersion || ref.version ? '' : " (objref needs 'apiVersion': kustomize matches it exactly)"),
      { name: v.name },
    );
  }
  if (found.length > 1) {
    throw new CapstanError(
      'RENDER_VAR_AMBIGUOUS',
      `${source}: var '${v.name}' refers to ${what.trim()}, which matches ${found.length} resources ` +
        `(${found.map((r) => describeId(r.obj)).join(', ')}); give objref a namespace`,
      { name: v.name },
    );
  }
  return found[0];
}

const NO_NAMESPACE = '_non_namespaceable_';

function orDefault(ns: string | undefined): string {
  return ns ? ns : 'default';
}
