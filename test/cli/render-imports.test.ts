/**
 * `capstan render` loads only the renderer: every module a command imports costs start-up
 * time (issue 11: importing the layers' index files loaded the daemon's configuration,
 * HTTP and the `yaml` package before a render started). The CLI's entry point runs in a
 * child process with a module hook that reports every module resolved.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The modules `capstan ARGS` resolves, as URLs (node: built-ins included). */
function modulesLoadedBy(t: { teardown: (fn: () => void) => void }, args: string[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-imports-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'modules.txt');
  const hooks = path.join(dir, 'hooks.mjs');
  fs.writeFileSync(
    hooks,
    `import fs from 'node:fs';
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  fs.appendFileSync(${JSON.stringify(log)}, found.url + '\\n');
  return found;
}
`,
  );
  const register = `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`;
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      'src/cli/main.ts',
      ...args,
    ],
    { cwd: projectRoot, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`capstan ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return [...new Set(fs.readFileSync(log, 'utf8').trim().split('\n'))];
}

test('render loads the renderer, not the daemon, HTTP, pino or the yaml package', (t) => {
  const loaded = modulesLoadedBy(t, ['render', 'manifests/example/overlays/prod']);
  t.true(
    loaded.some((u) => u.endsWith('/src/render/kustomize/build.ts')),
    'the hook saw the renderer load',
  );
  const unwanted = loaded.filter(
    (u) =>
      /\/src\/(daemon|controlplane|sync|server|boot|git|cluster)\//.test(u) ||
      /\/node_modules\/(yaml|pino|ioredis|better-sqlite3|isomorphic-git|@kubernetes)\//.test(u) ||
      /\/src\/core\/(index|config|http-guard)\.ts$/.test(u) ||
      u === 'node:http' ||
      u === 'node:tls',
  );
  t.deepEqual(unwanted, []);
});

test('help loads nothing but the entry point and the error type', (t) => {
  const loaded = modulesLoadedBy(t, ['help']).filter((u) => u.includes('/src/'));
  t.deepEqual(loaded.map((u) => u.slice(u.indexOf('/src/') + 1)).sort(), [
    'src/cli/main.ts',
    'src/core/errors.ts',
  ]);
});
