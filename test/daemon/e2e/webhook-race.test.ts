/**
 * A webhook that arrives while the daemon is already looking at the repository (an earlier
 * webhook's or a poll's check, begun before the push) must still lead to the pushed commit.
 * A proxy in front of the Git server holds the answers to refs requests until the test lets
 * them go, so "a check in flight that began before the push" is an ordering, not a timing.
 *
 * `Poller.pollNow()` during a running check (src/git/poller.ts) queues one more check after
 * it; before, it returned the running one and the push waited for the next poll (3 minutes).
 */
import test from 'ava';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan } from '../../../src/boot/index.js';
import type { Application } from '../../../src/core/index.js';
import { eventually } from '../../helpers/eventually.js';
import { createBareRepo, GitServer, WorkTree } from '../../helpers/git-server.js';

const SECRET = 'race-secret';
const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };

let root: string;
let gitServer: GitServer;
let proxy: HoldingProxy;
let work: WorkTree;
let capstan: Capstan;
/** the daemon's log messages, with their fields */
const logged: Array<{ fields: Record<string, unknown>; msg: string }> = [];

/** Forwards to the Git server; while `holding`, answers to refs requests wait for `release()`. */
class HoldingProxy {
  holding = false;
  /** refs requests forwarded to the Git server, in order */
  refsRequests = 0;
  held: Array<() => void> = [];
  readonly server: http.Server;

  constructor(target: GitServer) {
    this.server = http.createServer((req, res) => {
      const refs = req.url?.includes('/info/refs') ?? false;
      if (refs) this.refsRequests++;
      const hold = refs && this.holding;
      const upstream = http.request(
        { host: '127.0.0.1', port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const send = () => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(chunks));
            };
            if (hold) this.held.push(send);
            else send();
          });
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  release(): void {
    this.holding = false;
    for (const send of this.held.splice(0)) send();
  }
}

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-webhook-race-'));
  gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  proxy = new HoldingProxy(gitServer);
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  work = new WorkTree(createBareRepo(gitServer.root, 'race.git'));
  work.commit({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: race}\ndata: {v: "1"}\n' });
  work.push();
  process.env.RACE_HOOK_SECRET = SECRET;
  capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    runtime: 'simulated',
    server: { port: 0 },
    log: (_level, fields, msg) => logged.push({ fields, msg }),
    config: {
      server: {},
      queue: {},
      webhooks: { secrets: { github: { env: 'RACE_HOOK_SECRET' } } },
      applications: [
        {
          name: 'race',
          source: { repoURL: `${proxy.url}/race.git`, targetRevision: 'main', path: '.' },
          syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
        },
      ],
    },
  });
});

test.after.always(async () => {
  proxy?.release();
  await capstan?.close();
  proxy?.server.closeAllConnections();
  await new Promise((r) => proxy?.server.close(r));
  await gitServer?.stop();
  work?.remove();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const appOf = () => capstan.controlPlane.api.get(APPS, undefined, 'race') as unknown as Application;
const readyAt = (revision: string) =>
  eventually(
    () =>
      appOf().status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
      appOf().status?.sync?.revision === revision,
    60_000,
  );

async function webhook(after: string): Promise<number> {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    after,
    repository: { clone_url: `${proxy.url}/race.git` },
    commits: [{ id: after, modified: ['cm.yaml'] }],
  });
  const res = await fetch(`${capstan.server!.url}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  return res.status;
}

test('a webhook during a check begun before its push still syncs the pushed commit', async (t) => {
  await readyAt(work.head());
  // a first webhook's check reads the refs before the push; its answer is held
  proxy.holding = true;
  const first = webhook(work.head());
  await eventually(() => proxy.held.length === 1, 60_000);
  const pushed = work.commit({
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: race}\ndata: {v: "2"}\n',
  });
  work.push();
  const before = proxy.refsRequests;
  const second = webhook(pushed);
  // the daemon logs a delivery's push in the same turn as it asks the source to look
  // again: once logged, the second delivery is waiting; let the held answer go
  await eventually(
    () => logged.some((l) => l.msg.startsWith('webhook:') && l.fields.revision === pushed.slice(0, 7)),
    60_000,
  );
  proxy.release();
  t.is(await first, 202);
  t.is(await second, 202);
  // the source looks at the refs again after the held check, and finds the push
  await eventually(() => proxy.refsRequests > before, 60_000);
  await readyAt(pushed);
  t.pass();
});
