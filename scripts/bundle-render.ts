// Bundles `capstan render` (the command, the renderer, js-yaml and fast-json-patch) into
// one file beside the compiled CLI. A render loads about sixty modules one by one
// otherwise, ~70 ms of its start on a 2-core machine (issue 11); the bundle loads in ~35 ms.
// Only render is bundled: it is pure JavaScript, while the daemon loads native modules
// and worker files by path, which a bundle would break.
//
// Usage: tsx scripts/bundle-render.ts [OUTFILE]   (default dist/cli/render-command.bundle.js)
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes the bundle of src/cli/render-command.ts to `outfile`. */
export async function bundleRender(
  outfile = path.join(projectRoot, 'dist/cli/render-command.bundle.js'),
): Promise<string> {
  await build({
    entryPoints: [path.join(projectRoot, 'src/cli/render-command.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleRender(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
}
