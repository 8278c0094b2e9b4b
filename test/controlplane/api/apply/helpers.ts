/** Builders shared by the apply tests. */
import type { JsonObject } from '../../../../src/core/index.js';

export const deploymentGvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
export const t0 = new Date('2024-05-01T10:00:00.250Z');
export const t1 = new Date('2024-05-01T11:00:00Z');
export const t2 = new Date('2024-05-01T12:00:00Z');

/** A Deployment applied configuration with the given spec fields. */
export function deployment(spec: JsonObject, metadata: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec,
  };
}

export const containers = (...items: JsonObject[]): JsonObject => ({
  template: { spec: { containers: items } },
});

/** managedFields entries by manager name (and operation, when a manager has both). */
export function entries(obj: JsonObject): Record<string, JsonObject> {
  const mf = ((obj.metadata as JsonObject).managedFields ?? []) as JsonObject[];
  return Object.fromEntries(mf.map((e) => [`${e.manager}/${e.operation}`, e]));
}

export const fieldsOf = (obj: JsonObject, key: string): JsonObject | undefined =>
  entries(obj)[key]?.fieldsV1 as JsonObject | undefined;
