/**
 * `capstan render` as a user runs it: the real CLI in a child process (through tsx, so the
 * sources are tested rather than a possibly stale dist/). Where kubectl is on the PATH, the
 * example overlays are compared with `kubectl kustomize`.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { parseYamlDocuments, type JsonValue } from '../../src/core/index.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const overlaysDir = path.join(projectRoot, 'manifests', 'example', 'overlays');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** At most this many CLI processes at once: tests run concurrently, the machine may be small. */
const MAX_CHILDREN = 3;
let running = 0;
const waiting: (() => void)[] = [];

async function capstan(...args: string[]): Promise<Run> {
  while (running >= MAX_CHILDREN) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await runCapstan(args);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs `capstan ...args` from the project root and collects its output. */
function runCapstan(args: string[]): Promise<Run> {
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

/** A temp dir holding `files` (path → content); removed after the test. */
function tree(t: { teardown: (fn: () => void) => void }, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: any };

/** The user-facing error contract: one `error: ... [CODE]` line, no stack trace. */
function assertUserError(t: import('ava').ExecutionContext, run: Run, code: string, file: string): void {
  t.is(run.status, 1, run.stderr);
  t.is(run.stdout, '');
  t.true(run.stderr.startsWith('error: '), run.stderr);
  t.true(run.stderr.includes(`[${code}]`), run.stderr);
  t.true(run.stderr.includes(file), run.stderr);
  t.false(/^\s{4}at /m.test(run.stderr), `stack trace in: ${run.stderr}`);
  t.is(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
}

test('render prints the prod overlay as a YAML stream', async (t) => {
  const run = await capstan('render', 'manifests/example/overlays/prod');
  t.is(run.status, 0, run.stderr);
  t.is(run.stderr, '');
  t.regex(run.stdout, /^---$/m);
  const docs = parseYamlDocuments(run.stdout, 'stdout') as unknown as Obj[];
  t.is(run.stdout.match(/^---$/gm)!.length, docs.length - 1);

  const kinds = docs.map((d) => d.kind);
  // kustomize's legacy order: Namespace first, ConfigMap before Service before Deployment
  t.is(kinds[0], 'Namespace');
  t.true(kinds.indexOf('ConfigMap') < kinds.indexOf('Service'));
  t.true(kinds.indexOf('Service') < kinds.indexOf('Deployment'));
  t.deepEqual([...kinds].sort(), ['ConfigMap', 'Deployment', 'Namespace', 'PodDisruptionBudget', 'Service']);

  const ns = docs.find((d) => d.kind === 'Namespace')!;
  t.is(ns.metadata.name, 'hello-prod');

  const config = docs.find((d) => d.kind === 'ConfigMap')!;
  t.regex(config.metadata.name, /^hello-config-[a-z0-9]{10}$/);
  t.is(config.metadata.namespace, 'hello-prod');

  const deployment = docs.find((d) => d.kind === 'Deployment')!;
  t.is(deployment.metadata.name, 'hello');
  t.is(deployment.metadata.namespace, 'hello-prod');
  t.is(deployment.spec.replicas, 3);
  const container = deployment.spec.template.spec.containers[0];
  t.is(container.image, 'capstan.dev/example/hello:1.0.0');
  // the generated name is propagated to the reference
  const greeting = container.env.find((e: any) => e.name === 'GREETING');
  t.is(greeting.valueFrom.configMapKeyRef.name, config.metadata.name);
  // a string that looks like a version stays a string
  t.is(container.env.find((e: any) => e.name === 'APP_VERSION').value, '1.0.0');
});

test('render -o json prints a JSON array of the same objects', async (t) => {
  const [yamlRun, jsonRun, longRun] = await Promise.all([
    capstan('render', 'manifests/example/overlays/prod'),
    capstan('render', 'manifests/example/overlays/prod', '-o', 'json'),
    capstan('render', '--output', 'json', 'manifests/example/overlays/prod'),
  ]);
  t.is(jsonRun.status, 0, jsonRun.stderr);
  const parsed = JSON.parse(jsonRun.stdout) as JsonValue;
  t.true(Array.isArray(parsed));
  t.deepEqual(parsed, parseYamlDocuments(yamlRun.stdout, 'stdout'));
  t.is(longRun.stdout, jsonRun.stdout);
});

test('render of a plain directory, with and without --recursive', async (t) => {
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
  const dir = tree(t, { 'a.yaml': cm('a'), 'sub/b.yaml': cm('b') });
  const [flat, deep] = await Promise.all([
    capstan('render', dir, '-o', 'json'),
    capstan('render', dir, '--recursive', '-o', 'json'),
  ]);
  t.is(flat.status, 0, flat.stderr);
  t.deepEqual(
    (JSON.parse(flat.stdout) as Obj[]).map((o) => o.metadata.name),
    ['a'],
  );
  t.is(deep.status, 0, deep.stderr);
  t.deepEqual(
    (JSON.parse(deep.stdout) as Obj[]).map((o) => o.metadata.name),
    ['a', 'b'],
  );
});

test('--repo-root refuses a base outside it', async (t) => {
  const dir = tree(t, {
    'base/kustomization.yaml': 'resources:\n- x.yaml\n',
    'base/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    'overlay/kustomization.yaml': 'resources:\n- ../base\n',
  });
  const overlay = path.join(dir, 'overlay');
  const [ok, refused] = await Promise.all([
    capstan('render', overlay, '--repo-root', dir),
    capstan('render', overlay, '--repo-root', overlay),
  ]);
  t.is(ok.status, 0, ok.stderr);
  assertUserError(t, refused, 'RENDER_BASE_OUTSIDE_REPOSITORY', 'kustomization.yaml');
});

test('a missing directory exits 1 with a one-line error', async (t) => {
  const dir = tree(t, {});
  const missing = path.join(dir, 'does-not-exist');
  assertUserError(t, await capstan('render', missing), 'RENDER_FILE_NOT_FOUND', 'does-not-exist');
});

test('a kustomization with an unknown field exits 1 naming the file and the field', async (t) => {
  const dir = tree(t, {
    'kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresourcez:\n- x.yaml\n',
  });
  const run = await capstan('render', dir);
  assertUserError(t, run, 'RENDER_KUSTOMIZATION_UNKNOWN_FIELD', 'kustomization.yaml');
  t.true(run.stderr.includes('resourcez'), run.stderr);
});

test('invalid YAML in a resource exits 1 naming the file and the line', async (t) => {
  const dir = tree(t, {
    'kustomization.yaml': 'resources:\n- broken.yaml\n',
    'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: a: b\n',
  });
  const run = await capstan('render', dir);
  assertUserError(t, run, 'YAML_INVALID', 'broken.yaml');
  t.regex(run.stderr, /broken\.yaml, line 5/);
});

test('invalid YAML in a plain directory exits 1 too', async (t) => {
  const dir = tree(t, { 'broken.yml': 'a: [1, 2\n' });
  assertUserError(t, await capstan('render', dir), 'YAML_INVALID', 'broken.yml');
});

test('an unknown command exits 2 with the usage on stderr', async (t) => {
  const run = await capstan('frobnicate');
  t.is(run.status, 2);
  t.is(run.stdout, '');
  t.regex(run.stderr, /unknown command 'frobnicate'/);
  t.regex(run.stderr, /Usage: capstan/);
});

test('render into a reader that stops early (| head) ends quietly, without a stack trace', async (t) => {
  // more than a pipe's buffer, so the reader's end arrives while capstan still writes
  const cm = (i: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  text: ${'x'.repeat(200)}\n`;
  const dir = tree(t, { 'all.yaml': Array.from({ length: 2000 }, (_, i) => cm(i)).join('---\n') });
  const env = { ...process.env };
  delete env.CAPSTAN_DEBUG;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'render', dir], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.is(stderr, '');
  t.is(status, 0);
});

test('help exits 0 and prints the usage', async (t) => {
  for (const arg of ['help', '--help', '-h']) {
    const run = await capstan(arg);
    t.is(run.status, 0, arg);
    t.regex(run.stdout, /^Usage: capstan/, arg);
    t.regex(run.stdout, /render DIR/, arg);
    t.is(run.stderr, '', arg);
  }
});

test('no command prints the usage and exits 2', async (t) => {
  const run = await capstan();
  t.is(run.status, 2);
  t.regex(run.stdout, /Usage: capstan/);
});

test('bad render arguments are one-line errors', async (t) => {
  const [none, badFormat, unknownFlag] = await Promise.all([
    capstan('render'),
    capstan('render', 'manifests/example/overlays/prod', '-o', 'xml'),
    capstan('render', 'manifests/example/overlays/prod', '--frob'),
  ]);
  for (const run of [none, badFormat, unknownFlag]) {
    t.not(run.status, 0);
    t.true(run.stderr.startsWith('error: '), run.stderr);
    t.true(run.stderr.includes('[CLI_USAGE]'), run.stderr);
    t.false(/^\s{4}at /m.test(run.stderr), run.stderr);
  }
  t.regex(badFormat.stderr, /xml/);
});

// --- conformance with kubectl ----------------------------------------------------------------

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** kubectl's output is YAML 1.1-safe, so the `yaml` package's 1.2 core schema reads it faithfully. */
function parseStream(text: string, what: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${what}: ${doc.errors[0]!.message}`);
    if (doc.contents === null) continue;
    out.push(doc.toJS());
  }
  return out;
}

const overlays = fs
  .readdirSync(overlaysDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test('the example has overlays to compare', (t) => {
  t.true(overlays.includes('prod'));
  t.true(overlays.length >= 2);
});

for (const overlay of overlays) {
  (hasKubectl ? test : test.skip)(`overlay ${overlay} renders as kubectl kustomize does`, async (t) => {
    const rel = path.join('manifests', 'example', 'overlays', overlay);
    const kubectl = spawnSync('kubectl', ['kustomize', rel], { cwd: projectRoot, encoding: 'utf8' });
    t.is(kubectl.status, 0, kubectl.stderr);
    const ours = await capstan('render', rel);
    t.is(ours.status, 0, ours.stderr);
    // the same objects in the same order; an independent YAML reader checks our quoting too
    t.deepEqual(parseStream(ours.stdout, 'capstan'), parseStream(kubectl.stdout, 'kubectl'));
    t.deepEqual(parseYamlDocuments(ours.stdout, 'capstan'), parseYamlDocuments(kubectl.stdout, 'kubectl'));
  });
}

if (!hasKubectl) {
  test('kubectl comparison skipped: kubectl is not on the PATH', (t) => {
    t.log('install kubectl (v1.32, kustomize v5.5) to compare the example overlays with it');
    t.pass();
  });
}
