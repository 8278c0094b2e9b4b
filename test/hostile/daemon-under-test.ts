/**
 * A daemon and its HTTP API over a real Git server, for the leak tests: they sync failing
 * or credentialed applications, then scan everything the daemon shows for what must not
 * appear. `outputs()` gathers those places: the API's answers, the state store's tables,
 * the control plane's Events and the log.
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DaemonConfig } from '../../src/core/index.js';
import { startDaemon, type Daemon } from '../../src/daemon/index.js';
import { startServer, type Server } from '../../src/server/index.js';
import { createBareRepo, GitServer, WorkTree, type GitServerOptions } from '../helpers/git-server.js';

export interface DaemonUnderTest {
  gitServer: GitServer;
  daemon: Daemon;
  server: Server;
  logLines: string[];
  /** `<route> → <status>: <body>` of a GET with the API token */
  get(route: string): Promise<string>;
  /** [where, text] for the API's answers (each app × route), the state store's tables, Events and the log */
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

const TOKEN = 'daemon-under-test-token';

export async function startDaemonUnderTest(o: DaemonUnderTestOptions): Promise<DaemonUnderTest> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `capstan-${o.name}-`));
  const gitServer = new GitServer({ root: path.join(root, 'repos'), ...(o.auth ? { auth: o.auth } : {}) });
  await gitServer.start();
  const work = new WorkTree(createBareRepo(gitServer.root, 'app.git'));
  work.commit(o.files, 'v1');
  work.push();
  const logLines: string[] = [];
  const daemon = await startDaemon({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    config: { server: {}, queue: {}, webhooks: { secrets: {} }, applications: o.applications(gitServer) },
    pollMs: 100,
    log: (line) => logLines.push(line),
  });
  const server = await startServer({ daemon, token: TOKEN, port: 0 });
  const get = async (route: string) => {
    const res = await fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return `${route} → ${res.status}: ${await res.text()}`;
  };
  return {
    gitServer,
    daemon,
    server,
    logLines,
    get,
    async outputs(apps, routes, tables) {
      const out: Array<[string, string]> = [['GET /applications', await get('/api/v1/applications')]];
      for (const name of apps)
        for (const route of routes)
          out.push([`GET ${name}${route}`, await get(`/api/v1/applications/${name}${route}`)]);
      const db = new BetterSqlite3(path.join(root, 'data', 'daemon', 'daemon.db'), { readonly: true });
      try {
        for (const table of tables)
          out.push([`table ${table}`, JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all())]);
      } finally {
        db.close();
      }
      const events = daemon.controlPlane.api.list(
        { group: '', version: 'v1', resource: 'events' },
        undefined,
      );
      out.push(['Events', JSON.stringify(events)]);
      out.push(['log', logLines.join('\n')]);
      return out;
    },
    async close() {
      await server.close();
      await daemon.close();
      await gitServer.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
