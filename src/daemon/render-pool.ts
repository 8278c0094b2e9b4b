/**
 * Renders off the daemon's event loop. A kustomization of a few kilobytes can take seconds
 * of CPU (a "doubling diamond" of 13 levels builds 8,192 objects); run on the main thread
 * it froze the daemon's API and the embedded Kubernetes API for as long (issue 10). Each
 * render runs in a worker thread of a small piscina pool instead; the first worker starts
 * with the pool, so the first render does not wait for it to load the renderer.
 */
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { CapstanError } from '../core/index.js';
import type { RenderLimits, RenderOptions, RenderResult } from '../render/index.js';
import type { ClonedCapstanError, RenderReply, RenderTask, WarmTask } from './render-worker.js';

/** A render, with its inputs' hashes (render-input-hash.ts) when it was given a `repoRoot`. */
export interface HashedRender extends RenderResult {
  /** each of `inputs`' hash under `repoRoot`, taken in the worker right after the render */
  hashes?: string[];
}

/** Renders `dir`; rejects with the renderer's own CapstanError on a user's mistake. */
export type Renderer = (dir: string, options: RenderOptions, signal?: AbortSignal) => Promise<HashedRender>;

export interface RenderPoolOptions {
  /** worker threads (default: one per core but one, at most two — the event loop keeps a core) */
  threads?: number;
  /** an idle worker exits after this long (default 30 s); the next render starts a new one */
  idleMs?: number;
  /** the configuration's `render:` limits, under what each render asks for */
  limits?: Partial<RenderLimits>;
  /**
   * start a worker at once (default true): loading the renderer into a new thread takes a
   * good part of a second, which the daemon's first render would otherwise wait for
   */
  warm?: boolean;
}

// the worker's file beside this one: render-worker.ts under tsx (tests), .js from dist/
const WORKER_FILE = new URL(
  `./render-worker${path.extname(new URL(import.meta.url).pathname)}`,
  import.meta.url,
);

export class RenderPool {
  /** how many renders run at once */
  readonly threads: number;
  private readonly idleMs: number;
  private readonly limits: Partial<RenderLimits>;
  private pool?: Piscina<RenderTask | WarmTask, RenderReply | undefined>;
  private closed = false;

  constructor(options: RenderPoolOptions = {}) {
    this.threads = options.threads ?? Math.min(2, Math.max(1, os.availableParallelism() - 1));
    this.idleMs = options.idleMs ?? 30_000;
    this.limits = options.limits ?? {};
    if (options.warm ?? true)
      this.started()
        .run({ warm: true })
        .catch(() => undefined);
  }

  /** Renders `dir` in a worker; an aborted `signal` ends the worker running it. */
  readonly render: Renderer = async (dir, options, signal) => {
    if (this.closed) throw new CapstanError('RENDER_POOL_CLOSED', 'the daemon is stopping: no new renders');
    const reply = (await this.started().run({ dir, options: { ...this.limits, ...options } }, { signal }))!;
    if (!reply.ok) throw rebuild(reply.error);
    return reply.hashes ? { ...reply.result, hashes: reply.hashes } : reply.result;
  };

  /** Ends the workers (a render still running is rejected); safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private started(): Piscina<RenderTask | WarmTask, RenderReply | undefined> {
    this.pool ??= new Piscina<RenderTask | WarmTask, RenderReply | undefined>({
      filename: WORKER_FILE.href,
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: this.idleMs,
      // below the event loop in the scheduler's eyes: on a busy machine the APIs still answer first
      niceIncrement: 5,
    });
    return this.pool;
  }
}

/** The worker's reply as the CapstanError it was, so callers match its code as before. */
function rebuild(error: ClonedCapstanError): CapstanError {
  return new CapstanError(error.code, error.message, error.data, error.cause);
}
