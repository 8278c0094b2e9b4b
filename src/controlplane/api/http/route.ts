/**
 * Splits a request path into what it addresses, following kube-apiserver's
 * RequestInfoFactory (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
 */

/** A path under a group/version that addresses resources. */
export interface ResourcePath {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** the deprecated `/api/v1/watch/…` form */
  watchPrefix: boolean;
}

export type Route =
  | { kind: 'core-versions' }
  | { kind: 'groups' }
  | { kind: 'group'; group: string }
  | { kind: 'resource-list'; group: string; version: string }
  | { kind: 'resource'; path: ResourcePath }
  | { kind: 'not-found' };

/**
 * `namespaces/{name}/status` and `namespaces/{name}/finalize` are subresources of a
 * Namespace, not resources inside it: the only two words that cannot be resource names.
 */
const namespaceSubresources = new Set(['status', 'finalize']);

function segments(pathname: string): string[] | undefined {
  const parts = pathname.split('/').filter((p) => p !== '');
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
}

/** The route of a URL path (no query string). */
export function parseRoute(pathname: string): Route {
  const parts = segments(pathname);
  if (!parts || parts.length === 0) return { kind: 'not-found' };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'core-versions' };
    [group, version, rest] = ['', parts[1], parts.slice(2)];
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'groups' };
    if (parts.length === 2) return { kind: 'group', group: parts[1] };
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else {
    return { kind: 'not-found' };
  }
  if (rest.length === 0) return { kind: 'resource-list', group, version };

  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresources.has(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return { kind: 'not-found' };
  const [resource, name, subresource] = rest;
  const path: ResourcePath = { group, version, resource, watchPrefix };
  if (namespace !== undefined) path.namespace = namespace;
  if (name !== undefined) path.name = name;
  if (subresource !== undefined) path.subresource = subresource;
  return { kind: 'resource', path };
}
