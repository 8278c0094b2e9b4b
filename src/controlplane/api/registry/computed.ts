/**
 * Kinds computed on request rather than stored (`ResourceType.computed`: the resource
 * metrics of metrics.k8s.io). Like metrics-server's REST storage they implement only get
 * and list: there is nothing to write, watch or delete, so those verbs get the 405 a
 * kube-apiserver gives for a method a resource does not implement.
 */
import type { JsonObject } from '../../../core/index.js';
import { ApiError } from '../errors.js';
import type { ComputedObjects, ResourceType } from '../types.js';
import { apiVersionOf } from './type-registry.js';

/** 405 for a verb other than get and list on a computed kind. */
export function refuseComputed(type: ResourceType): void {
  if (type.computed)
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
}

/** One computed object; computed kinds have no subresources. */
export function computedGet(
  type: ResourceType,
  computed: ComputedObjects,
  namespace: string | undefined,
  name: string,
  subresource: string | undefined,
): JsonObject {
  if (subresource)
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  return computed.get(type.namespaced ? namespace : undefined, name);
}

/**
 * A list of computed objects. It carries no resourceVersion and no continue token, as
 * metrics-server's lists do not: every list is computed afresh and not paginated.
 */
export function computedList(
  type: ResourceType,
  computed: ComputedObjects,
  namespace: string | undefined,
  select: (source: JsonObject) => boolean,
): JsonObject {
  const items = computed.list(type.namespaced ? namespace : undefined, select);
  return { kind: type.listKind, apiVersion: apiVersionOf(type), metadata: {}, items };
}
