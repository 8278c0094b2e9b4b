/**
 * Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1, KEP-3352): one document per
 * endpoint with every group, version and resource, so kubectl needs two requests instead
 * of one per group/version. The two versions have the same JSON shape.
 */
import type { JsonObject } from '../../../core/index.js';
import type { ResourceType } from '../types.js';
import { servedGroups, subresourceVerbs, subresourcesOf } from './served.js';

function discoveryResource(t: ResourceType): JsonObject {
  const entry: JsonObject = {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: [...t.verbs],
  };
  if (t.shortNames?.length) entry.shortNames = [...t.shortNames];
  if (t.categories?.length) entry.categories = [...t.categories];
  const subs = subresourcesOf(t);
  if (subs.length) {
    entry.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group, version: s.version, kind: s.kind },
      verbs: subresourceVerbs(t),
    }));
  }
  return entry;
}

/**
 * The APIGroupDiscoveryList of `/api` (core: a single group with an empty name) or of
 * `/apis` (every named group); versions are listed preferred first.
 */
export function aggregatedDiscovery(
  types: readonly ResourceType[],
  which: 'core' | 'groups',
  apiVersion: 'v2' | 'v2beta1',
): JsonObject {
  const groups = servedGroups(types).filter((g) => (which === 'core' ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${apiVersion}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: (g.name ? { name: g.name } : {}) as JsonObject,
      versions: g.versions.map((v) => ({
        version: v.version,
        resources: v.types.map(discoveryResource),
        // always fresh: we serve every group ourselves, there is no aggregated server to lag
        freshness: 'Current',
      })),
    })),
  };
}
