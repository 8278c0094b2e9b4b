/**
 * Name references (kustomize's nameReferenceTransformer, run once at the end of the
 * build): wherever an object names another — a Deployment's configMapKeyRef, a
 * RoleBinding's roleRef, an Ingress backend — the name is updated to the referenced
 * object's final name (prefix, suffix and content hash included).
 *
 * kustomize filters every candidate list for every referring field, which is quadratic
 * in the number of objects; here candidates are indexed once by their earlier names, so
 * each lookup only looks at the objects that ever carried that name.
 *
 * Candidate selection, in kustomize's order (api/filters/nameref):
 *  1. an earlier name of the candidate equals the referenced name;
 *  2. an earlier id of the candidate has the referenced kind (and group/version if set);
 *  3. for `roleRef/name`, the earlier kind matches the roleRef's kind and apiGroup;
 *  4. the candidate is visible from the referrer: cluster-scoped, a ServiceAccount, or in
 *     the referrer's namespace (a RoleBinding also sees its subjects' namespaces);
 *  5. if several remain, prefer those renamed with the same prefixes/suffixes as the
 *     referrer (diamond bases), first allowing an empty list on either side, then not.
 */
import { CapstanError } from '../../core/errors.js';
import { isClusterScopedKind } from '../../core/kinds.js';
import { gvkOf, isJsonObject, type JsonValue } from '../../core/object.js';
import type { NameBackReference } from './builtin-config/types.js';
import { compileFieldSpec, walkFieldSpec, type CompiledFieldSpec } from './field-spec.js';
import { currentId, describeId, effectiveNamespace, originalId, CLUSTER_SCOPED } from './ids.js';
import type { Resource } from './types.js';

interface Rule {
  spec: CompiledFieldSpec;
  target: { group?: string; version?: string; kind: string };
  isRoleRef: boolean;
}

/** Rewrites every name reference of every resource to the referenced object's current name. */
export function fixNameReferences(
  resources: readonly Resource[],
  backRefs: readonly NameBackReference[],
): void {
  const rules: Rule[] = [];
  for (const ref of backRefs) {
    for (const fs of ref.fieldSpecs) {
      rules.push({
        spec: compileFieldSpec(fs),
        target: { group: ref.group, version: ref.version, kind: ref.kind },
        isRoleRef: fs.path.endsWith('roleRef/name'),
      });
    }
  }
  const byEarlierName = indexByEarlierName(resources);
  const rulesByKind = new Map<string, Rule[]>();
  for (const referrer of resources) {
    const org = originalId(referrer);
    const { group, version } = gvkOf(referrer.obj);
    const cacheKey = `${group}/${version}/${org.kind}`;
    let mine = rulesByKind.get(cacheKey);
    if (!mine) {
      mine = rules.filter(
        (r) =>
          (!r.spec.kind || r.spec.kind === org.kind) &&
          (!r.spec.group || r.spec.group === group) &&
          (!r.spec.version || r.spec.version === version),
      );
      rulesByKind.set(cacheKey, mine);
    }
    if (mine.length === 0) continue;
    const visible = visibility(referrer);
    for (const rule of mine) {
      walkFieldSpec(rule.spec, referrer.obj, (_container, _key, value) =>
        rewrite(value, referrer, rule, byEarlierName, visible),
      );
    }
  }
}

function indexByEarlierName(resources: readonly Resource[]): Map<string, Resource[]> {
  const index = new Map<string, Resource[]>();
  for (const res of resources) {
    const seen = new Set<string>();
    for (const id of res.previous) {
      if (seen.has(id.name)) continue;
      seen.add(id.name);
      let list = index.get(id.name);
      if (!list) index.set(id.name, (list = []));
      list.push(res);
    }
  }
  return index;
}

/** kustomize's SubsetThatCouldBeReferencedByResource, as a predicate. */
function visibility(referrer: Resource): (candidate: Resource) => boolean {
  const obj = referrer.obj;
  if (isClusterScopedKind(obj.kind)) return () => true;
  const ns = effectiveNamespace(obj.kind, obj.metadata.namespace);
  const bindingNamespaces = new Set<string>();
  if (obj.kind === 'RoleBinding' && Array.isArray(obj.subjects)) {
    for (const s of obj.subjects) {
      if (isJsonObject(s) && s.kind === 'ServiceAccount' && typeof s.namespace === 'string') {
        bindingNamespaces.add(s.namespace);
      }
    }
  }
  return (c) => {
    const cns = effectiveNamespace(c.obj.kind, c.obj.metadata.namespace);
    return cns === CLUSTER_SCOPED || cns === ns || bindingNamespaces.has(c.obj.metadata.namespace ?? '');
  };
}

function rewrite(
  value: JsonValue | undefined,
  referrer: Resource,
  rule: Rule,
  index: Map<string, Resource[]>,
  visible: (c: Resource) => boolean,
): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return rewriteScalar(value, referrer, rule, index, visible);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'string') {
        const next = rewriteScalar(item, referrer, rule, index, visible);
        if (next !== undefined) value[i] = next;
      } else if (isJsonObject(item)) {
        rewriteMapping(item, referrer, rule, index, visible);
      }
    }
    return undefined;
  }
  if (isJsonObject(value)) {
    rewriteMapping(value, referrer, rule, index, visible);
    return undefined;
  }
  return undefined;
}

