/**
 * The simple JSONPath of additionalPrinterColumns (`.spec.replicas`,
 * `.status.conditions[?(@.type=="Ready")].status`, `.spec.items[0].name`, `.metadata.labels['app\.kubernetes\.io/name']`)
 * and the cells apiextensions' table convertor makes of the first result.
 * Hand-written: the npm JSONPath libraries use `$`-rooted Goessner syntax, not client-go's.
 */
import { isJsonObject, type JsonValue } from '../../../../core/index.js';
import { humanDuration } from '../print-util.js';

type Step =
  | { key: string }
  | { index: number }
  | { all: true }
  | { filter: string[]; op: '==' | '!=' | 'exists'; value?: JsonValue };

/** Parses a path into steps; throws on syntax it does not support. */
export function parseJsonPath(path: string): Step[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '.') {
      let j = i + 1;
      let key = '';
      while (j < p.length && p[j] !== '.' && p[j] !== '[') {
        if (p[j] === '\\' && j + 1 < p.length) j++;
        key += p[j++];
      }
      if (key !== '') steps.push(key === '*' ? { all: true } : { key });
      i = j;
    } else if (p[i] === '[') {
      const end = p.indexOf(']', p.startsWith('[?(', i) ? p.indexOf(')]', i) : i);
      if (end < 0) throw new Error(`unterminated [ in ${path}`);
      const inner = p.slice(i + 1, end);
      i = end + 1;
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ key: inner.slice(1, -1).replace(/\\(.)/g, '$1') });
      else {
        const m = /^\?\(@((?:\.[\w-]+)+)\s*(?:(==|!=)\s*(.+?))?\s*\)$/.exec(inner);
        if (!m) throw new Error(`unsupported JSONPath segment [${inner}]`);
        const raw = m[3]?.trim();
        let value: JsonValue | undefined;
        if (raw !== undefined) value = /^'.*'$/.test(raw) ? raw.slice(1, -1) : (JSON.parse(raw) as JsonValue);
        steps.push({
          filter: m[1]!.slice(1).split('.'),
          op: (m[2] as '==' | '!=' | undefined) ?? 'exists',
          value,
        });
      }
    } else throw new Error(`unexpected ${p[i]} in JSONPath ${path}`);
  }
  return steps;
}

function walk(v: JsonValue | undefined, keys: string[]): JsonValue | undefined {
  let cur = v;
  for (const k of keys) cur = isJsonObject(cur) ? cur[k] : undefined;
  return cur;
}

/** Every value the path selects, in document order. */
export function evaluateJsonPath(obj: JsonValue, path: string): JsonValue[] {
  let current: JsonValue[] = [obj];
  for (const step of parseJsonPath(path)) {
    const next: JsonValue[] = [];
    for (const v of current) {
      if ('key' in step) {
        if (isJsonObject(v) && v[step.key] !== undefined) next.push(v[step.key]!);
      } else if ('index' in step) {
        if (Array.isArray(v)) {
          const at = step.index < 0 ? v.length + step.index : step.index;
          if (v[at] !== undefined) next.push(v[at]!);
        }
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (isJsonObject(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          const got = walk(item, step.filter);
          const keep =
            step.op === 'exists'
              ? got !== undefined
              : step.op === '=='
                ? got === step.value
                : got !== step.value;
          if (keep) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

/** A value as Go's fmt.Fprint prints an unstructured value: `map[a:1]`, `[x y]`. */
export function goPrint(v: JsonValue): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goPrint(v[k]!)}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * The cell of an additional printer column (cellForJSONValue): strings printed, integers
 * truncated, dates as ages, null when the path selects nothing or the type does not fit.
 */
export function columnCell(obj: JsonValue, jsonPath: string, type: string, now: Date): JsonValue {
  let results: JsonValue[];
  try {
    results = evaluateJsonPath(obj, jsonPath);
  } catch {
    return null;
  }
  const value = results[0];
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : goPrint(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = Date.parse(value);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now.getTime() - t);
    }
    default:
      return null;
  }
}
