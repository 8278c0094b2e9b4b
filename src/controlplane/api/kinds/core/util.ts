/** Small helpers shared by the core/v1 kinds: typed access to JSON, time cells, quantities. */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import { humanDuration } from '../print-util.js';
import { isObject } from '../validation.js';

/** The object at `v`, or undefined. */
export function obj(v: JsonValue | undefined): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** The array at `v`, or an empty one. */
export function arr(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

/** The objects of the array at `v` (non-objects skipped). */
export function objs(v: JsonValue | undefined): JsonObject[] {
  return arr(v).filter(isObject);
}

/** `parent[key]` as an object, created when absent. */
export function child(parent: JsonObject, key: string): JsonObject {
  const cur = parent[key];
  if (isObject(cur)) return cur;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** A metav1.Time cell: time since `ts`, `<unknown>` when unset (translateTimestampSince). */
export function since(ts: JsonValue | undefined, now: Date): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** Whether metadata.deletionTimestamp is set. */
export function isDeleting(o: JsonObject): boolean {
  return Boolean(obj(o.metadata)?.deletionTimestamp);
}

const binarySuffix: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimalSuffix: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * A resource.Quantity as a number (`500m` → 0.5, `1Gi` → 1073741824), for comparisons only;
 * undefined when malformed. Floating point is exact enough to compare the values people write.
 */
export function parseQuantity(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(v.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return base * (binarySuffix[suffix] ?? decimalSuffix[suffix] ?? 1);
}

/** A quantity cell: the stored string (the server prints its canonical form; inputs usually are). */
export function quantityString(v: JsonValue | undefined): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return '0';
}

/** Access modes as kubectl abbreviates them, in a fixed order (helper.GetAccessModesAsString). */
export function accessModesString(modes: JsonValue | undefined): string {
  const set = new Set(arr(modes).map(String));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** `k1=v1,k2=v2` with sorted keys, `<none>` when empty (labels.FormatLabels). */
export function formatLabels(labels: JsonValue | undefined): string {
  const o = obj(labels);
  if (!o || Object.keys(o).length === 0) return '<none>';
  return Object.keys(o)
    .sort()
    .map((k) => `${k}=${String(o[k])}`)
    .join(',');
}

/** `"true"`/`"false"` as field selectors compare booleans. */
export function boolField(v: JsonValue | undefined): string {
  return v === true ? 'true' : 'false';
}

/** Core kinds never set metadata.generation (no core/v1 strategy does), so nothing bumps it. */
export const noGeneration = (): JsonValue => null;
