/**
 * The application API (src/server/app-routes.ts) on a real loopback HTTP server, over an
 * in-test `DaemonApi` whose applications live in a Map: for the routes', the client's and
 * the CLI's tests, without a daemon. The server here does what src/server/ does around
 * the routes: bearer token, JSON body, the error table.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CAPSTAN_API_VERSION,
  CapstanError,
  isCapstanError,
  type Application,
  type ApplicationStatusBody,
  type AppProject,
  type HistoryEntry,
  type OperationState,
  type Promotion,
} from '../../src/core/index.js';
import type {
  ClusterInfo,
  ClusterRegistration,
  DaemonApi,
  PromoteRequest,
  PromotionOutcome,
  RepositoryInfo,
  RepositoryRegistration,
  SyncRequestOptions,
  WebhookOutcome,
} from '../../src/daemon/api.js';
import { handleAppRoute } from '../../src/server/app-routes.js';
import { statusOf } from '../../src/server/errors.js';
import type { ObjectPreview } from '../../src/sync/index.js';
import type { GitRevertRecord } from '../../src/daemon/state/state-store.js';

export function application(name: string, status: ApplicationStatusBody = {}): Application {
  return {
    apiVersion: CAPSTAN_API_VERSION,
    kind: 'Application',
    metadata: { name, creationTimestamp: new Date(Date.now() - 3_600_000).toISOString() },
    spec: {
      project: 'default',
      source: { repoURL: `http://git.example/${name}.git`, targetRevision: 'main', path: 'deploy' },
      destination: { cluster: 'in-process', namespace: name },
    },
    status,
  };
}

export type Call = { method: keyof DaemonApi; args: unknown[] };

/**
 * A DaemonApi over Maps. After `requestSync`, each `getApplication` of that application
 * moves its status one step along `progress.get(name)` (when given): a sync that advances
 * as the CLI polls, with no timers.
 */
export class FakeDaemon implements DaemonApi {
  readonly apps = new Map<string, Application>();
  readonly histories = new Map<string, HistoryEntry[]>();
  readonly diffs = new Map<string, { revision: string; objects: ObjectPreview[] }>();
  readonly progress = new Map<
    string,
    Array<Omit<ApplicationStatusBody, 'operationState'> & { operationState?: Partial<OperationState> }>
  >();
  readonly projects = new Map<string, AppProject>();
  readonly clusters: ClusterInfo[] = [{ name: 'in-process', server: 'in-process', origin: 'builtin' }];
  readonly calls: Call[] = [];
  private readonly steps = new Map<
    string,
    Array<Omit<ApplicationStatusBody, 'operationState'> & { operationState?: Partial<OperationState> }>
  >();
  private operations = 0;

