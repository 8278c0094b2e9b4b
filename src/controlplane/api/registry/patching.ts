/**
 * The four PATCH content types, applied to the current object: JSON patch (RFC 6902),
 * JSON merge patch (RFC 7386), strategic merge patch (apimachinery semantics) and
 * server-side apply. Errors come back as kube-apiserver words them.
 */
import { gvkOf, isCapstanError, isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import { applyJsonPatch, jsonMergePatch, strategicMergePatch } from '../../../merge/index.js';
import { serverSideApply } from '../apply/index.js';
import { ApiError, badRequest } from '../errors.js';
import type { PatchType, ResourceType, WriteOptions } from '../types.js';
import { copy } from './convert.js';
import { apiVersionOf } from './type-registry.js';

function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

/** Returns the patched object (a new value; `current` is not changed). */
export function applyPatch(
  type: ResourceType,
  current: JsonObject | undefined,
  patchType: PatchType,
  body: JsonValue,
  options: WriteOptions,
  now: Date,
  name: string,
  namespace: string | undefined,
): JsonObject {
  try {
    switch (patchType) {
      case 'json': {
        if (!Array.isArray(body))
          throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        return applyJsonPatch(copy(current ?? {}), body) as JsonObject;
      }
      case 'merge': {
        if (!isJsonObject(body)) throw badRequest('a merge patch must be a JSON object');
        const out = jsonMergePatch(copy(current ?? {}), body);
        if (!isJsonObject(out)) throw unprocessable('the merge patch did not produce an object');
        return out;
      }
      case 'strategic': {
        if (!isJsonObject(body)) throw badRequest('a strategic merge patch must be a JSON object');
        const out = strategicMergePatch(current ?? {}, body, {
          mode: 'apiserver',
          gvk: gvkOf(current ?? body),
        });
        return out ?? {};
      }
      case 'apply':
        return applyConfiguration(type, current, body, options, now, name, namespace);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (isCapstanError(e)) throw unprocessable(e.message);
    throw e;
  }
}

function applyConfiguration(
  type: ResourceType,
  current: JsonObject | undefined,
  body: JsonValue,
  options: WriteOptions,
  now: Date,
  name: string,
  namespace: string | undefined,
): JsonObject {
  if (!options.fieldManager) {
    throw badRequest('PATCH, application/apply-patch+yaml requests must specify a fieldManager');
  }
  if (!isJsonObject(body)) throw badRequest('the apply configuration must be an object');
  if (typeof body.apiVersion !== 'string' || body.apiVersion === '')
    throw badRequest('apiVersion must be set in apply patch');
  if (typeof body.kind !== 'string' || body.kind === '') throw badRequest('kind must be set in apply patch');
  if (body.apiVersion !== apiVersionOf(type) || body.kind !== type.kind) {
    throw badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`,
    );
  }
  const meta = isJsonObject(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  const applied: JsonObject = { ...copy(body), metadata: { ...copy(meta), name } };
  if (type.namespaced && namespace) (applied.metadata as JsonObject).namespace = namespace;
  return serverSideApply({
    live: current,
    applied,
    manager: options.fieldManager,
    force: options.force === true,
    gvk: gvkOf(applied),
    subresource: options.subresource === 'status' ? 'status' : undefined,
    now,
  });
}
