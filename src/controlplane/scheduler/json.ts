/**
 * Tolerant readers over plain JSON objects: the scheduler sees Pods and Nodes as they come
 * from the store, and a missing or mistyped field must read as "absent", never throw.
 */
import type { JsonObject, JsonValue } from '../../core/index.js';
import { isJsonObject } from '../../core/index.js';

/** The object at `v`, or an empty object when `v` is not one. */
export function obj(v: JsonValue | undefined): JsonObject {
  return isJsonObject(v) ? v : {};
}

/** The array at `v`, or an empty array. */
export function arr(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

/** The objects in the array at `v`, skipping anything else. */
export function objs(v: JsonValue | undefined): JsonObject[] {
  return arr(v).filter(isJsonObject);
}

/** The string at `v`, or '' (Go's zero value, which the Kubernetes code compares against). */
export function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** A map of strings (labels, nodeSelector); non-string values are skipped. */
export function strMap(v: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === 'string') out[k] = x;
  return out;
}

/** A pod's or node's metadata.labels. */
export function labelsOf(o: JsonObject): Record<string, string> {
  return strMap(obj(o.metadata).labels);
}

/** metadata.name. */
export function nameOf(o: JsonObject): string {
  return str(obj(o.metadata).name);
}

/** metadata.namespace, `default` when unset as the API server would have filled it. */
export function namespaceOf(o: JsonObject): string {
  return str(obj(o.metadata).namespace) || 'default';
}

export function has(m: Record<string, string>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}
