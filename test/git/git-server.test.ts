// The test Git server itself, driven by the native git client: if these fail, the source tests
// that rely on it mean nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { createBareRepo, git, gitEnv, GitServer, WorkTree } from '../helpers/git-server.js';

/** Native git, asynchronously: a synchronous spawn would block the server in this process. */
function gitAsync(cwd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, env: gitEnv() });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

test('native git clones and pushes over HTTP through the server, with basic auth', async (t) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-git-server-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const server = new GitServer({ root: path.join(tmp, 'repos'), auth: { username: 'u', password: 'p@ss' } });
  await server.start();
  t.teardown(() => server.stop());
  const bare = createBareRepo(server.root, 'app.git');
  const work = new WorkTree(bare);
  t.teardown(() => work.remove());
  work.commit({ 'a.txt': 'a\n' });
  // 40 branches: the clone's want list passes 1 KiB, which native git sends gzipped.
  for (let i = 0; i < 40; i++) git(work.dir, ['branch', `branch-${String(i).padStart(2, '0')}`]);
  work.push();
  git(work.dir, ['push', '--quiet', 'origin', '--all']);

  const authed = server.repoUrl('app.git').replace('://', '://u:p%40ss@');
  const clone = path.join(tmp, 'clone');
  const cloned = await gitAsync(tmp, ['clone', '--quiet', '--no-single-branch', authed, clone]);
  t.is(cloned.code, 0, cloned.stderr);
  t.is(readFileSync(path.join(clone, 'a.txt'), 'utf8'), 'a\n');
  t.true(server.requests.some((r) => r.method === 'POST' && r.status === 200 && r.encoding === 'gzip'));

  // Push over HTTP: receive-pack needs the authenticated REMOTE_USER.
  git(clone, [
    '-c',
    'user.name=T',
    '-c',
    'user.email=t@t',
    'commit',
    '--allow-empty',
    '-q',
    '-m',
    'over http',
  ]);
  const pushed = await gitAsync(clone, ['push', '--quiet', 'origin', 'HEAD:main']);
  t.is(pushed.code, 0, pushed.stderr);
  t.is(git(bare, ['log', '-1', '--format=%s', 'main']), 'over http');
  t.true(server.requests.some((r) => r.path.endsWith('/git-receive-pack') && r.user === 'u'));

  const anonymous = await gitAsync(tmp, [
    'clone',
    '--quiet',
    server.repoUrl('app.git'),
    path.join(tmp, 'anon'),
  ]);
  t.not(anonymous.code, 0);
  t.true(server.requests.some((r) => r.status === 401));
});

test('the server stops (dropping open connections) and starts again on the same port', async (t) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'capstan-git-server-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const server = new GitServer({ root: tmp });
  await server.start();
  const port = server.port;
  const bare = createBareRepo(tmp, 'r.git');
  const work = new WorkTree(bare);
  t.teardown(() => work.remove());
  work.commit({ 'a.txt': 'a\n' });
  work.push();
  await server.stop();
  t.false(server.running);
  const down = await gitAsync(tmp, ['ls-remote', server.repoUrl('r.git')]);
  t.not(down.code, 0);
  await server.start();
  t.is(server.port, port);
  const up = await gitAsync(tmp, ['ls-remote', server.repoUrl('r.git')]);
  t.is(up.code, 0, up.stderr);
  await server.stop();
});
