/**
 * The served API surface — groups, their versions and resources — derived from
 * `api.resourceTypes()` on every request, so a CRD added at run time shows up at once.
 */
import type { ResourceType } from '../types.js';

export interface ServedVersion {
  version: string;
  types: ResourceType[];
}

export interface ServedGroup {
  /** '' for the core (legacy) group */
  name: string;
  /** preferred first */
  versions: ServedVersion[];
}

/**
 * Kubernetes version order (apimachinery's CompareKubeAwareVersionStrings): GA before
 * beta before alpha, higher numbers first within each, then anything else by name:
 * v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > foo.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return { major: Number(m[1]), stability, minor: m[3] === undefined ? 0 : Number(m[3]) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    if (pa) return -1;
    if (pb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (pa.stability !== pb.stability) return pb.stability - pa.stability;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}

/** Groups in discovery order: the core group first, then by name. */
export function servedGroups(types: readonly ResourceType[]): ServedGroup[] {
  const byGroup = new Map<string, Map<string, ResourceType[]>>();
  for (const t of types) {
    let versions = byGroup.get(t.group);
    if (!versions) byGroup.set(t.group, (versions = new Map()));
    let list = versions.get(t.version);
    if (!list) versions.set(t.version, (list = []));
    list.push(t);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a === b ? 0 : a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1))
    .map(([name, versions]) => ({
      name,
      versions: [...versions.entries()]
        .sort(([a], [b]) => compareKubeVersions(a, b))
        .map(([version, list]) => ({
          version,
          types: [...list].sort((x, y) => (x.resource < y.resource ? -1 : x.resource > y.resource ? 1 : 0)),
        })),
    }));
}

/** `apps/v1`, or `v1` for the core group. */
export const groupVersion = (group: string, version: string) => (group ? `${group}/${version}` : version);

/** The verbs a subresource supports: what the main resource allows among get, patch and update. */
export function subresourceVerbs(t: ResourceType): string[] {
  return ['get', 'patch', 'update'].filter((v) => t.verbs.includes(v));
}

/** The status and scale subresources a type has, with the kind each one returns. */
export function subresourcesOf(
  t: ResourceType,
): { name: 'status' | 'scale'; group: string; version: string; kind: string }[] {
  const out: { name: 'status' | 'scale'; group: string; version: string; kind: string }[] = [];
  if (t.scale) out.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale' });
  if (t.status) out.push({ name: 'status', group: t.group, version: t.version, kind: t.kind });
  return out;
}
