/**
 * What the end-to-end tests of Git write-back share: a real Git smart-HTTP server, a GitHub
 * API stand-in, and Capstan (embedded control plane, simulated runtime, no HTTP server)
 * holding the stand-in's token in the Secret `capstan-system/<tokenSecret>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCapstan, type Capstan, type CapstanOptions } from '../../src/boot/index.js';
import { GitServer } from './git-server.js';
import { GitHubStandin } from './providers/github-standin.js';

export interface ProviderFixture {
  root: string;
  gitServer: GitServer;
  github: GitHubStandin;
  capstan: Capstan;
  close(): Promise<void>;
}

const SECRETS = { group: '', version: 'v1', resource: 'secrets' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };

/** `CAPSTAN_TEST_LOG=1` prints the daemon's log. */
export async function startProviderFixture(
  name: string,
  options: Partial<CapstanOptions> & { tokenSecret?: string } = {},
): Promise<ProviderFixture> {
  const { tokenSecret = 'github-token', ...capstanOptions } = options;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `capstan-${name}-`));
  const gitServer = new GitServer({ root: path.join(root, 'repos') });
  await gitServer.start();
  const github = new GitHubStandin();
  await github.start();
  const capstan = await startCapstan({
    dataDir: path.join(root, 'data'),
    port: 0,
    token: 't',
    runtime: 'simulated',
    server: false,
    ...(process.env.CAPSTAN_TEST_LOG
      ? { log: (level, fields, msg) => console.error(level, JSON.stringify(fields), msg) }
      : {}),
    ...capstanOptions,
  });
  const api = capstan.controlPlane.api;
  await api
    .create(NAMESPACES, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'capstan-system' },
    })
    .catch(() => undefined); // the daemon may have made it
  await api.create(SECRETS, 'capstan-system', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: tokenSecret, namespace: 'capstan-system' },
    stringData: { token: github.token },
  });
  return {
    root,
    gitServer,
    github,
    capstan,
    async close() {
      await capstan.close();
      await github.close();
      await gitServer.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
