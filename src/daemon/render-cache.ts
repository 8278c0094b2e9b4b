/**
 * Render only what changed: an application's last render is kept with the hash of every
 * input it read (RenderResult.inputs). A new revision in which each of those inputs hashes
 * the same renders the same objects, so they are returned without a render. A push touching
 * 1 of 1,000 applications then costs one render and 999 checks of a few small files.
 *
 * Hashes are taken from the checkout after the render (by the render worker, in the same
 * task); Git snapshots are immutable, so they are what the render read. (A local directory
 * edited during its render could be recorded with the newer hash: its next change renders
 * again.)
 */
import path from 'node:path';
import type { RenderOptions, RenderResult } from '../render/index.js';
import { hashInputs, UNREADABLE } from './render-input-hash.js';
import type { Renderer } from './render-pool.js';

export interface RenderCacheOptions {
  /** applications remembered, least recently used dropped first (default 10,000) */
  maxEntries?: number;
  /** bound on the remembered objects, as JSON bytes (default 256 MiB) */
  maxBytes?: number;
}

export const DEFAULT_RENDER_CACHE_ENTRIES = 10_000;
export const DEFAULT_RENDER_CACHE_BYTES = 256 * 1024 * 1024;

/** A render's result, and whether it came from the cache. */
export interface CachedRender extends RenderResult {
  cached: boolean;
}

export interface RenderCacheStats {
  /** renders run (misses) */
  renders: number;
  /** renders spared (hits) */
  hits: number;
  entries: number;
  bytes: number;
}

interface Entry {
  /** the directory rendered, relative to the checkout's root */
  source: string;
  /** the render options that shape the output */
  options: string;
  mode: RenderResult['mode'];
  inputs: string[];
  hashes: string[];
  /** the objects as JSON: compact, and each hit parses a copy its caller may change */
  json: string;
  bytes: number;
}

export class RenderCache {
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  /** insertion order is recency: an entry moves to the end when used */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private renders = 0;
  private hits = 0;

  constructor(options: RenderCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_RENDER_CACHE_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_RENDER_CACHE_BYTES;
  }

  /**
   * The objects of `dir` (inside the checkout `root`) for application `key`: the cached ones
   * when every input of its last render hashes the same under `root`, else `renderFn`'s
   * (the render pool's), recorded for next time. `options.repoRoot` is `root`; a render's
   * error is passed on and nothing is recorded.
   */
  async render(
    key: string,
    root: string,
    dir: string,
    options: RenderOptions,
    renderFn: Renderer,
    signal?: AbortSignal,
  ): Promise<CachedRender> {
    const source = path.relative(root, dir) || '.';
    const shape = optionsKey(options);
    const entry = this.entries.get(key);
    if (entry && entry.source === source && entry.options === shape) {
      if (unchanged(root, entry)) {
        this.hits++;
        this.touch(key, entry);
        const objects = JSON.parse(entry.json) as RenderResult['objects'];
        return { mode: entry.mode, objects, inputs: [...entry.inputs], cached: true };
      }
    }
    this.renders++;
    const result = await renderFn(
      dir,
      { ...options, repoRoot: root, displayRoot: options.displayRoot ?? root },
      signal,
    );
    const { hashes: taken, ...rendered } = result;
    const hashes = taken ?? hashInputs(root, result.inputs);
    const json = JSON.stringify(result.objects);
    this.remember(key, {
      source,
      options: shape,
      mode: result.mode,
      inputs: result.inputs,
      hashes,
      json,
      bytes: json.length + result.inputs.reduce((n, p) => n + p.length + 48, 0),
    });
    return { ...rendered, cached: false };
  }

  /** Forgets an application (it was deleted). */
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  stats(): RenderCacheStats {
    return { renders: this.renders, hits: this.hits, entries: this.entries.size, bytes: this.bytes };
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private remember(key: string, entry: Entry): void {
    this.delete(key);
    if (entry.bytes > this.maxBytes) return; // would evict everything else and still not fit
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.bytes;
    }
  }
}

/** True when every input hashes as recorded (one that cannot be read never does); stops at the first that differs. */
function unchanged(root: string, entry: Entry): boolean {
  for (let i = 0; i < entry.inputs.length; i++) {
    const [now] = hashInputs(root, [entry.inputs[i]]);
    if (now === UNREADABLE || now !== entry.hashes[i]) return false;
  }
  return true;
}

/** The options that shape the output, as a stable string: the roots differ per checkout. */
function optionsKey(options: RenderOptions): string {
  const { repoRoot: _repoRoot, displayRoot: _displayRoot, ...shaping } = options;
  return JSON.stringify(Object.entries(shaping).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
