/**
 * The entry of a render worker thread (loaded by render-pool.ts, never imported): renders
 * one directory per task. A CapstanError cannot cross the thread boundary as itself —
 * structured clone keeps an Error's message but drops its class, `code` and `data` — so
 * a user's mistake comes back as a plain reply that the pool turns into the same error.
 */
import { isCapstanError } from '../core/index.js';
import { render, type RenderOptions, type RenderResult } from '../render/index.js';
import { hashInputs } from './render-input-hash.js';

export interface RenderTask {
  dir: string;
  options: RenderOptions;
}

/** Asks a new worker for nothing: it has loaded the renderer once it answers. */
export interface WarmTask {
  warm: true;
}

/** The fields of a CapstanError, in a shape that survives structured clone. */
export interface ClonedCapstanError {
  code: string;
  message: string;
  data: Record<string, unknown>;
  cause?: unknown;
}

export type RenderReply =
  { ok: true; result: RenderResult; hashes?: string[] } | { ok: false; error: ClonedCapstanError };

/** Any other throw (a bug, out of memory) is left to the pool, which rejects with it as a plain Error. */
export default function renderTask(task: RenderTask | WarmTask): RenderReply | undefined {
  if ('warm' in task) return undefined;
  try {
    const result = render(task.dir, task.options);
    // the render cache's hashes of what was just read, here rather than on the event loop
    const root = task.options.repoRoot;
    return { ok: true, result, ...(root ? { hashes: hashInputs(root, result.inputs) } : {}) };
  } catch (e) {
    if (!isCapstanError(e)) throw e;
    const error: ClonedCapstanError = { code: e.code, message: e.message, data: cloneable(e.data) ?? {} };
    if (e.cause !== undefined) error.cause = cloneable(e.cause) ?? String(e.cause);
    return { ok: false, error };
  }
}

/** `value` when postMessage can carry it; else its JSON form; else undefined. */
function cloneable<T>(value: T): T | undefined {
  try {
    structuredClone(value);
    return value;
  } catch {
    try {
      return JSON.parse(JSON.stringify(value)) as T;
    } catch {
      return undefined;
    }
  }
}
