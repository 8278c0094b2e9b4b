/**
 * Schema names and permissive schemas for the OpenAPI documents. We do not know the
 * fields of every kind, so each schema fixes only apiVersion, kind and metadata and keeps
 * every other field: clients that validate against them accept any valid manifest, and
 * unknown-field checking stays where `kubectl --validate=strict` sends it, the server
 * (fieldValidation=Strict).
 */
import { isJsonObject, type JsonObject } from '../../../core/index.js';
import type { ResourceType } from '../types.js';

/**
 * The definition name, in the style Kubernetes uses: `io.k8s.api.apps.v1.Deployment`
 * for built-in kinds, reversed group for custom ones (`com.example.v1.Widget`).
 */
export function definitionName(t: ResourceType, kind = t.kind): string {
  if (t.custom) return [...t.group.split('.').reverse(), t.version, kind].join('.');
  const group = t.group === '' ? 'core' : t.group.split('.')[0];
  return `io.k8s.api.${group}.${t.version}.${kind}`;
}

export const gvkExtension = (group: string, version: string, kind: string) => ({ group, version, kind });

/** An object schema that keeps fields it does not describe. */
function openObject(description: string): JsonObject {
  return { type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true };
}

/**
 * The schema of one kind and of its list kind, keyed by definition name. With `published`
 * (OpenAPI v3), a custom kind's own schema is served as apiextensions-apiserver serves it:
 * its fields and descriptions, with apiVersion, kind and metadata filled in. OpenAPI v2
 * keeps the open schema: v2 cannot say `nullable` or `anyOf`, and kubectl reads v3.
 */
export function kindSchemas(
  t: ResourceType,
  ref: (name: string) => string,
  published = false,
): Record<string, JsonObject> {
  const common = {
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource.' },
  };
  const own = published ? t.schema : undefined;
  const properties = own && isJsonObject(own.properties) ? own.properties : {};
  return {
    [definitionName(t)]: {
      ...(own ?? openObject(`${t.kind} (${t.group || 'core'}/${t.version}).`)),
      properties: { ...properties, ...common, metadata: openObject('Standard object metadata.') },
      'x-kubernetes-group-version-kind': [gvkExtension(t.group, t.version, t.kind)],
    },
    [definitionName(t, t.listKind)]: {
      type: 'object',
      description: `${t.listKind} is a list of ${t.kind}.`,
      required: ['items'],
      properties: {
        ...common,
        metadata: openObject('Standard list metadata.'),
        items: { type: 'array', items: { $ref: ref(definitionName(t)) } },
      },
      'x-kubernetes-group-version-kind': [gvkExtension(t.group, t.version, t.listKind)],
    },
  };
}
