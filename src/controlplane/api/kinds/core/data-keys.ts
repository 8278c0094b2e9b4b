/**
 * The data rules ConfigMaps and Secrets share (pkg/apis/core/validation ValidateConfigMap,
 * ValidateSecret and their updates): keys become file names in volumes, the whole payload
 * fits in 1 MiB (an etcd value), and `immutable: true` freezes the data for good.
 */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import { deepEqual, forbidden, invalid, isConfigMapKey, keyPath } from '../validation.js';
import { obj } from './util.js';

/** core.MaxSecretSize, also the ConfigMap limit. */
export const maxDataSize = 1024 * 1024;

/** Invalid key errors of one data map, at `path[key]`. */
export function validateDataKeys(data: JsonValue | undefined, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  for (const key of Object.keys(obj(data) ?? {}))
    for (const m of isConfigMapKey(key)) out.push(invalid(keyPath(path, key), key, m));
  return out;
}

/**
 * The byte length of base64 `value` once decoded, or where Go's decoder gives up ("illegal
 * base64 data at input byte N"): a foreign character, data after padding, or a short last quantum.
 * Example: "YWJj" decodes to 3 bytes; "YWJ" fails at byte 0, the start of its unfinished quantum.
 */
export function base64Length(value: string): { bytes: number } | { illegalAt: number } {
  // Go's decoder skips CR and LF anywhere in the input
  const s = value.replace(/[\r\n]/g, '');
  const foreign = s.search(/[^A-Za-z0-9+/=]/);
  if (foreign >= 0) return { illegalAt: foreign };
  const body = s.replace(/=+$/, '');
  if (body.includes('=')) return { illegalAt: body.indexOf('=') + 1 };
  const padding = s.length - body.length;
  if (s.length % 4 !== 0 || padding > 2) return { illegalAt: s.length - (s.length % 4 || 4) };
  return { bytes: (s.length / 4) * 3 - padding };
}

/** The `immutable` rules on update: the flag cannot be cleared and the named maps cannot change. */
export function validateImmutableData(o: JsonObject, old: JsonObject, fields: string[]): FieldCause[] {
  if (old.immutable !== true) return [];
  const out: FieldCause[] = [];
  const msg = 'field is immutable when `immutable` is set';
  if (o.immutable !== true) out.push(forbidden('immutable', msg));
  for (const f of fields)
    if (!deepEqual(emptyAsAbsent(o[f]), emptyAsAbsent(old[f]))) out.push(forbidden(f, msg));
  return out;
}

// Go compares decoded maps: an absent map and an empty one are both nil after decoding
function emptyAsAbsent(v: JsonValue | undefined): JsonValue | undefined {
  const o = obj(v);
  return o && Object.keys(o).length === 0 ? undefined : (v ?? undefined);
}
