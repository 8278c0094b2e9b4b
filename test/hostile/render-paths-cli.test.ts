/**
 * Issue 10, item 2, as a user meets it: the real `capstan render` in a child process (through
 * tsx, as test/cli/render.test.ts runs it) refuses a directory that is a symlink out of the
 * repository, with --repo-root and with the repository found from `.git`; the host Secret
 * never reaches stdout or stderr.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'aG9zdC1wYXNzd29yZA==';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function capstan(...args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.CAPSTAN_DEBUG;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** `repo/` (a Git working tree: it has `.git/`) with `repo/deploy -> outside/`, which holds a Secret. */
function world(t: ExecutionContext, kustomization: boolean): { repo: string } {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-hostile-cli-'));
  t.teardown(() => fs.rmSync(top, { recursive: true, force: true }));
  const repo = path.join(top, 'repo');
  const outside = path.join(top, 'outside');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(
    path.join(outside, 'secret.yaml'),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: host-secret\ndata:\n  password: ${SECRET}\n`,
  );
  if (kustomization)
    fs.writeFileSync(path.join(outside, 'kustomization.yaml'), 'resources:\n- secret.yaml\n');
  fs.symlinkSync(outside, path.join(repo, 'deploy'));
  return { repo };
}

function assertRefused(t: ExecutionContext, run: Run): void {
  t.is(run.status, 1, run.stderr);
  t.is(run.stdout, '');
  t.regex(
    run.stderr,
    /^error: .*deploy: the directory to render is outside the repository root.*\[RENDER_FILE_OUTSIDE_ROOT\]\n$/,
  );
  t.false(run.stderr.includes(SECRET));
}

for (const kustomization of [false, true]) {
  const what = kustomization ? 'a kustomization' : 'a plain directory';
  test(`render DIR --repo-root R refuses DIR linking to ${what} outside R`, async (t) => {
    const { repo } = world(t, kustomization);
    assertRefused(t, await capstan('render', path.join(repo, 'deploy'), '--repo-root', repo));
  });

  test(`render DIR refuses DIR linking to ${what} outside its Git working tree`, async (t) => {
    const { repo } = world(t, kustomization);
    assertRefused(t, await capstan('render', path.join(repo, 'deploy'), '--recursive'));
  });
}

test('render DIR --repo-root R still renders a symlink that stays inside R', async (t) => {
  const { repo } = world(t, false);
  fs.mkdirSync(path.join(repo, 'envs', 'prod'), { recursive: true });
  fs.writeFileSync(
    path.join(repo, 'envs', 'prod', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inside\n',
  );
  fs.symlinkSync('envs/prod', path.join(repo, 'app'));
  const run = await capstan('render', path.join(repo, 'app'), '--repo-root', repo, '-o', 'json');
  t.is(run.status, 0, run.stderr);
  t.deepEqual(
    (JSON.parse(run.stdout) as { metadata: { name: string } }[]).map((o) => o.metadata.name),
    ['inside'],
  );
});
