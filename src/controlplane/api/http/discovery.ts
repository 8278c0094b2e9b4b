/**
 * Unaggregated discovery documents: APIVersions at /api, APIGroupList at /apis, APIGroup
 * at /apis/{group} and APIResourceList at /api/v1 and /apis/{group}/{version}, in the
 * shapes of k8s.io/apimachinery/pkg/apis/meta/v1 (types.go).
 */
import type { JsonObject } from '../../../core/index.js';
import type { ResourceType } from '../types.js';
import { groupVersion, servedGroups, subresourceVerbs, subresourcesOf, type ServedGroup } from './served.js';

/** `/api`: the core group's versions; the address tells clients how to reach us. */
export function apiVersions(types: readonly ResourceType[], serverAddress: string): JsonObject {
  const core = servedGroups(types).find((g) => g.name === '');
  return {
    kind: 'APIVersions',
    versions: (core?.versions ?? []).map((v) => v.version),
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: ServedGroup): JsonObject {
  const versions = g.versions.map((v) => ({
    groupVersion: groupVersion(g.name, v.version),
    version: v.version,
  }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/** `/apis`: every named group (the core group is only at /api). */
export function apiGroupList(types: readonly ResourceType[]): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups(types)
      .filter((g) => g.name !== '')
      .map(apiGroup),
  };
}

/** `/apis/{group}`, or undefined when no version of the group is served. */
export function apiGroupDocument(types: readonly ResourceType[], group: string): JsonObject | undefined {
  const g = servedGroups(types).find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

function apiResource(t: ResourceType): JsonObject[] {
  const main: JsonObject = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: [...t.verbs],
  };
  if (t.shortNames?.length) main.shortNames = [...t.shortNames];
  if (t.categories?.length) main.categories = [...t.categories];
  const subs = subresourcesOf(t).map((s) => {
    const entry: JsonObject = {
      name: `${t.resource}/${s.name}`,
      singularName: '',
      namespaced: t.namespaced,
      kind: s.kind,
      verbs: subresourceVerbs(t),
    };
    // the group and version are only given when they differ from the list's own
    if (s.group !== t.group || s.version !== t.version)
      Object.assign(entry, { group: s.group, version: s.version });
    return entry;
  });
  return [main, ...subs];
}

/** `/api/v1`, `/apis/{group}/{version}`, or undefined when that group/version is not served. */
export function apiResourceList(
  types: readonly ResourceType[],
  group: string,
  version: string,
): JsonObject | undefined {
  const served = types.filter((t) => t.group === group && t.version === version);
  if (served.length === 0) return undefined;
  const sorted = [...served].sort((a, b) => (a.resource < b.resource ? -1 : 1));
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: sorted.flatMap(apiResource),
  };
}
