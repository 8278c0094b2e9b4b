/** Small pure helpers shared by the registry's verbs. */
import { isJsonObject, type JsonObject } from '../../../core/index.js';
import type { StoreKey } from '../../store/types.js';
import { badRequest } from '../errors.js';
import type { ResourceType } from '../types.js';
import { apiVersionOf } from './type-registry.js';

export function keyOf(type: ResourceType, namespace: string | undefined, name: string): StoreKey {
  return {
    group: type.group,
    resource: type.resource,
    namespace: type.namespaced ? (namespace ?? '') : '',
    name,
  };
}

/**
 * The stored object as the requested version shows it. The store keeps one copy for all
 * versions of a resource (custom resources use conversion strategy None), so only
 * apiVersion differs. Stored values are shared: callers must copy before changing them.
 */
export function asVersion(type: ResourceType, value: JsonObject): JsonObject {
  const apiVersion = apiVersionOf(type);
  return value.apiVersion === apiVersion ? value : { ...value, apiVersion };
}

/** A deep copy (request bodies and stored values become a new object to edit). */
export function copy<T>(v: T): T {
  return structuredClone(v);
}

/** Checks a request body's kind/apiVersion against the URL's type and fills them in. */
export function checkTypeMeta(type: ResourceType, body: JsonObject): void {
  const apiVersion = apiVersionOf(type);
  if (body.kind !== undefined && body.kind !== type.kind) {
    throw badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${type.kind})`,
    );
  }
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  body.apiVersion = apiVersion;
  body.kind = type.kind;
  if (!isJsonObject(body.metadata)) body.metadata = {};
}

/** The namespace a request acts in, checking the body's against the URL's. */
export function checkNamespace(
  type: ResourceType,
  urlNamespace: string | undefined,
  body: JsonObject,
): string | undefined {
  const meta = body.metadata as Record<string, unknown>;
  if (!type.namespaced) {
    delete meta.namespace;
    return undefined;
  }
  const inBody = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  if (urlNamespace && inBody && inBody !== urlNamespace) {
    throw badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
  }
  const ns = urlNamespace ?? inBody ?? 'default';
  meta.namespace = ns;
  return ns;
}