  callsOf(method: keyof DaemonApi): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private record(method: keyof DaemonApi, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  async listApplications(): Promise<Application[]> {
    this.record('listApplications');
    return [...this.apps.values()];
  }

  async getApplication(name: string): Promise<Application | undefined> {
    this.record('getApplication', name);
    const app = this.apps.get(name);
    const next = this.steps.get(name)?.shift();
    if (app && next) {
      // a step's operationState changes the running operation's fields, not replaces it
      const { operationState, ...rest } = next;
      const op = { ...app.status!.operationState!, ...operationState };
      app.status = { ...app.status, ...rest, operationState: op };
    }
    return app && structuredClone(app);
  }

  async applyApplication(app: Application, fieldManager: string): Promise<Application> {
    this.record('applyApplication', app, fieldManager);
    const stored = { ...structuredClone(app), status: this.apps.get(app.metadata.name)?.status ?? {} };
    this.apps.set(app.metadata.name, stored);
    return structuredClone(stored);
  }

  async deleteApplication(name: string, options?: { cascade?: boolean }): Promise<void> {
    this.record('deleteApplication', name, options);
    this.apps.delete(name);
  }

  async requestSync(name: string, options: SyncRequestOptions): Promise<Application> {
    this.record('requestSync', name, options);
    const app = this.apps.get(name)!;
    const revision = options.intent.type === 'follow' ? undefined : options.intent.revision;
    app.status = {
      ...app.status,
      operationState: {
        intent: options.intent,
        reason: options.reason,
        phase: 'Running',
        revision,
        message: 'queued',
        // a new operation: distinct from any before it
        startedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, ++this.operations)).toISOString(),
      },
    };
    this.steps.set(name, structuredClone(this.progress.get(name) ?? []));
    return structuredClone(app);
  }

  async diff(name: string, options?: { color?: boolean }) {
    this.record('diff', name, options);
    return this.diffs.get(name) ?? { revision: 'f'.repeat(40), objects: [] };
  }

  async history(name: string): Promise<HistoryEntry[]> {
    this.record('history', name);
    return this.histories.get(name) ?? [];
  }

  /** what `reverts` answers, by application */
  readonly revertRecords = new Map<string, GitRevertRecord[]>();

  async reverts(name: string): Promise<GitRevertRecord[]> {
    this.record('reverts', name);
    return this.revertRecords.get(name) ?? [];
  }

  async listProjects(): Promise<AppProject[]> {
    return [...this.projects.values()];
  }

  async getProject(name: string): Promise<AppProject | undefined> {
    return this.projects.get(name);
  }

  async listClusters(): Promise<ClusterInfo[]> {
    return this.clusters;
  }

  async addCluster(registration: ClusterRegistration): Promise<ClusterInfo> {
    this.record('addCluster', registration);
    const info: ClusterInfo = {
      name: registration.name,
      server: 'server' in registration ? registration.server : 'https://from-kubeconfig.example',
      origin: 'secret',
    };
    this.clusters.push(info);
    return info;
  }

  readonly repositories: RepositoryInfo[] = [];

  async listRepositories(): Promise<RepositoryInfo[]> {
    return this.repositories;
  }

  async addRepository(registration: RepositoryRegistration): Promise<RepositoryInfo> {
    this.record('addRepository', registration);
    const type = registration.template ? 'template' : 'repository';
    const info: RepositoryInfo = {
      url: registration.url,
      type,
      secret: `capstan-system/${type}-${this.repositories.length}`,
      ...(registration.bearerToken
        ? { auth: 'bearer' }
        : {
            username: registration.username ?? 'x-access-token',
            auth: registration.token ? 'token' : 'password',
          }),
    };
    this.repositories.push(info);
    return info;
  }

  async removeRepository(url: string): Promise<RepositoryInfo[]> {
    this.record('removeRepository', url);
    const gone = this.repositories.filter((r) => r.url === url);
    if (gone.length === 0)
      throw new CapstanError('REPO_NOT_FOUND', `no credentials are registered for ${url}`);
    for (const r of gone) this.repositories.splice(this.repositories.indexOf(r), 1);
    return gone;
  }

  async logs(name: string, options?: { tail?: number }) {
    this.record('logs', name, options);
    return [{ pod: `${name}-web-1`, container: 'web', lines: ['listening on :8080', 'GET / 200'] }];
  }

  readonly promotions = new Map<string, Promotion>();
  /** what `promote` answers, by promotion name; a CapstanError is thrown instead */
  readonly promoteOutcomes = new Map<string, PromotionOutcome | CapstanError>();

  async listPromotions(): Promise<Promotion[]> {
    return [...this.promotions.values()];
  }

  async getPromotion(name: string): Promise<Promotion | undefined> {
    return this.promotions.get(name);
  }

  async promote(name: string, request: PromoteRequest): Promise<PromotionOutcome> {
    this.record('promote', name, request);
    const outcome = this.promoteOutcomes.get(name);
    if (!outcome) throw new CapstanError('PROMOTION_NOT_FOUND', `promotion "${name}" not found`);
    if (outcome instanceof CapstanError) throw outcome;
    return structuredClone(outcome);
  }

  async pullRequests() {
    return [];
  }

  async receiveWebhook(): Promise<WebhookOutcome> {
    throw new Error('not served here');
  }
}

async function jsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export interface AppApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startAppApiServer(api: DaemonApi, token: string): Promise<AppApiServer> {
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(401, { error: 'a valid bearer token is required', code: 'API_UNAUTHORIZED' });
    const url = new URL(req.url!, 'http://capstan');
    try {
      const answer = await handleAppRoute(api, {
        method: req.method!,
        path: url.pathname,
        query: url.searchParams,
        body: await jsonBody(req),
      });
      if (!answer) return send(404, { error: `no route for ${url.pathname}`, code: 'API_NOT_FOUND' });
      if ('text' in answer) {
        res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end(answer.text);
      }
      send(answer.status, answer.body);
    } catch (e) {
      if (!isCapstanError(e)) return send(500, { error: String(e) });
      const { status, body } = statusOf(e);
      send(status, body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
