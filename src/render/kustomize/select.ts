/**
 * Which resources a kustomize selector picks. kustomize has two matchers and both are
 * needed (checked with `kubectl kustomize` v5.5):
 *
 * - `compileSelector` — patch targets (resmap `Select`): group/version/kind/name/namespace
 *   are regexes anchored as `^(?:re)$`; an empty field matches anything (so `group: ""`
 *   matches every group); name and namespace match the *original* or the *current* value
 *   only, never an intermediate one; namespaces are compared in their effective form ('' is
 *   `default`).
 * - `compileIdSelector` — replacement sources and targets (resid `IsSelectedBy`): plain
 *   equality, no regex (`name: app.*` matches nothing), tried against the current id and
 *   *every* previous id (names, kinds, namespaces before each rename).
 *
 * Label and annotation selectors use Kubernetes' label-selector syntax in both.
 */
import { CapstanError } from '../../core/errors.js';
import { isClusterScopedKind } from '../../core/kinds.js';
import { compileLabelSelector } from '../../core/label-selector.js';
import { parseApiVersion } from '../../core/object.js';

const SELECTOR_ERROR = 'RENDER_SELECTOR_INVALID_LABEL_SELECTOR';

import type { Resource, Selector } from './types.js';

/** A compiled selector. */
export type ResourcePredicate = (res: Resource) => boolean;

/** The id part of a selector (kustomize's ResId). */
export type IdSelector = Pick<Selector, 'group' | 'version' | 'kind' | 'name' | 'namespace'>;

// kustomize's stand-in namespace for cluster-scoped objects (resid.TotallyNotANamespace);
// ids.ts stores it as '~X' among previous ids.
const NO_NAMESPACE = '_non_namespaceable_';

/**
 * Compiles a patch-target selector (regex semantics, see the file comment). `where` names
 * the selector in error messages, e.g. `patches[2].target in overlays/prod/kustomization.yaml`.
 */
export function compileSelector(sel: Selector, where = 'selector'): ResourcePredicate {
  const group = anchored(sel.group, 'group', where);
  const version = anchored(sel.version, 'version', where);
  const kind = anchored(sel.kind, 'kind', where);
  const name = anchored(sel.name, 'name', where);
  const namespace = anchored(sel.namespace, 'namespace', where);
  const meta = compileMetadataSelector(sel, where);
  return (res) => {
    const obj = res.obj;
    const org = res.previous[0];
    if (namespace) {
      const cur = effectiveNamespace(obj.kind, obj.metadata?.namespace);
      if (!namespace.test(cur) && !(org && namespace.test(previousNamespace(org.namespace)))) return false;
    }
    if (name && !name.test(obj.metadata?.name ?? '') && !(org && name.test(org.name))) return false;
    if (group || version || kind) {
      const gv = parseApiVersion(obj.apiVersion ?? '');
      if (group && !group.test(gv.group)) return false;
      if (version && !version.test(gv.version)) return false;
      if (kind && !kind.test(obj.kind ?? '')) return false;
    }
    return meta === undefined || meta(res);
  };
}

/**
 * Compiles the id part of a replacement source or target selector (equality semantics,
 * current and every previous id; see the file comment). Label and annotation selectors
 * are not part of it: see `compileMetadataSelector`.
 */
export function compileIdSelector(sel: IdSelector): ResourcePredicate {
  const { group, version, kind, name } = sel;
  const namespace = sel.namespace ? literalNamespace(sel.namespace) : undefined;
  return (res) => {
    const obj = res.obj;
    if (group || version) {
      const gv = parseApiVersion(obj.apiVersion ?? '');
      if (group && gv.group !== group) return false;
      if (version && gv.version !== version) return false;
    }
    // The current id: kustomize builds it without scope information, so a cluster-scoped
    // object's empty namespace reads as `default` here.
    if (
      (!kind || obj.kind === kind) &&
      (!name || obj.metadata?.name === name) &&
      (namespace === undefined || literalNamespace(obj.metadata?.namespace) === namespace)
    ) {
      return true;
    }
    for (const prev of res.previous) {
      if (
        (!kind || prev.kind === kind) &&
        (!name || prev.name === name) &&
        (namespace === undefined || previousNamespace(prev.namespace) === namespace)
      ) {
        return true;
      }
    }
    return false;
  };
}

/** True when the selector names no id field at all (kustomize's `ResId.IsEmpty`). */
export function isEmptyIdSelector(sel: IdSelector): boolean {
  return !sel.group && !sel.version && !sel.kind && !sel.name && !sel.namespace;
}

/**
 * Compiles a selector's `labelSelector` and `annotationSelector` into one predicate on the
 * resource's current labels and annotations; undefined when it has neither.
 */
export function compileMetadataSelector(sel: Selector, where = 'selector'): ResourcePredicate | undefined {
  const labels = sel.labelSelector
    ? compileLabelSelector(sel.labelSelector, `${where}: labelSelector`, SELECTOR_ERROR)
    : undefined;
  const annotations = sel.annotationSelector
    ? compileLabelSelector(sel.annotationSelector, `${where}: annotationSelector`, SELECTOR_ERROR)
    : undefined;
  if (!labels && !annotations) return undefined;
  return (res) =>
    (!labels || labels(res.obj.metadata?.labels)) &&
    (!annotations || annotations(res.obj.metadata?.annotations));
}

function anchored(pattern: string | undefined, field: string, where: string): RegExp | undefined {
  if (!pattern) return undefined;
  // Go's RE2 accepts a leading (?i); JavaScript (Node 20) needs it as a flag.
  let flags = '';
  let body = pattern;
  if (body.startsWith('(?i)')) {
    flags = 'i';
    body = body.slice(4);
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (e) {
    throw new CapstanError(
      'RENDER_SELECTOR_INVALID_REGEX',
      `${where}: ${field} ${JSON.stringify(pattern)} is not a valid regular expression: ${(e as Error).message}`,
      { where, field, pattern },
    );
  }
}

/** Effective namespace as patch selection sees the current id (scope-aware). */
function effectiveNamespace(kind: string | undefined, ns: string | undefined): string {
  if (kind && isClusterScopedKind(kind)) return NO_NAMESPACE;
  return ns ? ns : 'default';
}

/** Effective namespace of an id built without scope information: '' means `default`. */
function literalNamespace(ns: string | undefined): string {
  return ns ? ns : 'default';
}

/** A previous id's namespace as kustomize recorded it (ids.ts writes '~X' for "none"). */
function previousNamespace(ns: string | undefined): string {
  if (ns === '~X') return NO_NAMESPACE;
  return literalNamespace(ns);
}
