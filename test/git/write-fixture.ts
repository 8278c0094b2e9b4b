// Shared by the write-back and revert tests: a Git server with a repository, a mirror synced
// through GitSource, and native git to look at what Capstan pushed.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import type { WriteTarget } from '../../src/git/index.js';
import { git, gitEnv } from '../helpers/git-server.js';
import { gitFixture, PASSWORD, USER, type GitFixture } from './fixture.js';

export const AUTHOR = { name: 'Capstan Bot', email: 'bot@capstan.invalid' };

export interface WriteFixture extends GitFixture {
  /** The bare repository the server serves. */
  bare: string;
  /** Syncs the source (depth 1) at its revision and returns the commit and a write target. */
  synced(revision?: string): Promise<{ commit: string; target: WriteTarget }>;
  /** Native git on the bare repository. */
  remote(args: string[]): string;
  /** `git clone --branch <branch>` over HTTP with the native client; returns the clone's directory. */
  clone(branch: string): Promise<string>;
}

export async function writeFixture(
  t: ExecutionContext,
  files: Record<string, string>,
): Promise<WriteFixture> {
  const f = await gitFixture();
  t.teardown(() => f.close());
  f.work.commit(files, 'initial');
  f.work.push();
  const bare = f.work.bare;
  return {
    ...f,
    bare,
    synced: async (revision = 'main') => {
      const source = f.source({ revision });
      const synced = await source.sync();
      await synced.snapshot.release();
      return { commit: synced.commit, target: await source.writeTarget() };
    },
    remote: (args) => git(bare, args),
    clone: async (branch) => {
      const dir = mkdtempSync(path.join(f.tmp, 'clone-'));
      const url = f.url.replace('://', `://${USER}:${encodeURIComponent(PASSWORD)}@`);
      await gitAsync(f.tmp, ['clone', '--quiet', '--branch', branch, url, dir]);
      return dir;
    },
  };
}

/** Native git without blocking the event loop that serves the test's Git server. */
export function gitAsync(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(' ')}: ${err}`)),
    );
  });
}

/** Loose objects in a bare repository: a small push is unpacked (receive.unpackLimit 100) into these. */
export function looseObjects(bare: string): number {
  const line = git(bare, ['count-objects', '-v'])
    .split('\n')
    .find((l) => l.startsWith('count: '));
  return Number(line?.slice('count: '.length));
}
