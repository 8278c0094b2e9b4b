/**
 * Capstan (control plane, daemon and its HTTP API) over a real Git server, for the leak
 * tests: they sync failing or credentialed applications, then scan everything Capstan
 * shows for what must not appear. `outputs()` gathers those places: the API's answers, the
 * Application objects as the control plane holds them (status, conditions, operationState,
 * history), the state store's tables, the control plane's Events and the log.
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../src/boot/index.js';
import type { Application, DaemonConfig } from '../../src/core/index.js';
import type { Daemon, SyncRecord } from '../../src/daemon/index.js';
import type { Server } from '../../src/server/index.js';
import { createBareRepo, GitServer, WorkTree, type GitServerOptions } from '../helpers/git-server.js';

export const APPLICATIONS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };

export interface DaemonUnderTest {
  gitServer: GitServer;
  capstan: Capstan;
  daemon: Daemon;
  server: Server;
  /** every log line as `level {fields} message` (the daemon's and the server's) */
  logLines: string[];
  /** the Application as the control plane holds it (credentials and all), undefined when there is none */
  application(name: string): Application | undefined;
  /** the application's finished syncs, newest first */
  finishedSyncs(name: string): SyncRecord[];
  /** `<route> → <status>: <body>` of a GET with the API token */
  get(route: string): Promise<string>;
  /**
   * [where, text] for the API's answers (each app × route), the Applications' status and
   * metadata in the control plane, the state store's tables, Events and the log
   */
  outputs(
    apps: readonly string[],
    routes: readonly string[],
    tables: readonly string[],
  ): Promise<Array<[string, string]>>;
  close(): Promise<void>;
}

export interface DaemonUnderTestOptions {
  /** a name for the temporary directory */
  name: string;
  auth?: GitServerOptions['auth'];
  /** the files of `app.git`'s one commit on main */
  files: Record<string, string>;
  /** the applications, given the server (for repository URLs) */
  applications: (gitServer: GitServer) => DaemonConfig['applications'];
}

export async function startDaemonUnderTest(o: DaemonUnderTestOptions): Promise<DaemonUnderTest> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `capstan-${o.name}-`));
  const gitServer = new GitServer({ root: path.join(root, 'repos'), ...(o.auth ? { auth: o.auth } : {}) });
  await gitServer.start();
  const work = new WorkTree(createBareRepo(gitServer.root, 'app.git'));
  work.commit(o.files, 'v1');
  work.push();
  const logLines: string[] = [];
  const capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 'daemon-under-test-token',
    runtime: 'simulated',
    server: { port: 0 },
    config: {
      server: {},
      queue: {},
      webhooks: { secrets: {} },
      pollIntervalMs: 200,
      applications: o.applications(gitServer),
    },
    // fields too: a value may hide in a structured field as well as in the message
    log: (level, fields, msg) => logLines.push(`${level} ${JSON.stringify(fields)} ${msg}`),
  });
  const daemon = capstan.daemon!;
  const server = capstan.server!;
  const api = capstan.controlPlane.api;
  const get = async (route: string) => {
    const res = await fetch(`${server.url}${route}`, {
      headers: { authorization: `Bearer ${capstan.controlPlane.token}` },
    });
    return `${route} → ${res.status}: ${await res.text()}`;
  };
  const application = (name: string) => {
    try {
      return api.get(APPLICATIONS, undefined, name) as unknown as Application;
    } catch {
      return undefined;
    }
  };
  return {
    gitServer,
    capstan,
    daemon,
    server,
    logLines,
    application,
    finishedSyncs: (name) => daemon.state.syncs(name, 1000).filter((s) => s.finishedAt !== undefined),
    get,
    async outputs(apps, routes, tables) {
      const out: Array<[string, string]> = [['GET /applications', await get('/api/v1/applications')]];
      for (const name of apps) {
        for (const route of routes)
          out.push([`GET ${name}${route}`, await get(`/api/v1/applications/${name}${route}`)]);
        // what `kubectl get application NAME -o yaml` shows, its spec aside (the user's input)
        const { spec: _spec, ...rest } = application(name) ?? ({} as Partial<Application>);
        out.push([`Application ${name} (control plane)`, JSON.stringify(rest)]);
      }
      const db = new BetterSqlite3(path.join(capstan.dataDir, 'daemon', 'daemon.db'), { readonly: true });
      try {
        for (const table of tables)
          out.push([`table ${table}`, JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all())]);
      } finally {
        db.close();
      }
      out.push([
        'Events',
        JSON.stringify(api.list({ group: '', version: 'v1', resource: 'events' }, undefined)),
      ]);
      out.push(['log', logLines.join('\n')]);
      return out;
    },
    async close() {
      await capstan.close();
      await gitServer.stop();
      work.remove();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
