/**
 * How keys become strings. Objects of one resource are ordered by `namespace/name`, the
 * order etcd gives `/registry/<resource>/<namespace>/<name>` keys, so a namespace is one
 * contiguous range and a paginated list resumes after a plain string. That only holds
 * if no part contains '/', which Kubernetes forbids in names and namespaces anyway
 * (path segment names, https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
 */
import { invalidArgument } from './errors.js';
import type { StoreKey, StorePrefix } from './types.js';

/** Identifies one resource's index: `apps/deployments`, `/namespaces` for the core group. */
export function resourceId(group: string, resource: string): string {
  return `${group}/${resource}`;
}

/** The ordering key of an object within its resource: `namespace/name` (`/name` when cluster-scoped). */
export function objectId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The first `objectId` of a namespace's range; every key of the namespace starts with it. */
export function namespaceStart(namespace: string): string {
  return `${namespace}/`;
}

function checkPart(what: string, value: unknown, allowEmpty: boolean): void {
  if (typeof value !== 'string')
    throw invalidArgument(`store key ${what} must be a string`, { [what]: value });
  if (!allowEmpty && value === '') throw invalidArgument(`store key ${what} must not be empty`);
  if (value.includes('/')) throw invalidArgument(`store key ${what} "${value}" must not contain '/'`);
}

/** Throws unless the key can be stored and ordered (see the file comment). */
export function checkKey(key: StoreKey): void {
  checkPart('group', key.group, true);
  checkPart('resource', key.resource, false);
  checkPart('namespace', key.namespace, true);
  checkPart('name', key.name, false);
}

/** Throws unless the prefix names a resource (and optionally a namespace). */
export function checkPrefix(prefix: StorePrefix): void {
  checkPart('group', prefix.group, true);
  checkPart('resource', prefix.resource, false);
  if (prefix.namespace !== undefined) checkPart('namespace', prefix.namespace, true);
}

/** Whether a key falls under a prefix. */
export function underPrefix(key: StoreKey, prefix: StorePrefix): boolean {
  return (
    key.group === prefix.group &&
    key.resource === prefix.resource &&
    (prefix.namespace === undefined || key.namespace === prefix.namespace)
  );
}
