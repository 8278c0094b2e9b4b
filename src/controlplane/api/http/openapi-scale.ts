/** The schema of autoscaling/v1 Scale, the body of every `/scale` subresource. */
import type { JsonObject } from '../../../core/index.js';

export const scaleDefinition = 'io.k8s.api.autoscaling.v1.Scale';

/** Scale is small and fixed, so unlike other kinds it is described field by field. */
export function scaleSchema(): Record<string, JsonObject> {
  return {
    [scaleDefinition]: {
      type: 'object',
      description: 'Scale represents a scaling request for a resource.',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
        status: {
          type: 'object',
          required: ['replicas'],
          properties: { replicas: { type: 'integer', format: 'int32' }, selector: { type: 'string' } },
        },
      },
      'x-kubernetes-group-version-kind': [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }],
    },
  };
}
