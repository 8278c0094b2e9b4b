/**
 * Resource requests: the verb from the method, path and query (get, list, watch, create,
 * update, patch, delete, deletecollection), checked against the type, then one Api call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { servePodLogs, type PodLogSource } from './pod-logs.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import { badRequest } from '../errors.js';
import type { Api, ApiWatchEvent, Gvr, ResourceType } from '../types.js';
import { decodeBody, objectFormat, patchFormat, readBody } from './body.js';
import { negotiate, type Output } from './media.js';
import { deleteOptions, isWatch, listOptions, watchOptions, writeOptions } from './query.js';
import { writeJson } from './response.js';
import type { ResourcePath } from './route.js';
import { methodNotAllowed, notAcceptable, routeNotFound } from './status.js';
import { includeObjectOf, partialObjectMetadata, partialObjectMetadataList, TablePrinter } from './table.js';
import { serveWatch, type WatchRequest } from './watch.js';

export interface ResourceContext {
  api: Api;
  /** serves pods/log (the node agent's logs); unset: logs are not available */
  podLogs?: PodLogSource;
  maxBodyBytes: number;
  now: () => Date;
  /** tracks a long-running response (followed logs) so the server's close can end it */
  track: (end: () => void) => () => void;
  /** how this client's watches are counted, bounded and reported */
  watches: Pick<WatchRequest, 'track' | 'bufferBytes' | 'onDropped'>;
  onUnexpected: (e: unknown) => void;
}

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  type: ResourceType;
  gvr: Gvr;
  namespace: string | undefined;
  name: string | undefined;
  subresource: 'status' | 'scale' | undefined;
}

function requireVerb(type: ResourceType, verb: string): void {
  if (!type.verbs.includes(verb)) throw methodNotAllowed();
}

function subresourceOf(type: ResourceType, sub: string | undefined): 'status' | 'scale' | undefined {
  if (sub === undefined || (sub === 'log' && type.group === '' && type.resource === 'pods')) return undefined;
  if (sub === 'status' && type.status) return 'status';
  if (sub === 'scale' && type.scale) return 'scale';
  throw routeNotFound();
}

/** Serves one request to a resource path. */
export async function serveResource(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: ResourcePath,
  query: URLSearchParams,
): Promise<void> {
  const gvr: Gvr = { group: path.group, version: path.version, resource: path.resource };
  const type = ctx.api.lookup(gvr);
  if (!type) throw routeNotFound();
  // a cluster-scoped resource has no namespaced path; a namespaced one has a name only inside a namespace
  if (path.namespace !== undefined && !type.namespaced) throw routeNotFound();
  if (type.namespaced && path.namespace === undefined && path.name !== undefined) throw routeNotFound();
  const r: Request = {
    req,
    res,
    query,
    type,
    gvr,
    namespace: type.namespaced ? path.namespace : undefined,
    name: path.name,
    subresource: subresourceOf(type, path.subresource),
  };
  if (r.subresource && r.name === undefined) throw routeNotFound();

  const method = req.method ?? 'GET';
  if (
    path.subresource === 'log' &&
    type.group === '' &&
    type.resource === 'pods' &&
    path.name !== undefined
  ) {
    if (method !== 'GET') throw methodNotAllowed();
    const pod = ctx.api.get(gvr, r.namespace, path.name);
    return servePodLogs(pod, query, res, ctx.podLogs, ctx.track);
  }
  if (path.watchPrefix) {
    if (method !== 'GET' || r.subresource) throw methodNotAllowed();
    return startWatch(ctx, r);
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (isWatch(query) && !r.subresource) return startWatch(ctx, r);
      return r.name === undefined ? list(ctx, r) : get(ctx, r);
    case 'POST':
      // no subresource here takes POST (eviction, binding are not served), nor a list across namespaces
      if (r.name !== undefined || (type.namespaced && r.namespace === undefined)) throw methodNotAllowed();
      return create(ctx, r);
    case 'PUT':
      if (r.name === undefined) throw methodNotAllowed();
      return update(ctx, r);
    case 'PATCH':
      if (r.name === undefined) throw methodNotAllowed();
      return patch(ctx, r);
    case 'DELETE':
      if (r.subresource) throw methodNotAllowed();
      return r.name === undefined ? deleteCollection(ctx, r) : remove(ctx, r);
    default:
      throw methodNotAllowed();
  }
}

function outputFor(r: Request, offered: Output[]): Output {
  const out = negotiate(r.req.headers.accept, offered);
  if (!out) throw notAcceptable();
  return out;
}

function printer(ctx: ResourceContext, r: Request): TablePrinter {
  return new TablePrinter(r.type, includeObjectOf(r.query), ctx.now, r.subresource !== 'scale');
}

function get(ctx: ResourceContext, r: Request): void {
  requireVerb(r.type, 'get');
  const out = outputFor(r, ['json', 'table', 'partial-object']);
  const obj = ctx.api.get(r.gvr, r.namespace, r.name!, r.subresource);
  if (out === 'table') return writeJson(r.res, 200, printer(ctx, r).ofObject(obj));
  writeJson(r.res, 200, out === 'partial-object' ? partialObjectMetadata(obj) : obj);
}

function list(ctx: ResourceContext, r: Request): void {
  requireVerb(r.type, 'list');
  const out = outputFor(r, ['json', 'table', 'partial-list']);
  const result = ctx.api.list(r.gvr, r.namespace, listOptions(r.query));
  if (out === 'table') return writeJson(r.res, 200, printer(ctx, r).ofList(result));
  writeJson(r.res, 200, out === 'partial-list' ? partialObjectMetadataList(result) : result);
}

