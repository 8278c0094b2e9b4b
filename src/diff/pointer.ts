/** RFC 6901 JSON pointers, and removal at a pointer without copying more than the path to it. */
import { isJsonObject, type JsonValue } from '../core/index.js';

/** `/metadata/annotations/a~1b` → `['metadata', 'annotations', 'a/b']`; the caller checks the leading `/`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function formatPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1');
  return out;
}

/**
 * `value` without what `segments` points at; the same value when nothing is there (Argo CD
 * ignores a pointer that does not resolve). Only the containers on the path are copied.
 */
export function removeAtPointer(value: JsonValue, segments: readonly string[], from = 0): JsonValue {
  const seg = segments[from];
  if (seg === undefined) return value;
  const last = from === segments.length - 1;
  if (Array.isArray(value)) {
    if (!/^(0|[1-9][0-9]*)$/.test(seg)) return value;
    const i = Number(seg);
    if (i >= value.length) return value;
    if (last) return [...value.slice(0, i), ...value.slice(i + 1)];
    const inner = removeAtPointer(value[i]!, segments, from + 1);
    if (inner === value[i]) return value;
    const out = value.slice();
    out[i] = inner;
    return out;
  }
  if (!isJsonObject(value) || !Object.prototype.hasOwnProperty.call(value, seg)) return value;
  if (last) {
    const out = { ...value };
    delete out[seg];
    return out;
  }
  const inner = removeAtPointer(value[seg]!, segments, from + 1);
  return inner === value[seg] ? value : { ...value, [seg]: inner };
}
