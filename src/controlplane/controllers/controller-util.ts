/** What the workload controllers share: finding the objects they control, writing status once. */
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from '../../core/index.js';
import { ApiError } from '../api/errors.js';
import type { Registry } from '../api/registry/registry.js';

/** The objects of `group/resource` in `namespace` whose controlling owner has `uid`. */
export function controlledBy(
  registry: Registry,
  group: string,
  resource: string,
  namespace: string,
  uid: unknown,
): JsonObject[] {
  return registry.store
    .list({ group, resource, namespace })
    .items.map((o) => o.value)
    .filter((o) =>
      ((o.metadata as JsonObject).ownerReferences as JsonObject[] | undefined)?.some(
        (r) => r.controller && r.uid === uid,
      ),
    );
}

/** A catch handler that swallows the listed API error reasons (the next sync sorts them out). */
export const tolerate =
  (...reasons: string[]) =>
  (e: unknown): undefined => {
    if (e instanceof ApiError && reasons.includes(e.reason)) return undefined;
    throw e;
  };

/** Writes `status` through the status subresource, only when it differs from the stored one. */
export async function writeStatus(
  registry: Registry,
  gvr: { group: string; version: string; resource: string },
  namespace: string,
  name: string,
  status: unknown,
  manager: string,
): Promise<void> {
  const current = registry.store.get({ group: gvr.group, resource: gvr.resource, namespace, name })?.value;
  if (!current || isDeepStrictEqual(current.status ?? {}, status)) return;
  await registry
    .update(
      gvr,
      namespace,
      name,
      { ...current, status: status as JsonObject },
      { subresource: 'status', fieldManager: manager },
    )
    .catch(tolerate('NotFound', 'Conflict'));
}
