/**
 * OpenAPI v3 as kube-apiserver serves it: `/openapi/v3` is an index of one document per
 * group/version (`api/v1`, `apis/apps/v1`) whose URL carries a hash of its content, so
 * clients (kubectl caches them on disk) refetch exactly when it changed — a CRD added at
 * run time changes its document's hash.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../../core/index.js';
import type { ResourceType } from '../types.js';
import { operationsOf, queryParamType, type Operation } from './openapi-paths.js';
import { kindSchemas } from './openapi-schema.js';
import { scaleSchema } from './openapi-scale.js';
import { servedGroups } from './served.js';

const ref = (name: string) => `#/components/schemas/${name}`;
const jsonBody = (name: string) => ({ schema: { $ref: ref(name) } });

function operation(op: Operation): JsonObject {
  const out: JsonObject = {
    operationId: op.operationId,
    parameters: op.queryParams.map((name) => ({
      name,
      in: 'query',
      schema: { type: queryParamType(name), uniqueItems: true },
    })),
    responses: {
      '200': { description: 'OK', content: { 'application/json': jsonBody(op.response) } },
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
  if (op.request) out.requestBody = { content: { 'application/json': jsonBody(op.request) }, required: true };
  if (op.patchTypes) {
    out.requestBody = {
      content: Object.fromEntries(op.patchTypes.map((m) => [m, { schema: { type: 'object' } }])),
      required: true,
    };
  }
  if (op.action === 'post')
    (out.responses as JsonObject)['201'] = {
      description: 'Created',
      content: { 'application/json': jsonBody(op.response) },
    };
  return out;
}

/** The OpenAPI v3 document of one group/version's resources. */
export function openApiV3Document(types: readonly ResourceType[], version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const schemas: Record<string, JsonObject> = {};
  for (const t of types) {
    Object.assign(schemas, kindSchemas(t, ref, true));
    if (t.scale) Object.assign(schemas, scaleSchema());
    for (const op of operationsOf(t)) {
      const item = (paths[op.path] ??= {
        parameters: op.pathParams.map((name) => ({
          name,
          in: 'path',
          required: true,
          schema: { type: 'string', uniqueItems: true },
        })),
      });
      item[op.method] = operation(op);
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** The index key of a group/version: `api/v1`, `apis/apps/v1`. */
const indexKey = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

/** Every group/version document, keyed as in the index. */
export function openApiV3Documents(
  types: readonly ResourceType[],
  serverVersion: string,
): Map<string, JsonObject> {
  const docs = new Map<string, JsonObject>();
  for (const g of servedGroups(types)) {
    for (const v of g.versions)
      docs.set(indexKey(g.name, v.version), openApiV3Document(v.types, serverVersion));
  }
  return docs;
}

/** The hash in a document's URL: it changes exactly when the document does. */
export function documentHash(doc: JsonObject): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** `/openapi/v3`: where each group/version document is. */
export function openApiV3Index(docs: Map<string, JsonObject>): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const [key, doc] of docs)
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${documentHash(doc)}` };
  return { paths };
}
