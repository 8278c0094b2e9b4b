/**
 * The bundle of `capstan render` that the build writes (scripts/bundle-render.ts) renders
 * what the sources render, errors included, and needs nothing but Node's built-ins.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleRender } from '../../scripts/bundle-render.js';
import * as sources from '../../src/cli/render-command.js';
import { isCapstanError } from '../../src/core/errors.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const overlaysDir = path.join(projectRoot, 'manifests', 'example', 'overlays');

type RenderCommand = typeof sources;

/** Collects what a render writes. */
function rendered(command: RenderCommand, args: string[]): { code?: number; out: string; error?: unknown } {
  let out = '';
  const sink = { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream;
  try {
    return { code: command.runRender(args, sink), out };
  } catch (error) {
    return { out, error };
  }
}

let bundleFile: string;
let bundled: RenderCommand;

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bundle-'));
  bundleFile = await bundleRender(path.join(dir, 'render-command.bundle.js'));
  bundled = (await import(pathToFileURL(bundleFile).href)) as RenderCommand;
});

test.after.always(() => fs.rmSync(path.dirname(bundleFile), { recursive: true, force: true }));

test('the bundle renders every example overlay byte for byte as the sources do, in YAML and JSON', (t) => {
  const overlays = fs.readdirSync(overlaysDir);
  t.true(overlays.length >= 2);
  for (const overlay of overlays) {
    for (const output of ['yaml', 'json']) {
      const args = [path.join(overlaysDir, overlay), '-o', output, '--repo-root', projectRoot];
      const want = rendered(sources, args);
      const got = rendered(bundled, args);
      t.is(want.code, 0, overlay);
      t.true(want.out.includes('kind: Deployment') || want.out.includes('"kind": "Deployment"'), overlay);
      t.is(got.code, 0, overlay);
      t.is(got.out, want.out, `${overlay} -o ${output}`);
    }
  }
});

test('the bundle fails as the sources do: same code, same message', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bundle-bad-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - ../outside.yaml\n');
  fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [\n');
  for (const args of [[dir, '--repo-root', dir], [path.join(dir, 'missing')], [dir, '-o', 'xml']]) {
    const want = rendered(sources, args).error as { code: string; message: string };
    const got = rendered(bundled, args).error as { code: string; message: string };
    t.truthy(want?.code, args.join(' '));
    t.is(got?.code, want.code);
    t.is(got?.message, want.message);
    // the bundle's own copy of CapstanError still reads as one, so the CLI prints it as the user's error (exit 1, 2)
    t.true(isCapstanError(got), 'a CapstanError for the CLI');
  }
});

test('the bundle imports nothing but node: built-ins, so dist/ runs it wherever it is', (t) => {
  const text = fs.readFileSync(bundleFile, 'utf8');
  const specifiers = [...text.matchAll(/^import\s[^'"]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);
  t.true(specifiers.length > 0);
  t.deepEqual(
    specifiers.filter((s) => !s.startsWith('node:')),
    [],
  );
  t.notRegex(text, /\brequire\(["'](?!node:)/);
});
