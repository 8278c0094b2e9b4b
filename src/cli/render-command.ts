/**
 * `capstan render DIR`: prints what `kubectl kustomize DIR` would print. It imports the
 * modules it uses one by one, not the layers' index files: those load the daemon's
 * configuration, HTTP and promotion code, a cost every render paid at start (issue 11).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CapstanError } from '../core/errors.js';
import { emitYamlDocuments } from '../core/yaml-emit.js';
import type { RenderLimits } from '../render/limits.js';
import { render } from '../render/render.js';

export function runRender(args: string[], out: NodeJS.WritableStream): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        recursive: { type: 'boolean', default: false },
        'repo-root': { type: 'string' },
        output: { type: 'string', short: 'o', default: 'yaml' },
        'max-objects': { type: 'string' },
        'max-bytes': { type: 'string' },
        'max-kustomizations': { type: 'string' },
      },
    });
  } catch (e) {
    throw new CapstanError('CLI_USAGE', `render: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CapstanError('CLI_USAGE', 'render: expected exactly one directory');
  if (values.output !== 'yaml' && values.output !== 'json') {
    throw new CapstanError('CLI_USAGE', `render: --output must be yaml or json, got '${values.output}'`);
  }
  const dir = positionals[0];
  if (!fs.existsSync(dir))
    throw new CapstanError('RENDER_FILE_NOT_FOUND', `${dir}: directory does not exist`);
  const repoRoot = values['repo-root'] ?? defaultRepoRoot(dir);
  const limits: Partial<RenderLimits> = {
    maxObjects: positiveInteger(values['max-objects'], '--max-objects'),
    maxBytes: positiveInteger(values['max-bytes'], '--max-bytes'),
    maxKustomizations: positiveInteger(values['max-kustomizations'], '--max-kustomizations'),
  };
  const { objects } = render(dir, {
    repoRoot,
    recursive: values.recursive,
    displayRoot: process.cwd(),
    ...limits,
  });
  out.write(values.output === 'json' ? JSON.stringify(objects, null, 2) + '\n' : emitYamlDocuments(objects));
  return 0;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new CapstanError('CLI_USAGE', `render: ${flag} must be a positive integer, got '${value}'`);
  }
  return n;
}

/**
 * The enclosing Git working tree. Outside one there is no repository to stay inside, so
 * only kustomize's own rules apply (files below each kustomization, no cycles). Found from
 * the path as given, not its real path: `deploy -> /elsewhere` belongs to the repository
 * it sits in, and must stay inside it.
 */
function defaultRepoRoot(dir: string): string {
  const abs = path.resolve(dir);
  for (let d = abs; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return d;
  }
}
