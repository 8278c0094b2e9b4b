/**
 * The REST operations of each resource type, independent of the OpenAPI version that
 * renders them. kubectl reads these: `kubectl apply` checks that the PATCH operation of a
 * kind (found by its `x-kubernetes-group-version-kind`) takes `fieldValidation` before it
 * relies on server-side validation (cli-runtime's query_param_verifier_v3.go).
 */
import type { ResourceType } from '../types.js';
import { scaleDefinition } from './openapi-scale.js';
import { definitionName } from './openapi-schema.js';
import { subresourcesOf } from './served.js';

export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

export interface Operation {
  path: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  action: Action;
  operationId: string;
  gvk: { group: string; version: string; kind: string };
  /** definition name of the response body */
  response: string;
  /** definition name of the request body (create, update) */
  request?: string;
  /** patch media types accepted */
  patchTypes?: string[];
  pathParams: string[];
  queryParams: string[];
}

const writeParams = ['dryRun', 'fieldManager', 'fieldValidation'];
const listParams = [
  'labelSelector',
  'fieldSelector',
  'limit',
  'continue',
  'resourceVersion',
  'timeoutSeconds',
  'watch',
];
const deleteParams = ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'];

/**
 * Patch types announced per kind. Strategic merge is deliberately left out: kubectl
 * computes an apply patch from the OpenAPI v3 schema when the operation lists it, and our
 * open schemas carry no `x-kubernetes-patch-merge-key`, so lists would be patched as
 * atomic. Without it kubectl falls back to its compiled-in types for built-in kinds (right
 * merge keys) and to a JSON merge patch for custom ones — what a real cluster gives it.
 */
const announcedPatchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/** Every operation of one resource type, over the paths kube-apiserver serves it at. */
export function operationsOf(t: ResourceType): Operation[] {
  const prefix = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const scoped = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.resource}` : `${prefix}/${t.resource}`;
  const scopeParams = t.namespaced ? ['namespace'] : [];
  const idPart = `${pascal(t.group.split('.')[0] || 'core')}${pascal(t.version)}${t.namespaced ? 'Namespaced' : ''}`;
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const item = definitionName(t);
  const list = definitionName(t, t.listKind);
  const can = (verb: string) => t.verbs.includes(verb);
  const ops: Operation[] = [];
  const add = (op: Omit<Operation, 'gvk'> & { gvk?: Operation['gvk'] }) => ops.push({ gvk, ...op });

  if (can('list')) {
    const base = { method: 'get' as const, action: 'list' as const, response: list, queryParams: listParams };
    add({ ...base, path: scoped, operationId: `list${idPart}${t.kind}`, pathParams: scopeParams });
    if (t.namespaced) {
      add({
        ...base,
        path: `${prefix}/${t.resource}`,
        operationId: `list${idPart}${t.kind}ForAllNamespaces`,
        pathParams: [],
      });
    }
  }
  if (can('create')) {
    add({
      path: scoped,
      method: 'post',
      action: 'post',
      operationId: `create${idPart}${t.kind}`,
      response: item,
      request: item,
      pathParams: scopeParams,
      queryParams: writeParams,
    });
  }
  if (can('deletecollection')) {
    add({
      path: scoped,
      method: 'delete',
      action: 'deletecollection',
      operationId: `deleteCollection${idPart}${t.kind}`,
      response: item,
      pathParams: scopeParams,
      queryParams: [...deleteParams, ...listParams],
    });
  }
  const named = `${scoped}/{name}`;
  const namedParams = [...scopeParams, 'name'];
  if (can('get'))
    add({
      path: named,
      method: 'get',
      action: 'get',
      operationId: `read${idPart}${t.kind}`,
      response: item,
      pathParams: namedParams,
      queryParams: [],
    });
  if (can('update'))
    add({
      path: named,
      method: 'put',
      action: 'put',
      operationId: `replace${idPart}${t.kind}`,
      response: item,
      request: item,
      pathParams: namedParams,
      queryParams: writeParams,
    });
  if (can('patch'))
    add({
      path: named,
      method: 'patch',
      action: 'patch',
      operationId: `patch${idPart}${t.kind}`,
      response: item,
      patchTypes: announcedPatchTypes,
      pathParams: namedParams,
      queryParams: [...writeParams, 'force'],
    });
  if (can('delete'))
    add({
      path: named,
      method: 'delete',
      action: 'delete',
      operationId: `delete${idPart}${t.kind}`,
      response: item,
      pathParams: namedParams,
      queryParams: deleteParams,
    });

  for (const sub of subresourcesOf(t)) {
    const path = `${named}/${sub.name}`;
    const subGvk = { group: sub.group, version: sub.version, kind: sub.kind };
    const body = sub.name === 'scale' ? scaleDefinition : item;
    const id = `${idPart}${t.kind}${pascal(sub.name)}`;
    if (can('get'))
      add({
        path,
        method: 'get',
        action: 'get',
        operationId: `read${id}`,
        gvk: subGvk,
        response: body,
        pathParams: namedParams,
        queryParams: [],
      });
    if (can('update'))
      add({
        path,
        method: 'put',
        action: 'put',
        operationId: `replace${id}`,
        gvk: subGvk,
        response: body,
        request: body,
        pathParams: namedParams,
        queryParams: writeParams,
      });
    if (can('patch'))
      add({
        path,
        method: 'patch',
        action: 'patch',
        operationId: `patch${id}`,
        gvk: subGvk,
        response: body,
        patchTypes: announcedPatchTypes,
        pathParams: namedParams,
        queryParams: [...writeParams, 'force'],
      });
  }
  return ops;
}

/** The description of a query parameter, and whether it is a boolean or integer. */
export function queryParamType(name: string): 'string' | 'boolean' | 'integer' {
  if (name === 'watch' || name === 'force') return 'boolean';
  if (name === 'limit' || name === 'timeoutSeconds' || name === 'gracePeriodSeconds') return 'integer';
  return 'string';
}
