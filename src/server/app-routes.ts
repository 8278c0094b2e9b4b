/**
 * The application API: applications, their syncs, rollbacks, diffs, history and logs;
 * projects; destination clusters; Git repository credentials. Plain values in and out —
 * the server reads the request (path, query, JSON body within its limit) and writes the
 * answer; errors are thrown as `CapstanError`s for the server's one error → status table.
 *
 * | route | answer |
 * |---|---|
 * | `GET /api/v1/applications` | 200 `{items: Application[]}` |
 * | `POST /api/v1/applications` (an Application) | 201 the Application; 409 `APP_EXISTS` |
 * | `GET /api/v1/applications/NAME` | 200 the Application |
 * | `PUT /api/v1/applications/NAME` (an Application) | 200 (server-side apply, manager `capstan-api`) |
 * | `DELETE /api/v1/applications/NAME?cascade=true\|false` | 200 `{deleted, cascade}` |
 * | `POST …/NAME/sync {revision?, prune?}` | 202 the Application |
 * | `POST …/NAME/rollback {revision?}` | 202 the Application |
 * | `GET …/NAME/diff?color=true&format=text` | 200 `{revision, objects}`, or the diff as text |
 * | `GET …/NAME/history` | 200 `{items: HistoryEntry[]}` (newest last) |
 * | `GET …/NAME/logs?tail=N` | 200 `{items: [{pod, container, lines}]}` |
 * | `GET …/NAME/reverts` | 200 `{items: GitRevertRecord[]}`: reverts after automatic rollbacks, newest first |
 * | `GET /api/v1/projects`, `GET /api/v1/projects/NAME` | 200 `{items}`, the AppProject |
 * | `GET /api/v1/clusters`, `POST /api/v1/clusters` | 200 `{items}`, 201 the ClusterInfo |
 * | `GET /api/v1/repositories` | 200 `{items: RepositoryInfo[]}` (never a password or token) |
 * | `POST /api/v1/repositories` (a RepositoryRegistration) | 201 the RepositoryInfo; 409 `REPO_EXISTS` |
 * | `DELETE /api/v1/repositories?url=URL` | 200 `{deleted: RepositoryInfo[]}`; 404 `REPO_NOT_FOUND` |
 * | `GET /api/v1/promotions`, `GET /api/v1/promotions/NAME` | 200 `{items}`, the Promotion |
 * | `POST /api/v1/promotions/NAME/promote {from, to, dryRun?, direct?}` | 200 the PromotionOutcome; 409 when refused (`PROMOTION_SOAKING`, …) |
 */
import { CapstanError, previousHealthyRevision, type Application } from '../core/index.js';
import type { DaemonApi } from '../daemon/api.js';
import {
  applicationBody,
  cascadeQuery,
  clusterBody,
  promoteBody,
  repositoryBody,
  repositoryUrlQuery,
  rollbackBody,
  syncBody,
  tailQuery,
} from './request-bodies.js';

/** The field manager of applications written through this API (the CLI's `create` and `set`). */
export const API_FIELD_MANAGER = 'capstan-api';

export interface AppRouteRequest {
  method: string;
  /** the URL's path, still percent-encoded: `/api/v1/applications/shop/sync` */
  path: string;
  query: URLSearchParams;
  /** the parsed JSON body, undefined when there was none */
  body?: unknown;
}

export type AppRouteResponse = { status: number; body: unknown } | { status: number; text: string };

type Handler = (api: DaemonApi, name: string, request: AppRouteRequest) => Promise<AppRouteResponse>;

const ok = (body: unknown, status = 200): AppRouteResponse => ({ status, body });

/** `table[key]` for the table's own keys only: `constructor` or `toString` is no route. */
function own<T>(table: Record<string, T> | undefined, key: string): T | undefined {
  return table && Object.hasOwn(table, key) ? table[key] : undefined;
}

async function existingApplication(api: DaemonApi, name: string): Promise<Application> {
  const app = await api.getApplication(name);
  if (!app) throw new CapstanError('APP_NOT_FOUND', `application "${name}" not found`, { name });
  return app;
}

export { previousHealthyRevision };