function startWatch(ctx: ResourceContext, r: Request): void {
  requireVerb(r.type, 'watch');
  const out = outputFor(r, ['json', 'table', 'partial-object', 'partial-list']);
  const options = watchOptions(r.query);
  if (r.name !== undefined) {
    // watching one object is watching its collection restricted to its name
    const byName = `metadata.name=${r.name}`;
    options.fieldSelector = options.fieldSelector ? `${options.fieldSelector},${byName}` : byName;
  }
  const table = out === 'table' ? printer(ctx, r) : undefined;
  const render = (event: ApiWatchEvent, first: boolean): JsonObject => {
    if (table) {
      // bookmarks carry only a resourceVersion: an empty table says as much
      if (event.type === 'BOOKMARK')
        return table.table([], isJsonObject(event.object.metadata) ? event.object.metadata : {}, first);
      return table.ofObject(event.object, first);
    }
    return out === 'json' ? event.object : partialObjectMetadata(event.object);
  };
  serveWatch(r.req, r.res, {
    api: ctx.api,
    gvr: r.gvr,
    namespace: r.namespace,
    options,
    render,
    ...ctx.watches,
    onUnexpected: ctx.onUnexpected,
  });
}

async function objectBody(ctx: ResourceContext, r: Request): Promise<JsonObject> {
  const format = objectFormat(r.req.headers['content-type']);
  const raw = await readBody(r.req, ctx.maxBodyBytes);
  if (raw.length === 0) throw badRequest('the request body is empty: an object is required');
  const body = decodeBody(raw, format);
  if (!isJsonObject(body)) throw badRequest('the request body must be a JSON object');
  return body;
}

/**
 * Makes the body agree with the URL as the real server requires: a missing namespace (or
 * name, on update) comes from the URL, a different one is refused; so are a different
 * apiVersion or kind on the resource itself.
 */
function reconcileWithUrl(r: Request, body: JsonObject): void {
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  if (!isJsonObject(body.metadata)) throw badRequest('metadata must be an object');
  const meta = body.metadata;
  if (r.type.namespaced) {
    if (meta.namespace === undefined || meta.namespace === '') meta.namespace = r.namespace!;
    else if (meta.namespace !== r.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }
  if (r.name !== undefined) {
    if (meta.name === undefined || meta.name === '') meta.name = r.name;
    else if (meta.name !== r.name) {
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${r.name})`,
      );
    }
  }
  if (r.subresource === 'scale') return;
  const apiVersion = r.type.group ? `${r.type.group}/${r.type.version}` : r.type.version;
  if (body.apiVersion === undefined || body.apiVersion === '') body.apiVersion = apiVersion;
  else if (body.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  if (body.kind === undefined || body.kind === '') body.kind = r.type.kind;
  else if (body.kind !== r.type.kind) {
    throw badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${r.type.kind})`,
    );
  }
}

function writeOpts(r: Request) {
  const options = writeOptions(r.query);
  if (r.subresource) options.subresource = r.subresource;
  return options;
}

async function create(ctx: ResourceContext, r: Request): Promise<void> {
  requireVerb(r.type, 'create');
  outputFor(r, ['json']);
  const options = writeOpts(r);
  const body = await objectBody(ctx, r);
  reconcileWithUrl(r, body);
  writeJson(r.res, 201, await ctx.api.create(r.gvr, r.namespace, body, options));
}

async function update(ctx: ResourceContext, r: Request): Promise<void> {
  requireVerb(r.type, 'update');
  outputFor(r, ['json']);
  const options = writeOpts(r);
  const body = await objectBody(ctx, r);
  reconcileWithUrl(r, body);
  writeJson(r.res, 200, await ctx.api.update(r.gvr, r.namespace, r.name!, body, options));
}

async function patch(ctx: ResourceContext, r: Request): Promise<void> {
  requireVerb(r.type, 'patch');
  outputFor(r, ['json']);
  const { type, format } = patchFormat(r.req.headers['content-type']);
  const options = writeOpts(r);
  const raw = await readBody(r.req, ctx.maxBodyBytes);
  if (raw.length === 0) throw badRequest('the request body is empty: a patch is required');
  const body = decodeBody(raw, format);
  writeJson(r.res, 200, await ctx.api.patch(r.gvr, r.namespace, r.name!, type, body, options));
}

async function optionalBody(ctx: ResourceContext, r: Request): Promise<JsonValue | undefined> {
  const raw = await readBody(r.req, ctx.maxBodyBytes);
  if (raw.length === 0) return undefined;
  return decodeBody(raw, objectFormat(r.req.headers['content-type']));
}

async function remove(ctx: ResourceContext, r: Request): Promise<void> {
  requireVerb(r.type, 'delete');
  outputFor(r, ['json']);
  const options = deleteOptions(r.query, await optionalBody(ctx, r));
  writeJson(r.res, 200, await ctx.api.delete(r.gvr, r.namespace, r.name!, options));
}

async function deleteCollection(ctx: ResourceContext, r: Request): Promise<void> {
  requireVerb(r.type, 'deletecollection');
  if (r.type.namespaced && r.namespace === undefined) throw methodNotAllowed();
  outputFor(r, ['json']);
  const selection = listOptions(r.query);
  const options = deleteOptions(r.query, await optionalBody(ctx, r));
  writeJson(r.res, 200, await ctx.api.deleteCollection(r.gvr, r.namespace, selection, options));
}
