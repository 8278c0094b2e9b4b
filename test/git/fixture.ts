import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitSource, SnapshotStore, type GitSourceOptions } from '../../src/git/index.js';
import { removeReadOnlyTree } from '../../src/git/fs-tree.js';
import { createBareRepo, GitServer, WorkTree } from '../helpers/git-server.js';

/** One Git server with auth, a bare repository `app.git` with a work tree, and a cache directory. */
export interface GitFixture {
  tmp: string;
  server: GitServer;
  work: WorkTree;
  snapshots: SnapshotStore;
  url: string;
  credentials: { username: string; password: string };
  source(options?: Partial<GitSourceOptions>): GitSource;
  close(): Promise<void>;
}

export const USER = 'deployer';
export const PASSWORD = 's3cr3t-Pa55word-xyz';

export async function gitFixture(options: { auth?: boolean; maxBytes?: number } = {}): Promise<GitFixture> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-git-'));
  const root = path.join(tmp, 'repos');
  const credentials = { username: USER, password: PASSWORD };
  const server = new GitServer({ root, auth: options.auth === false ? undefined : credentials });
  await server.start();
  const bare = createBareRepo(root, 'app.git');
  const work = new WorkTree(bare);
  const snapshots = new SnapshotStore({ dir: path.join(tmp, 'snapshots'), maxBytes: options.maxBytes });
  await snapshots.open();
  const url = server.repoUrl('app.git');
  return {
    tmp,
    server,
    work,
    snapshots,
    url,
    credentials,
    source: (o = {}) =>
      new GitSource({
        url,
        cacheDir: path.join(tmp, 'cache'),
        snapshots,
        credentials: { inline: { kind: 'basic', ...credentials } },
        // Generous: tests in a file run concurrently, and their synchronous git commands stall the
        // event loop that serves this server too.
        timeoutMs: 60_000,
        ...o,
      }),
    close: async () => {
      await server.stop();
      work.remove();
      await removeReadOnlyTree(tmp);
    },
  };
}
