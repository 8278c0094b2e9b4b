/**
 * The request handler: authentication, the non-resource endpoints (health, version,
 * discovery, OpenAPI), resource routing, and the one place where errors become responses.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonObject } from '../../../core/index.js';
import { aggregatedDiscovery } from './aggregated-discovery.js';
import { bearerChecker, isPublicPath } from './auth.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { discoveryContentType, negotiate, type Output } from './media.js';
import { openApiV2Document } from './openapi-v2.js';
import { openApiV3Documents, openApiV3Index } from './openapi-v3.js';
import { clientOf, OpenStreams } from './open-streams.js';
import { resolveOptions, type ApiHandlerOptions, type ResolvedOptions } from './options.js';
import { writeJson, writeStatus, writeText } from './response.js';
import { serveResource, type ResourceContext } from './resources.js';
import { parseRoute } from './route.js';
import { asApiError, methodNotAllowed, notAcceptable, routeNotFound, unauthorized } from './status.js';

/** Returns the request's promise, so the server's guard sees any failure of its own error path. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A handler plus what a server needs to shut it down. */
export interface ApiHandler {
  handle: RequestListener;
  /** ends every open watch stream */
  closeWatches(): void;
}

const healthPaths = new Set(['/healthz', '/livez', '/readyz']);

function splitUrl(url: string | undefined): { pathname: string; query: URLSearchParams } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q < 0
    ? { pathname: raw, query: new URLSearchParams() }
    : { pathname: raw.slice(0, q), query: new URLSearchParams(raw.slice(q + 1)) };
}

function requireRead(req: IncomingMessage): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
}

function accepted(req: IncomingMessage, offered: Output[]): Output {
  const out = negotiate(req.headers.accept, offered);
  if (!out) throw notAcceptable();
  return out;
}

/** `/api` and `/apis`, aggregated when the client asks for it (kubectl does, with a fallback). */
function serveDiscoveryRoot(
  o: ResolvedOptions,
  req: IncomingMessage,
  res: ServerResponse,
  which: 'core' | 'groups',
): void {
  requireRead(req);
  const out = accepted(req, ['discovery-v2', 'discovery-v2beta1', 'json']);
  const types = o.api.resourceTypes();
  if (out === 'discovery-v2' || out === 'discovery-v2beta1') {
    const doc = aggregatedDiscovery(types, which, out === 'discovery-v2' ? 'v2' : 'v2beta1');
    return writeJson(res, 200, doc, discoveryContentType(out), { Vary: 'Accept' });
  }
  const doc = which === 'core' ? apiVersions(types, req.headers.host ?? '') : apiGroupList(types);
  writeJson(res, 200, doc, 'application/json', { Vary: 'Accept' });
}

function serveJson(req: IncomingMessage, res: ServerResponse, doc: JsonObject | undefined): void {
  requireRead(req);
  accepted(req, ['json']);
  if (!doc) throw routeNotFound();
  writeJson(res, 200, doc);
}

function serveOpenApiV3(
  o: ResolvedOptions,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): void {
  const docs = openApiV3Documents(o.api.resourceTypes(), o.version.gitVersion);
  if (pathname === '/openapi/v3' || pathname === '/openapi/v3/')
    return serveJson(req, res, openApiV3Index(docs));
  return serveJson(req, res, docs.get(pathname.slice('/openapi/v3/'.length)));
}

async function route(
  o: ResolvedOptions,
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  query: URLSearchParams,
): Promise<void> {
  if (healthPaths.has(pathname) || /^\/(healthz|livez|readyz)\/[^/]+$/.test(pathname)) {
    requireRead(req);
    return writeText(res, 200, 'ok');
  }
  if (pathname === '/version') return serveJson(req, res, { ...o.version });
  if (pathname === '/openapi/v2')
    return serveJson(req, res, openApiV2Document(o.api.resourceTypes(), o.version.gitVersion));
  if (pathname.startsWith('/openapi/v3')) return serveOpenApiV3(o, req, res, pathname);

  const r = parseRoute(pathname);
  switch (r.kind) {
    case 'core-versions':
      return serveDiscoveryRoot(o, req, res, 'core');
    case 'groups':
      return serveDiscoveryRoot(o, req, res, 'groups');
    case 'group':
      return serveJson(req, res, apiGroupDocument(o.api.resourceTypes(), r.group));
    case 'resource-list':
      return serveJson(req, res, apiResourceList(o.api.resourceTypes(), r.group, r.version));
    case 'resource':
      return serveResource(ctx, req, res, r.path, query);
    case 'not-found':
      throw routeNotFound();
  }
}

/** Builds the handler and the means to end its watches (startApiServer's close uses it). */
export function createApiHandlerWithWatches(options: ApiHandlerOptions): ApiHandler {
  const o = resolveOptions(options);
  const authorized = o.token ? bearerChecker(o.token) : () => true;
  const streams = new OpenStreams();

  const handle: RequestListener = (req, res) => {
    const { pathname, query } = splitUrl(req.url);
    // only the path: query strings may carry selectors or tokens that do not belong in logs
    const onUnexpected = (e: unknown) =>
      o.logger?.error(
        { err: e, method: req.method, path: pathname },
        'unexpected error serving an API request',
      );
    const ctx: ResourceContext = {
      api: o.api,
      podLogs: o.podLogs,
      maxBodyBytes: o.maxBodyBytes,
      now: o.now,
      onUnexpected,
      track: (end) => streams.track(end),
      watches: {
        track: (end) => streams.trackWatch(clientOf(req), o.maxWatchesPerClient, end),
        bufferBytes: o.watchBufferBytes,
        // kube-apiserver logs this at V(1): a client that cannot keep up is not an error
        onDropped: (queuedBytes) =>
          o.logger?.debug?.(
            { client: clientOf(req), path: pathname, queuedBytes, budget: o.watchBufferBytes },
            'watch dropped: the client fell behind',
          ),
      },
    };
    res.setHeader('Audit-Id', randomUUID());
    const serve = async () => {
      if (!isPublicPath(pathname) && !authorized(req)) throw unauthorized();
      await route(o, ctx, req, res, pathname, query);
    };
    return serve().catch((e: unknown) => {
      const { error, unexpected } = asApiError(e);
      if (unexpected) onUnexpected(e);
      // after a 413 the rest of the upload is not worth keeping the connection for
      writeStatus(res, error, error.code === 413 ? { Connection: 'close' } : {});
    });
  };

  return {
    handle,
    closeWatches: () => streams.endAll(),
  };
}

/** A request listener serving the Kubernetes REST API over `options.api`. */
export function createApiHandler(options: ApiHandlerOptions): RequestListener {
  return createApiHandlerWithWatches(options).handle;
}