function rewriteScalar(
  name: string,
  referrer: Resource,
  rule: Rule,
  index: Map<string, Resource[]>,
  visible: (c: Resource) => boolean,
): string | undefined {
  const candidates = (index.get(name) ?? []).filter(visible);
  const referral = selectReferral(name, candidates, referrer, rule, false);
  if (!referral || referral.obj.metadata.name === name) return undefined;
  return referral.obj.metadata.name;
}

function rewriteMapping(
  node: { [key: string]: JsonValue },
  referrer: Resource,
  rule: Rule,
  index: Map<string, Resource[]>,
  visible: (c: Resource) => boolean,
): void {
  if (!('name' in node)) {
    throw new CapstanError(
      'RENDER_NAME_REFERENCE_FAILED',
      `${referrer.source}: name reference field '${rule.spec.path}' of ${describeId(referrer.obj)} has no 'name'`,
      { path: rule.spec.path },
    );
  }
  const oldName = node.name;
  if (typeof oldName !== 'string') return;
  let candidates = (index.get(oldName) ?? []).filter(visible);
  if (typeof node.namespace === 'string') {
    const ns = node.namespace;
    const byOriginal = candidates.filter((c) => {
      const org = originalId(c);
      return !isClusterScopedKind(org.kind) && effectiveNamespace(org.kind, org.namespace) === ns;
    });
    candidates =
      byOriginal.length > 0
        ? byOriginal
        : candidates.filter(
            (c) =>
              !isClusterScopedKind(c.obj.kind) &&
              effectiveNamespace(c.obj.kind, c.obj.metadata.namespace) === ns,
          );
  }
  const referral = selectReferral(oldName, candidates, referrer, rule, true);
  if (!referral) return;
  const { name, namespace } = currentId(referral.obj);
  if (name === oldName && !namespace) return;
  node.name = name;
  if (namespace) node.namespace = namespace;
}

function selectReferral(
  oldName: string,
  candidates: Resource[],
  referrer: Resource,
  rule: Rule,
  compareNamespaces: boolean,
): Resource | undefined {
  const { group: tg, version: tv, kind: tk } = rule.target;
  candidates = candidates.filter((c) => {
    const { group, version } = gvkOf(c.obj);
    if ((tg && tg !== group) || (tv && tv !== version)) return false;
    return c.previous.some((id) => id.name === oldName) && c.previous.some((id) => id.kind === tk);
  });
  if (rule.isRoleRef) {
    const roleRef = referrer.obj.roleRef;
    if (isJsonObject(roleRef) && typeof roleRef.apiGroup === 'string' && typeof roleRef.kind === 'string') {
      const { apiGroup, kind } = roleRef;
      candidates = candidates.filter((c) => {
        const { group } = gvkOf(c.obj);
        return (!apiGroup || group === apiGroup) && (!kind || c.previous.some((id) => id.kind === kind));
      });
    }
  }
  if (!isClusterScopedKind(referrer.obj.kind)) {
    const ns = effectiveNamespace(referrer.obj.kind, referrer.obj.metadata.namespace);
    candidates = candidates.filter((c) => {
      const cns = effectiveNamespace(c.obj.kind, c.obj.metadata.namespace);
      return cns === CLUSTER_SCOPED || c.obj.kind === 'ServiceAccount' || cns === ns;
    });
  }
  if (candidates.length === 1) return candidates[0];
  candidates = candidates.filter((c) => affixesMatch(c, referrer, true));
  if (candidates.length > 1) candidates = candidates.filter((c) => affixesMatch(c, referrer, false));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) return undefined;
  const first = currentId(candidates[0].obj);
  const identical = candidates.every((c) => {
    const id = currentId(c.obj);
    return id.name === first.name && (!compareNamespaces || (id.namespace ?? '') === (first.namespace ?? ''));
  });
  if (identical) return candidates[0];
  throw new CapstanError(
    'RENDER_NAME_REFERENCE_AMBIGUOUS',
    `${referrer.source}: ${describeId(referrer.obj)} refers to '${oldName}' in '${rule.spec.path}', which is ambiguous: it could be any of ${candidates
      .map((c) => describeId(c.obj))
      .join(', ')}`,
    { path: rule.spec.path },
  );
}

/** kustomize's PrefixesSuffixesEquals: the shorter affix list is a tail of the longer one. */
function affixesMatch(a: Resource, b: Resource, allowEmpty: boolean): boolean {
  const same = (x: string[], y: string[]) => {
    if (allowEmpty && (x.length === 0 || y.length === 0)) return true;
    const [short, long] = x.length <= y.length ? [x, y] : [y, x];
    const diff = long.length - short.length;
    if (short.length === 0) return diff === 0;
    for (let i = short.length - 1; i >= 0; i--) if (long[i + diff] !== short[i]) return false;
    return true;
  };
  return same(a.prefixes, b.prefixes) && same(a.suffixes, b.suffixes);
}
