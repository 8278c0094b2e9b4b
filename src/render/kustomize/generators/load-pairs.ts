/**
 * Gathers a generator's key/value pairs from its `envs` (then the legacy `env`),
 * `literals` and `files`, in that order as kustomize does, and refuses a key given
 * twice across all of them (kustomize: "configmap NAME illegally repeats the key").
 */
import { isCapstanError } from '../../../core/errors.js';
import type { FileLoader, GeneratorArgs } from '../types.js';
import { generatorError, type GeneratorContext } from './context.js';
import { EnvFileUtf8Error, parseEnvFile } from './env-file.js';
import { parseFileSource, parseLiteral } from './sources.js';

/** One pair: text from envs and literals, raw bytes from files. */
export interface KvPair {
  key: string;
  value: string | Buffer;
  /** where the key came from, for messages: `literals entry "a=1"` */
  origin: string;
}

/** Reads every source of the generator; keys unique, in source order. */
export function loadPairs(ctx: GeneratorContext, args: GeneratorArgs, loader: FileLoader): KvPair[] {
  const pairs: KvPair[] = [];
  const seen = new Map<string, string>();
  const add = (pair: KvPair): void => {
    const earlier = seen.get(pair.key);
    if (earlier !== undefined) {
      throw generatorError(
        ctx,
        'RENDER_GENERATOR_DUPLICATE_KEY',
        `key ${JSON.stringify(pair.key)} from ${pair.origin} is already set by ${earlier}; each key may appear once across envs, literals and files`,
        { key: pair.key },
      );
    }
    seen.set(pair.key, pair.origin);
    pairs.push(pair);
  };

  const envFiles = [...(args.envs ?? []), ...(args.env ? [args.env] : [])];
  for (const path of envFiles) {
    const bytes = read(ctx, loader, path, 'env file');
    let parsed;
    try {
      parsed = parseEnvFile(bytes);
    } catch (e) {
      if (!(e instanceof EnvFileUtf8Error)) throw e;
      throw generatorError(
        ctx,
        'RENDER_GENERATOR_ENV_INVALID',
        `env file ${loader.display(path)}: ${e.message}`,
        { file: loader.display(path), line: e.line },
      );
    }
    for (const p of parsed) {
      add({ key: p.key, value: p.value, origin: `env file ${loader.display(path)} line ${p.line}` });
    }
  }

  for (const entry of args.literals ?? []) {
    const parsed = parseLiteral(entry);
    if ('error' in parsed) {
      throw generatorError(
        ctx,
        'RENDER_GENERATOR_BAD_LITERAL',
        `literals entry ${JSON.stringify(entry)}: ${parsed.error}`,
        { entry },
      );
    }
    add({ key: parsed.key, value: parsed.value, origin: `literals entry ${JSON.stringify(entry)}` });
  }

  for (const entry of args.files ?? []) {
    const parsed = parseFileSource(entry);
    if ('error' in parsed) {
      throw generatorError(
        ctx,
        'RENDER_GENERATOR_BAD_FILE_SOURCE',
        `files entry ${JSON.stringify(entry)}: ${parsed.error}; write "path" or "key=path"`,
        { entry },
      );
    }
    const bytes = read(ctx, loader, parsed.path, 'files entry');
    add({ key: parsed.key, value: bytes, origin: `files entry ${JSON.stringify(entry)}` });
  }
  return pairs;
}

// Loader errors keep their own code (RENDER_FILE_NOT_FOUND, RENDER_FILE_OUTSIDE_ROOT,
// RENDER_NOT_A_FILE, …) so users can still match on it; the message gains the generator.
function read(ctx: GeneratorContext, loader: FileLoader, path: string, what: string): Buffer {
  try {
    return loader.readBytes(path);
  } catch (e) {
    if (isCapstanError(e)) {
      throw generatorError(
        ctx,
        e.code,
        `${what} ${JSON.stringify(path)}: ${e.message}`,
        { ...e.data, path },
        e,
      );
    }
    throw generatorError(
      ctx,
      'RENDER_GENERATOR_FILE_UNREADABLE',
      `${what} ${JSON.stringify(path)}: cannot be read: ${e instanceof Error ? e.message : String(e)}`,
      { path },
      e,
    );
  }
}
