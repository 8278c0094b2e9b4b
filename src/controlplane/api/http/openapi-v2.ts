/**
 * `/openapi/v2`: one Swagger 2.0 document for every served kind. Only JSON is offered;
 * clients asking for the protobuf form alone (kubectl does, for client-side apply
 * patches) get 406 and fall back, as they do against servers without it.
 */
import type { JsonObject } from '../../../core/index.js';
import type { ResourceType } from '../types.js';
import { operationsOf, queryParamType, type Operation } from './openapi-paths.js';
import { scaleSchema } from './openapi-scale.js';
import { kindSchemas } from './openapi-schema.js';

const ref = (name: string) => `#/definitions/${name}`;

function operation(op: Operation, strategic: boolean): JsonObject {
  const parameters: JsonObject[] = op.queryParams.map((name) => ({
    name,
    in: 'query',
    type: queryParamType(name),
    uniqueItems: true,
  }));
  if (op.request)
    parameters.unshift({ name: 'body', in: 'body', required: true, schema: { $ref: ref(op.request) } });
  if (op.patchTypes)
    parameters.unshift({ name: 'body', in: 'body', required: true, schema: { type: 'object' } });
  const out: JsonObject = {
    operationId: op.operationId,
    consumes: op.patchTypes
      ? // v2 is informational only (kubectl reads it as protobuf): it may say what the server accepts
        [...op.patchTypes, ...(strategic ? ['application/strategic-merge-patch+json'] : [])]
      : ['*/*'],
    produces: ['application/json', 'application/yaml'],
    schemes: ['https'],
    parameters,
    responses: {
      '200': { description: 'OK', schema: { $ref: ref(op.response) } },
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
  return out;
}

/** The Swagger 2.0 document of every served resource. */
export function openApiV2Document(types: readonly ResourceType[], version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const definitions: Record<string, JsonObject> = {};
  for (const t of types) {
    Object.assign(definitions, kindSchemas(t, ref));
    if (t.scale) Object.assign(definitions, scaleSchema());
    for (const op of operationsOf(t)) {
      const item = (paths[op.path] ??= {
        parameters: op.pathParams.map((name) => ({
          name,
          in: 'path',
          required: true,
          type: 'string',
          uniqueItems: true,
        })),
      });
      item[op.method] = operation(op, !t.custom);
    }
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths,
    definitions,
    securityDefinitions: {
      BearerToken: {
        type: 'apiKey',
        name: 'authorization',
        in: 'header',
        description: 'Bearer Token authentication',
      },
    },
    security: [{ BearerToken: [] }],
  };
}