/** Routes on one application, by the path segment after its name ('' for the object itself). */
const applicationRoutes: Record<string, Record<string, Handler>> = {
  '': {
    GET: async (api, name) => ok(await existingApplication(api, name)),
    PUT: async (api, name, { body }) =>
      ok(await api.applyApplication(applicationBody(body, name), API_FIELD_MANAGER)),
    DELETE: async (api, name, { query }) => {
      await existingApplication(api, name);
      const cascade = cascadeQuery(query.get('cascade'));
      await api.deleteApplication(name, { cascade });
      return ok({ deleted: name, cascade });
    },
  },
  sync: {
    POST: async (api, name, { body }) => {
      const { revision, prune } = syncBody(body);
      await existingApplication(api, name);
      const app = await api.requestSync(name, {
        intent: revision ? { type: 'revision', revision } : { type: 'follow' },
        reason: 'manual sync (API)',
        ...(prune === undefined ? {} : { prune }),
      });
      return ok(app, 202);
    },
  },
  rollback: {
    POST: async (api, name, { body }) => {
      const requested = rollbackBody(body).revision;
      const app = await existingApplication(api, name);
      const revision =
        requested ?? previousHealthyRevision(await api.history(name), app.status?.sync?.revision);
      if (!revision)
        throw new CapstanError(
          'APP_NO_ROLLBACK_TARGET',
          `application "${name}" has no earlier healthy revision to roll back to; give one from its history`,
          { name },
        );
      const after = await api.requestSync(name, {
        intent: { type: 'rollback', revision },
        reason: 'manual rollback (API)',
      });
      return ok(after, 202);
    },
  },
  diff: {
    GET: async (api, name, { query }) => {
      await existingApplication(api, name);
      const preview = await api.diff(name, { color: query.get('color') === 'true' });
      if (query.get('format') !== 'text') return ok(preview);
      const text = preview.objects
        .map((o) => o.diff)
        .filter(Boolean)
        .join('\n');
      return { status: 200, text };
    },
  },
  history: {
    GET: async (api, name) => {
      await existingApplication(api, name);
      return ok({ items: await api.history(name) });
    },
  },
  reverts: {
    GET: async (api, name) => {
      await existingApplication(api, name);
      return ok({ items: await api.reverts(name) });
    },
  },
  logs: {
    GET: async (api, name, { query }) => {
      const tail = tailQuery(query.get('tail'));
      await existingApplication(api, name);
      return ok({ items: await api.logs(name, { tail }) });
    },
  },
};

/** Routes on a whole collection (no name), and on one member of the small collections. */
const collectionRoutes: Record<
  string,
  Record<string, (api: DaemonApi, request: AppRouteRequest) => Promise<AppRouteResponse>>
> = {
  applications: {
    GET: async (api) => ok({ items: await api.listApplications() }),
    POST: async (api, { body }) => {
      const app = applicationBody(body);
      if (await api.getApplication(app.metadata.name))
        throw new CapstanError(
          'APP_EXISTS',
          `application "${app.metadata.name}" already exists; use PUT to change it`,
          {
            name: app.metadata.name,
          },
        );
      return ok(await api.applyApplication(app, API_FIELD_MANAGER), 201);
    },
  },
  projects: { GET: async (api) => ok({ items: await api.listProjects() }) },
  promotions: { GET: async (api) => ok({ items: await api.listPromotions() }) },
  clusters: {
    GET: async (api) => ok({ items: await api.listClusters() }),
    POST: async (api, { body }) => ok(await api.addCluster(clusterBody(body)), 201),
  },
  repositories: {
    GET: async (api) => ok({ items: await api.listRepositories() }),
    POST: async (api, { body }) => ok(await api.addRepository(repositoryBody(body)), 201),
    DELETE: async (api, { query }) =>
      ok({ deleted: await api.removeRepository(repositoryUrlQuery(query.get('url'))) }),
  },
};

/** Routes on one promotion, by the path segment after its name. */
const promotionRoutes: Record<string, Record<string, Handler>> = {
  '': {
    GET: async (api, name) => {
      const promotion = await api.getPromotion(name);
      if (!promotion)
        throw new CapstanError('PROMOTION_NOT_FOUND', `promotion "${name}" not found`, { name });
      return ok(promotion);
    },
  },
  promote: {
    POST: async (api, name, { body }) => ok(await api.promote(name, promoteBody(body))),
  },
};

async function projectRoute(api: DaemonApi, name: string): Promise<AppRouteResponse> {
  const project = await api.getProject(name);
  if (!project) throw new CapstanError('PROJECT_NOT_FOUND', `project "${name}" not found`, { name });
  return ok(project);
}

/**
 * Answers a request for one of the routes above; undefined when the path and method are
 * none of them (the server answers those). Throws `CapstanError`s for the error table.
 */
export async function handleAppRoute(
  api: DaemonApi,
  request: AppRouteRequest,
): Promise<AppRouteResponse | undefined> {
  const parts = request.path.split('/').filter(Boolean);
  if (parts[0] !== 'api' || parts[1] !== 'v1' || parts.length < 3 || parts.length > 5) return undefined;
  const [, , collection, encodedName, action = ''] = parts;
  let name: string | undefined;
  try {
    name = encodedName === undefined ? undefined : decodeURIComponent(encodedName);
  } catch {
    return undefined; // not a name any route has
  }
  if (name === undefined) return own(own(collectionRoutes, collection), request.method)?.(api, request);
  if (collection === 'applications')
    return own(own(applicationRoutes, action), request.method)?.(api, name, request);
  if (collection === 'promotions')
    return own(own(promotionRoutes, action), request.method)?.(api, name, request);
  if (collection === 'projects' && action === '' && request.method === 'GET') return projectRoute(api, name);
  return undefined;
}
