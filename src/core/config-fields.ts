/** Field-by-field reading of configuration files: every error names the file and the field path. */
import { CapstanError, isCapstanError } from './errors.js';
import type { JsonValue } from './object.js';
import { parseQuantity } from './quantity.js';
import { MAX_TIMER_DELAY_MS } from './timers.js';

export type Obj = Record<string, JsonValue>;

/** Field-by-field reading with the file and path in every error. */
export class Fields {
  constructor(readonly file: string) {}

  fail(at: string, message: string, code = 'CONFIG_INVALID'): never {
    const where = at ? `${this.file}: ${at}` : this.file;
    throw new CapstanError(code, `${where}: ${message}`, { file: this.file, field: at });
  }

  /** A mapping with only `known` keys; `null` (an empty YAML key) reads as an empty mapping. */
  object(v: JsonValue | undefined, at: string, known: readonly string[]): Obj {
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(at, `must be a mapping, got ${show(v)}`);
    for (const k of Object.keys(v)) {
      if (!known.includes(k)) {
        this.fail(
          at,
          `unknown field ${JSON.stringify(k)} (known fields: ${known.join(', ')})`,
          'CONFIG_UNKNOWN_FIELD',
        );
      }
    }
    return v;
  }

  list(v: JsonValue | undefined, at: string): JsonValue[] {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) this.fail(at, `must be a list, got ${show(v)}`);
    return v;
  }

  string(v: JsonValue | undefined, at: string): string | undefined {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') this.fail(at, `must be a non-empty string, got ${show(v)}`);
    return v;
  }

  required(v: JsonValue | undefined, at: string): string {
    const s = this.string(v, at);
    if (s === undefined) this.fail(at, 'is required');
    return s;
  }

  oneOf<T extends string>(v: JsonValue | undefined, at: string, values: readonly T[]): T | undefined {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.fail(at, `must be one of ${values.join(', ')}, got ${show(v)}`);
    }
    return v as T;
  }

  port(v: JsonValue | undefined, at: string): number | undefined {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
      this.fail(at, `must be a port number from 0 to 65535 (0 picks a free port), got ${show(v)}`);
    }
    return v;
  }

  /** A Kubernetes quantity (`2`, `500m`, `4Gi`) as a plain number; must be above zero. */
  quantity(v: JsonValue | undefined, at: string, example: string): number | undefined {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.fail(at, `must be a quantity such as ${example}, got ${show(v)}`);
    }
    let n: number;
    try {
      n = parseQuantity(v);
    } catch (e) {
      if (!isCapstanError(e)) throw e;
      this.fail(at, `${e.message}; write a quantity such as ${example}`);
    }
    if (!(n > 0)) this.fail(at, `must be more than zero, got ${show(v)}`);
    return n;
  }
}

export function show(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}

/** `labels.tier`, or `labels["kubernetes.io/role"]` where a dot would mislead. */
export function keyPath(at: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;
}

/** MAX_TIMER_DELAY_MS as a Go duration: 2,147,483,647 ms = 596 h 31 min 23.647 s. */
const MAX_DURATION_TEXT = '596h31m23.647s';

/**
 * A Go-style duration (`500ms`, `2s`, `1m30s`) in milliseconds.
 * Worked example: `1m30s` → 60,000 + 30,000 = 90,000.
 */
export function durationMs(f: Fields, v: JsonValue | undefined, at: string): number | undefined {
  if (v === null || v === undefined) return undefined;
  const text = typeof v === 'string' ? v : '';
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (text === '0' || v === 0) return 0;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    f.fail(at, `must be a duration such as 500ms, 2s or 1m30s, got ${show(v)}`);
  }
  let ms = 0;
  for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) ms += Number(n) * units[unit];
  // Node's timers cannot hold more than 2^31−1 ms and would fire after 1 ms instead.
  if (Math.round(ms) > MAX_TIMER_DELAY_MS) {
    f.fail(at, `must be at most ${MAX_DURATION_TEXT} (the longest delay a timer can hold), got ${show(v)}`);
  }
  return Math.round(ms);
}
